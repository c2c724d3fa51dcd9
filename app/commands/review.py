"""``kith duplicates | merge | unmerge | not-duplicate | split | decisions | revoke | link |
handle``: reviewing the address book from a terminal.

Every command is a thin shell over core.match; each change is one decision in the log, so
``kith decisions`` shows it and ``kith revoke ID`` undoes it.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

from app.context import database, session_scope


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("duplicates", help="list suggested duplicates with explained scores")
    p.add_argument("--json", action="store_true")
    p.add_argument("--min-score", type=float, default=None, metavar="S",
                   help="lowest score shown (default: the review threshold)")
    p.add_argument("--limit", type=int, default=None, metavar="N")
    p.add_argument("--refresh", action="store_true", help="re-score every contact first")
    p.add_argument("--retrain", action="store_true",
                   help="learn the model's weights again from this address book and your "
                        "decisions, then re-score every contact")
    p.add_argument("--order", choices=("score", "useful"), default="score",
                   help="score: most likely first; useful: the pairs whose answer teaches "
                        "the model most (least certain) first")
    p.set_defaults(handler=cmd_duplicates)

    p = sub.add_parser("merge", help="merge contacts into one (undo: kith unmerge)")
    p.add_argument("ids", nargs="+", type=int, metavar="ID")
    p.add_argument("--keep", type=int, metavar="ID", help="the contact that stays")
    p.add_argument("--field", action="append", default=[], metavar="NAME=ID",
                   help="take this field (name, organization, birthday, photo, notes...) "
                        "from contact ID; repeatable")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_merge)

    p = sub.add_parser("unmerge", help="undo a merge, restoring the contacts exactly")
    p.add_argument("decision", type=int, metavar="DECISION_ID")
    p.set_defaults(handler=cmd_unmerge)

    p = sub.add_parser("not-duplicate", help="remember that two contacts are different people")
    p.add_argument("a", type=int, metavar="ID")
    p.add_argument("b", type=int, metavar="ID")
    p.set_defaults(handler=cmd_not_duplicate)

    p = sub.add_parser("split", help="split one source record off into its own contact")
    p.add_argument("record", type=int, metavar="RECORD_ID")
    p.set_defaults(handler=cmd_split)

    p = sub.add_parser("decisions", help="the decision log (merges, links, ...)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--active", action="store_true", help="hide revoked decisions")
    p.set_defaults(handler=cmd_decisions)

    p = sub.add_parser("revoke", help="revoke a decision; the engine's rules apply again")
    p.add_argument("decision", type=int, metavar="DECISION_ID")
    p.set_defaults(handler=cmd_revoke)

    p = sub.add_parser("link", help="confirm or dismiss that a handle belongs to a contact")
    p.add_argument("action", choices=("confirm", "dismiss"))
    p.add_argument("handle", type=int, metavar="HANDLE_ID")
    p.add_argument("party", type=int, metavar="PARTY_ID")
    p.set_defaults(handler=cmd_link)

    p = sub.add_parser("handle", help="mark a handle (family landline, info@...)")
    p.add_argument("action", choices=("shared", "personal"))
    p.add_argument("handle", type=int, metavar="HANDLE_ID")
    p.set_defaults(handler=cmd_handle)


@contextmanager
def _engine_errors() -> Iterator[None]:
    """Engine refusals become user-facing errors (exit status 2), never tracebacks."""
    from app.cli import CommandError
    from core.match.merge import MergeError

    try:
        yield
    except (MergeError, LookupError, ValueError) as exc:
        raise CommandError(str(exc).strip("'\"")) from None


def _run(args: argparse.Namespace, action: Callable[[Session], Any]) -> Any:
    db = database(args)
    with _engine_errors(), session_scope(db) as session:
        return action(session)


def cmd_duplicates(args: argparse.Namespace) -> int:
    from app.cli import print_json
    from core.db.models import MatchPartyKeys
    from core.match.suggest import refresh_suggestions
    from core.match.views import list_suggestions

    trained: dict[str, Any] = {}

    def action(session: Session):  # noqa: ANN202 - list of views
        if args.retrain:
            from core.match.train import retrain

            trained.update(retrain(session).summary())
            refresh_suggestions(session)
        elif args.refresh or session.query(MatchPartyKeys.party_id).first() is None:
            refresh_suggestions(session)
        return list_suggestions(session, min_score=args.min_score, limit=args.limit,
                                order=args.order)

    views = _run(args, action)
    if trained and not args.json:
        print(_trained_line(trained))
    if args.json:
        print_json([v.as_dict() for v in views])
        return 0
    if not views:
        print("No duplicate suggestions.")
        return 0
    for v in views:
        print(f"#{v.id}  score {v.score:+.2f}  p={v.probability:.3f}  "
              f"{v.name_a} [{v.party_a_id}]  <->  {v.name_b} [{v.party_b_id}]")
        for reason in v.blocking_sentences:
            print(f"    {reason}")
        for item in v.explanation:
            print(f"    {item.weight:+6.2f}  {item.sentence}")
    return 0


def _trained_line(summary: dict[str, Any]) -> str:
    if summary["source"] == "hand":
        return f"Kept the built-in weights: {summary['reason']}."
    return (f"Learnt new weights from {summary['parties']} contacts, {summary['pairs']} "
            f"compared pairs and {summary['labels']} of your decisions "
            f"(model {summary['version']}).")


def _field_choices(values: list[str]) -> dict[str, int]:
    from app.cli import CommandError

    choices: dict[str, int] = {}
    for value in values:
        name, sep, pid = value.partition("=")
        if not sep or not pid.strip().isdigit():
            raise CommandError(f"--field expects NAME=ID, got {value!r}")
        choices[name.strip()] = int(pid)
    return choices


def cmd_merge(args: argparse.Namespace) -> int:
    from app.cli import print_json
    from core.match.merge import merge_parties

    choices = _field_choices(args.field)
    decision = _run(args, lambda s: merge_parties(s, args.ids, keep_id=args.keep,
                                                  field_choices=choices))
    if args.json:
        print_json({"decision_id": decision})
    else:
        print(f"Merged {len(set(args.ids))} contacts (decision {decision}; "
              f"undo with: kith unmerge {decision})")
    return 0


def cmd_unmerge(args: argparse.Namespace) -> int:
    from core.match.unmerge import unmerge

    undo = _run(args, lambda s: unmerge(s, args.decision))
    print(f"Undid merge {args.decision} (decision {undo})")
    return 0


def cmd_not_duplicate(args: argparse.Namespace) -> int:
    from core.match.decisions import mark_not_duplicate

    decision = _run(args, lambda s: mark_not_duplicate(s, args.a, args.b))
    print(f"Contacts {args.a} and {args.b} will not be suggested again (decision {decision})")
    return 0


def cmd_split(args: argparse.Namespace) -> int:
    from core.match.split import split_record

    new_id = _run(args, lambda s: split_record(s, args.record))
    print(f"Record {args.record} is now contact {new_id}")
    return 0


def cmd_decisions(args: argparse.Namespace) -> int:
    from app.cli import print_json
    from app.local_times import when
    from core.match.views import list_decisions

    views = _run(args, lambda s: list_decisions(s, include_revoked=not args.active))
    if args.json:
        print_json([v.as_dict() for v in views])
        return 0
    if not views:
        print("No decisions yet.")
        return 0
    made = [when(v.created_at) for v in views]
    states = [f"revoked {when(v.revoked_at)}" if v.revoked_at else "active" for v in views]
    made_width, state_width = max(map(len, made)), max(map(len, states))
    for v, at, state in zip(views, made, states, strict=True):
        print(f"{v.id:>5}  {at:<{made_width}}  {v.kind:<20} {state:<{state_width}}  "
              f"{v.summary}")
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    from core.match.decisions import revoke_decision

    follow_up = _run(args, lambda s: revoke_decision(s, args.decision))
    extra = f" (new decision {follow_up})" if follow_up else ""
    print(f"Revoked decision {args.decision}{extra}")
    return 0


def cmd_link(args: argparse.Namespace) -> int:
    from core.match.decisions import confirm_handle_link, dismiss_handle_link

    action = confirm_handle_link if args.action == "confirm" else dismiss_handle_link
    decision = _run(args, lambda s: action(s, args.handle, args.party))
    verb = "confirmed" if args.action == "confirm" else "dismissed"
    print(f"Link of handle {args.handle} to contact {args.party} {verb} (decision {decision})")
    return 0


def cmd_handle(args: argparse.Namespace) -> int:
    from core.match.decisions import mark_handle_shared

    shared = args.action == "shared"
    decision = _run(args, lambda s: mark_handle_shared(s, args.handle, shared))
    print(f"Handle {args.handle} marked {args.action} (decision {decision})")
    return 0
