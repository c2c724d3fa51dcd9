"""The one-line identity preamble put in front of a message from a channel.

Exactly three forms (tools downstream parse them):
``[Source: Owner, via {channel}]``,
``[Source: {name} (contact_id: {cid}, entity_id: {eid}), via {channel}]`` and
``[Source: Unknown sender (contact_id: {cid}), via {channel} -- pending disambiguation]``.
``contact_id`` is the party id; ``entity_id`` is the id of the handle the message came from.
"""

from __future__ import annotations

from core.identity.lookup import ResolvedContact


def build_identity_preamble(resolved: ResolvedContact, channel: str) -> str:
    if resolved is None:
        raise ValueError("Resolve the sender (or create a temporary contact) first")
    if resolved.is_owner:
        return f"[Source: Owner, via {channel}]"
    if resolved.needs_disambiguation:
        return (f"[Source: Unknown sender (contact_id: {resolved.party_id}), via {channel}"
                " -- pending disambiguation]")
    name = resolved.display_name.replace("[", "(").replace("]", ")") or "(no name)"
    return (f"[Source: {name} (contact_id: {resolved.party_id}, "
            f"entity_id: {resolved.handle_id}), via {channel}]")
