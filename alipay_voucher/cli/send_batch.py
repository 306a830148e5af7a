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
        "or a lost answer never issues a second voucher. The activity is checked first "
        "(it exists, is ACTIVE, has enough vouchers left). Ctrl-C stops it gracefully "
        "and says how to resume. Exit status 1 when any recipient failed, 130 when "
        "interrupted.",
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
    parser.add_argument(
        "--rate",
        type=_positive_rate,
        help="at most this many requests started in any second (no limit when omitted)",
    )
    parser.add_argument(
        "--report",
        type=Path,
        help="write one CSV row per recipient (recipient, status, voucher_id, out_biz_no, "
        "error code); created with mode 0600",
    )
    parser.add_argument(
        "--campaign-key",
        default="default",
        help="names the campaign; the same key never sends a recipient a second voucher",
    )
    parser.add_argument("--merchant-access-mode", choices=("SELF_MODE", "AGENCY_MODE"))
    parser.set_defaults(handler=run)


def _positive_rate(text: str) -> float:
    try:
        rate = float(text)
    except ValueError:
        rate = float("nan")
    if not (0 < rate < float("inf")):
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a positive number of requests per second; leave --rate out "
            "for no limit"
        )
    return rate


def run(args: argparse.Namespace) -> int:
    from .._send_batch import run as send

    return send(args)
