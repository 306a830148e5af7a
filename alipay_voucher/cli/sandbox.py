"""``alipay-voucher sandbox``: the sandbox gateway for tests and other SDKs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

__all__ = ["register", "run"]


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "sandbox", help="run the sandbox gateway until interrupted (for tests and other SDKs)"
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind (default: a free one)")
    parser.add_argument(
        "--credentials-dir",
        type=Path,
        help="keep keys, certificates and settings.json here for other clients: reused "
        "when already there (the same app, keys and AES key after a restart), made otherwise",
    )
    parser.add_argument(
        "--fresh-credentials",
        action="store_true",
        help="make new credentials even if --credentials-dir already holds some",
    )
    parser.add_argument(
        "--state",
        type=Path,
        metavar="FILE",
        help="keep activities, vouchers and messages in this SQLite file across restarts "
        "(default: in memory, gone when the sandbox stops)",
    )
    parser.add_argument("--notify-url", help="where to POST the activity messages")
    parser.add_argument("--app-id", help="the app id the sandbox serves")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from ..testing._standalone import CredentialsDirError, serve
    from ..testing._state_file import StateFileError
    from ._common import UsageError

    if args.fresh_credentials and args.credentials_dir is None:
        raise UsageError("--fresh-credentials needs --credentials-dir DIR")
    try:
        return asyncio.run(
            serve(
                host=args.host,
                port=args.port,
                out=sys.stdout,
                credentials_dir=args.credentials_dir,
                fresh_credentials=args.fresh_credentials,
                state=args.state,
                notify_url=args.notify_url,
                app_id=args.app_id,
            )
        )
    except (CredentialsDirError, StateFileError) as exc:
        raise UsageError(str(exc)) from None
