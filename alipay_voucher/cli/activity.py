"""``alipay-voucher activity``: every operation on an activity from the command line, so a
campaign needs no Python.

The actions are the rows of the operation table (``send`` has its own command,
``send-batch``). An action whose request holds more than the activity's id reads it
from a JSON file (the API's own field names), like ``create`` and ``modify``; the others
take the activity id, plus a flag for a single number such as ``append``'s total. Every
write is sent with an ``out_biz_no`` (``--out-biz-no``, or one generated and printed on
stderr), so after a lost answer the same command with that key repeats the call safely.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from .._generated_operations import OPERATIONS
from . import query
from ._common import json_text, load_config, printable

__all__ = ["register", "run"]

_OWN_COMMAND = {"send": "send-batch"}
"""Operations served by a command of their own instead of an ``activity`` action."""
_BY_ID = frozenset({"activity_id", "merchant_access_mode", "out_biz_no"})
"""Request fields an action given by the activity id fills from its arguments."""
_FLAGS = {"voucher_quantity": ("--quantity", "TOTAL", "the new total, not the increment")}
"""Single numbers an action given by id takes as a flag: field -> (flag, metavar, help)."""


def _by_file(name: str) -> bool:
    """Whether the action reads its request from a JSON file."""
    fields = set(OPERATIONS[name].fields)
    return "activity_id" not in fields or not fields <= _BY_ID | set(_FLAGS)


def _help(name: str) -> str:
    row = OPERATIONS[name]
    text = row.summary[:1].lower() + row.summary[1:]
    if not row.writes:
        return f"{text} (printed as JSON)"
    if _by_file(name):
        text += " from a JSON request"
        if "activity_id" in row.fields:
            text += " with its activity_id"
    if row.guaranteed:
        text += f"; prints its {row.guaranteed}"
    if row.confirmed_by:
        text += f"; accepted, confirmed by message {row.confirmed_by.rsplit('.', 1)[-1]}"
    return text


def register(commands: Any) -> None:
    names = [name for name in OPERATIONS if name not in _OWN_COMMAND]
    parser = commands.add_parser(
        "activity",
        help=f"{', '.join(names)} an activity (config from ALIPAY_*)",
        description="Manage a voucher activity. `create` prints the new activity_id.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name in names:
        sub = actions.add_parser(name, help=_help(name))
        if _by_file(name):
            sub.add_argument(
                "--file", required=True, type=Path, help="the request as a JSON object"
            )
        else:
            sub.add_argument("activity_id")
            sub.add_argument("--merchant-access-mode", choices=("SELF_MODE", "AGENCY_MODE"))
            for field in OPERATIONS[name].fields:
                if field in _FLAGS:
                    flag, metavar, text = _FLAGS[field]
                    sub.add_argument(
                        flag, dest=field, metavar=metavar, required=True, type=int, help=text
                    )
        if not OPERATIONS[name].writes:
            sub.set_defaults(handler=query.run)
            continue
        sub.add_argument(
            "--out-biz-no", help="the call's idempotency key (generated and shown if omitted)"
        )
        sub.set_defaults(handler=run)


def _request(args: argparse.Namespace) -> dict[str, Any]:
    """The request of a write, from the file or the arguments; ValueError names the fix."""
    import json

    if getattr(args, "file", None) is not None:
        try:
            text = args.file.read_text(encoding="utf-8")
        except OSError as exc:
            raise ValueError(f"cannot read {args.file}: {exc.strerror}") from exc
        try:
            request = json.loads(text)
        except ValueError as exc:
            raise ValueError(f"{args.file} is not valid JSON: {exc}") from exc
        if not isinstance(request, dict):
            raise ValueError(f"{args.file} must hold one JSON object (the request)")
    else:
        request = {"activity_id": args.activity_id}
        if args.merchant_access_mode:
            request["merchant_access_mode"] = args.merchant_access_mode
        for field in _FLAGS:
            if getattr(args, field, None) is not None:
                request[field] = getattr(args, field)
    if args.out_biz_no:
        request["out_biz_no"] = args.out_biz_no
    return request


def run(args: argparse.Namespace) -> int:
    import asyncio
    import uuid

    from ..client import AsyncVoucherClient
    from ..errors import AlipayError, OutcomeUnknownError
    from ..models._convert import to_json

    try:
        request = _request(args)
    except ValueError as exc:
        print(f"activity {args.action}: {printable(exc)}", file=sys.stderr)
        return 1
    if not request.get("out_biz_no"):
        request["out_biz_no"] = uuid.uuid4().hex
        print(f"out_biz_no {printable(request['out_biz_no'])}", file=sys.stderr)

    async def call() -> Any:
        async with AsyncVoucherClient(load_config(os.environ)) as client:
            return await getattr(client, args.action)(request)

    try:
        result = asyncio.run(call())
    except OutcomeUnknownError as exc:
        print(f"activity {args.action}: outcome unknown: {printable(exc)}", file=sys.stderr)
        print(
            f"Run it again with --out-biz-no {printable(request['out_biz_no'])} "
            "to settle it safely.",
            file=sys.stderr,
        )
        return 1
    except AlipayError as exc:
        print(f"activity {args.action} failed: {printable(exc)}", file=sys.stderr)
        return 1
    row = OPERATIONS[args.action]
    guaranteed = row.guaranteed
    if row.confirmed_by is not None:
        # an empty answer means "accepted": say what to wait for, not just "{}"
        print(f"accepted; Alipay confirms it with the message {row.confirmed_by}", file=sys.stderr)
    if guaranteed is not None:
        print(printable(getattr(result, guaranteed)))
    else:
        print(json_text(to_json(result)))
    return 0
