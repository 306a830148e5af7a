"""``alipay-voucher activity``: create, publish, modify, append, stop and query an
activity from the command line, so a campaign needs no Python.

``create`` and ``modify`` read the request from a JSON file (the API's own field
names); the others take the activity id. Every write is sent with an ``out_biz_no``
(``--out-biz-no``, or one generated and printed on stderr), so after a lost answer
the same command with that key repeats the call safely.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from . import query
from ._common import load_config, printable, printable_lines

__all__ = ["register", "run"]


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "activity",
        help="create, publish, modify, append, stop or query an activity (config from ALIPAY_*)",
        description="Manage a voucher activity. `create` prints the new activity_id.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    def write(name: str, help_text: str, *, by_file: bool) -> argparse.ArgumentParser:
        sub: argparse.ArgumentParser = actions.add_parser(name, help=help_text)
        if by_file:
            sub.add_argument(
                "--file", required=True, type=Path, help="the request as a JSON object"
            )
        else:
            sub.add_argument("activity_id")
            sub.add_argument("--merchant-access-mode", choices=("SELF_MODE", "AGENCY_MODE"))
        sub.add_argument(
            "--out-biz-no", help="the call's idempotency key (generated and shown if omitted)"
        )
        sub.set_defaults(handler=run)
        return sub

    write("create", "create an activity from a JSON request; prints its activity_id", by_file=True)
    write("publish", "activate an activity (accepted; ACTIVE shortly after)", by_file=False)
    write("modify", "change an activity from a JSON request (with its activity_id)", by_file=True)
    append = write("append", "raise an activity's TOTAL quantity", by_file=False)
    append.add_argument(
        "--quantity", required=True, type=int, help="the new total, not the increment"
    )
    write("stop", "stop an activity for good", by_file=False)
    reader = actions.add_parser("query", help="print an activity as JSON")
    reader.add_argument("activity_id")
    reader.add_argument("--merchant-access-mode", choices=("SELF_MODE", "AGENCY_MODE"))
    reader.set_defaults(handler=query.run)


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
        if args.action == "append":
            request["voucher_quantity"] = args.quantity
    if args.out_biz_no:
        request["out_biz_no"] = args.out_biz_no
    return request


def run(args: argparse.Namespace) -> int:
    import asyncio
    import json
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
    if args.action == "create":
        print(printable(result.activity_id))
    else:
        print(printable_lines(json.dumps(to_json(result), ensure_ascii=False, indent=2)))
    return 0
