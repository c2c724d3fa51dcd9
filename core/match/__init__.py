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

The model (levels and weights) lives in ``weights.py``; blocking rules in ``blocking.py``;
what an incremental refresh re-decides so that it agrees with a full rebuild in
``incremental.py``.
"""
