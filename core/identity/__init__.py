"""Identity: the owner, reverse lookup, temporary contacts, preambles and notify targets.

Public functions (each takes a Session and returns plain dataclasses):
``ensure_owner``, ``get_owner_id`` (owner), ``resolve_contact_by_channel`` (lookup),
``create_temp_contact``, ``record_sender_notice`` (temp), ``build_identity_preamble``
(preamble), ``resolve_notify_recipient`` (notify), ``list_party_handles``,
``mark_handle_secured``, ``visible_handles_clause`` (handles), ``attach_temp_contact``,
``promote_temp_contact`` (disambiguate).
"""
