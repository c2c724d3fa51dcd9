"""The review engine: duplicate suggestions with explained scores, reversible merges and the
owner's decision log.

Public API (plain functions taking a Session; results are plain dataclasses):

- suggestions: ``suggest.refresh_suggestions(session, party_ids=None) -> int``,
  ``views.list_suggestions(session, min_score=None, limit=None, status="open")``,
  ``views.get_suggestion``, ``suggest.score_parties(session, a, b) -> PairScore``,
  ``hooks.after_ingest(session, touched_party_ids)`` (call after every import/sync batch);
- merges: ``merge.merge_parties(session, party_ids, keep_id=None, field_choices=None) -> int``,
  ``unmerge.unmerge(session, decision_id) -> int``, ``split.split_record(session, record_id)``;
- decisions: ``decisions.mark_not_duplicate``, ``confirm_handle_link``,
  ``dismiss_handle_link``, ``mark_handle_shared``, ``revoke_decision``,
  ``reapply_decisions``; ``views.list_decisions(session) -> list[DecisionView]``.

The model: comparison levels in ``compare.py`` (names per given/family name in
``name_levels.py``, string metrics in ``similarity.py``), the hand-set weight table in
``weights.py`` (the model of small books and the EM's starting point), the estimate from the
owner's own data in ``train.py`` (``train.retrain(session)``; ``kith duplicates --retrain``;
stored versioned in ``match_model``, chosen by ``model_store.active_model``), the owner's
decisions as labels in ``labels.py`` / ``relabel.py``. Explanations: the first item is the
prior ("Starting point for any two contacts"), every item has a plain ``sentence``
(``sentences.py``) and the items add up exactly to the score; ``blocking.rule_sentences``
says why two contacts were compared. Blocking rules live in ``blocking.py``; what an
incremental refresh re-decides so that it agrees with a full rebuild in ``incremental.py``;
``views.list_suggestions(..., order="useful")`` puts the least certain pairs first. A full
rebuild of a big book scores its pairs in worker processes (``parallel.py``); after a big
import, in the one process that followed the import and scored pairs as they came in
(``feature_tail.py``, offered by ``core.sync.bulk_refresh``).
"""
