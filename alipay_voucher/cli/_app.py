"""The parser and ``main``: the global options and one subparser per command module."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import demo, doctor, query, sandbox, send_batch

__all__ = ["main"]

# the order ``--help`` lists them in
_COMMANDS = (demo, sandbox, doctor, query, send_batch)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alipay-voucher",
        description="Alipay OpenAPI v3 payment vouchers: demo, local sandbox gateway, "
        "configuration doctor and activity query.",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="show the SDK's log (each call, each retry)"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in _COMMANDS:
        command.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    _configure_logging(verbose=args.verbose)
    try:
        status: int = handler(args)
    except KeyboardInterrupt:
        return 130
    return status


def _configure_logging(*, verbose: bool) -> None:
    # The library configures no logging; a command-line tool is an application and
    # does. Failures are reported by the commands themselves, so the SDK's own
    # warnings are shown only on request.
    import logging

    logging.basicConfig(
        level=logging.INFO if verbose else logging.ERROR,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
