"""``alipay-voucher demo``: the whole voucher lifecycle against a local sandbox."""

from __future__ import annotations

import argparse
from typing import Any

__all__ = ["register", "run"]


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "demo", help="run the whole voucher lifecycle against a local sandbox (key and cert mode)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from ..testing.demo import run_demo
    from ._common import printable_lines

    return asyncio.run(run_demo(lambda line: print(printable_lines(line), flush=True)))
