"""``kith identity owner | resolve | temp | preamble | notify | attach | promote``.

The identity layer from a terminal: who is the owner, who is behind a channel value, the
temporary contact for an unknown sender, the preamble a message gets, and who to notify.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from app.context import database, session_scope


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("identity", help="owner, reverse lookup, unknown senders, notify")
    isub = p.add_subparsers(dest="identity_command", metavar="ACTION", required=True)

    q = isub.add_parser("owner", help="show (creating on first use) the owner's contact")
    q.add_argument("--name", default="Me", help="display name when creating the owner")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_owner)

    q = isub.add_parser("resolve", help="which contact is behind TYPE VALUE")
    _channel_args(q)
    q.set_defaults(handler=cmd_resolve)

    q = isub.add_parser("temp", help="the contact for a sender, made if unknown")
    _channel_args(q)
    q.set_defaults(handler=cmd_temp)

    q = isub.add_parser("preamble", help="the identity preamble of a message from TYPE VALUE")
    _channel_args(q)
    q.add_argument("--channel", help="channel name shown (default: TYPE)")
    q.set_defaults(handler=cmd_preamble)

    q = isub.add_parser("notify", help="who to notify on a channel")
    q.add_argument("type", metavar="TYPE", help="email, phone, telegram, ...")
    q.add_argument("--contact", type=int, metavar="ID")
    q.add_argument("--recipient", metavar="VALUE")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_notify)

    q = isub.add_parser("attach", help="an unknown sender is this existing contact")
    q.add_argument("temp", type=int, metavar="TEMP_ID")
    q.add_argument("target", type=int, metavar="CONTACT_ID")
    q.set_defaults(handler=cmd_attach)

    q = isub.add_parser("promote", help="an unknown sender becomes a contact of its own")
    q.add_argument("temp", type=int, metavar="TEMP_ID")
    q.add_argument("name", metavar="NAME")
    q.add_argument("--given", default="")
    q.add_argument("--family", default="")
    q.set_defaults(handler=cmd_promote)


def _channel_args(q: argparse.ArgumentParser) -> None:
    q.add_argument("type", metavar="TYPE", help="email, phone, sms, telegram, ...")
    q.add_argument("value", metavar="VALUE")
    q.add_argument("--region", default="", help="default phone region (e.g. DE)")
    q.add_argument("--json", action="store_true")


def _run(args: argparse.Namespace, action) -> Any:  # noqa: ANN001 - callable(session)
    from app.cli import CommandError
    from core.match.merge import MergeError

    db = database(args)
    try:
        with session_scope(db) as session:
            return action(session)
    except (MergeError, LookupError, ValueError) as exc:
        raise CommandError(str(exc).strip("'\"")) from None


def _show(args: argparse.Namespace, data: dict[str, Any], text: str) -> int:
    from app.cli import print_json

    if getattr(args, "json", False):
        print_json(data)
    else:
        print(text)
    return 0


def cmd_owner(args: argparse.Namespace) -> int:
    from core.identity.lookup import contact_view
    from core.identity.owner import ensure_owner

    view = _run(args, lambda s: contact_view(s, ensure_owner(s, args.name)))
    return _show(args, asdict(view), f"Owner: {view.display_name} [{view.party_id}]")


def cmd_resolve(args: argparse.Namespace) -> int:
    from app.cli import CommandError
    from core.identity.lookup import resolve_contact_by_channel

    found = _run(args, lambda s: resolve_contact_by_channel(s, args.type, args.value,
                                                              region=args.region))
    if found is None:
        raise CommandError(f"No contact has {args.type} {args.value}", code=1)
    return _show(args, asdict(found), f"{found.display_name} [{found.party_id}]")


def cmd_temp(args: argparse.Namespace) -> int:
    from core.identity.temp import create_temp_contact

    temp = _run(args, lambda s: create_temp_contact(s, args.type, args.value,
                                                    region=args.region))
    state = "created" if temp.created else "existing"
    note = " (notify the owner)" if temp.notify_owner else ""
    return _show(
        args, {**asdict(temp.contact), "created": temp.created,
               "notify_owner": temp.notify_owner},
        f"{temp.contact.display_name} [{temp.contact.party_id}] {state}{note}")


def cmd_preamble(args: argparse.Namespace) -> int:
    from core.identity.lookup import resolve_contact_by_channel
    from core.identity.preamble import build_identity_preamble
    from core.identity.temp import create_temp_contact

    def action(session):  # noqa: ANN001, ANN202 - Session -> str
        found = resolve_contact_by_channel(session, args.type, args.value, region=args.region)
        if found is None:
            found = create_temp_contact(session, args.type, args.value,
                                        region=args.region).contact
        return build_identity_preamble(found, args.channel or args.type)

    line = _run(args, action)
    return _show(args, {"preamble": line}, line)


def cmd_notify(args: argparse.Namespace) -> int:
    from app.cli import CommandError
    from core.identity.notify import NoChannelHandleError, resolve_notify_recipient

    def action(session):  # noqa: ANN001, ANN202 - Session -> recipient or error
        try:
            return resolve_notify_recipient(session, args.type, contact_id=args.contact,
                                            recipient=args.recipient)
        except NoChannelHandleError as exc:
            return exc  # committed with the pending action it recorded

    target = _run(args, action)
    if isinstance(target, NoChannelHandleError):
        raise CommandError(f"{target} (pending action {target.pending_action_id})", code=1)
    return _show(args, asdict(target), target.value)


def cmd_attach(args: argparse.Namespace) -> int:
    from core.identity.disambiguate import attach_temp_contact

    decision = _run(args, lambda s: attach_temp_contact(s, args.temp, args.target))
    print(f"Unknown sender {args.temp} is now part of contact {args.target} "
          f"(decision {decision}; undo with: kith revoke {decision})")
    return 0


def cmd_promote(args: argparse.Namespace) -> int:
    from core.identity.disambiguate import promote_temp_contact

    decision = _run(args, lambda s: promote_temp_contact(
        s, args.temp, args.name, given_name=args.given, family_name=args.family))
    print(f"Contact {args.temp} is now {args.name} (decision {decision})")
    return 0
