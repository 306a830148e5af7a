"""``alipay-voucher query``: print an activity as JSON."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from ._common import json_text, load_config, printable

__all__ = ["register", "run"]


def register(commands: Any) -> None:
    parser = commands.add_parser("query", help="print an activity as JSON (config from ALIPAY_*)")
    parser.add_argument("activity_id")
    parser.add_argument("--merchant-access-mode", choices=("SELF_MODE", "AGENCY_MODE"))
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from ..client import AsyncVoucherClient
    from ..errors import AlipayError
    from ..models._convert import to_json

    async def fetch() -> dict[str, Any]:
        async with AsyncVoucherClient(load_config(os.environ)) as client:
            result = await client.query(args.activity_id, args.merchant_access_mode)
            return to_json(result)

    try:
        activity = asyncio.run(fetch())
    except AlipayError as exc:
        print(f"query failed: {printable(exc)}", file=sys.stderr)
        return 1
    print(json_text(activity))
    return 0
