"""``alipay-voucher send-batch``: one voucher per recipient in a file, resumable.

The work itself lives in ``alipay_voucher._send_batch``, loaded only when the
command runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

__all__ = ["register", "run"]


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "send-batch",
        help="send one voucher to each recipient in a file (config from ALIPAY_*); resumable",
        description="Each recipient's out_biz_no is derived from the campaign key, the "
        "activity and the recipient, so rerunning with the same --journal after a crash "
        "or a lost answer never issues a second voucher. Exit status 1 when any "
        "recipient failed.",
    )
    parser.add_argument("--activity-id", required=True, help="the active activity to send from")
    parser.add_argument(
        "--recipients",
        required=True,
        type=Path,
        help="CSV with a user_id or open_id column, or one id per line "
        "(2088 + 12 digits is a user_id, anything else an open_id)",
    )
    parser.add_argument(
        "--journal",
        type=Path,
        help="SQLite record of outcomes (created with mode 0600); rerun with the same "
        "file to resume safely",
    )
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight (16)")
    parser.add_argument("--rate", type=float, help="at most this many requests per second")
    parser.add_argument(
        "--campaign-key",
        default="default",
        help="names the campaign; the same key never sends a recipient a second voucher",
    )
    parser.add_argument("--merchant-access-mode", choices=("SELF_MODE", "AGENCY_MODE"))
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from .._send_batch import run as send

    return send(args)
