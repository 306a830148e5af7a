"""The parser and ``main``: the global options and one subparser per command module.

Behaves like the command-line tools people know (``pip``, ``git``): ``--version``
prints the version, global options such as ``-v`` go before or after the command,
and a usage mistake or an unusable file or port is one line on stderr, exit 2, never
a traceback.
"""

from __future__ import annotations

import argparse
import errno
import sys
from collections.abc import Sequence
from typing import NoReturn

from . import activity, demo, doctor, query, sandbox, send_batch
from ._common import UsageError, printable, printable_formatter

__all__ = ["PROG", "main"]

PROG = "alipay-voucher"

# the order ``--help`` lists them in
_COMMANDS = (demo, sandbox, doctor, query, activity, send_batch)

# What an OSError means for the user, by errno: the file or the port they named.
_OS_ERRORS = {
    errno.ENOENT: "no such file or directory",
    errno.EISDIR: "is a directory, a file was expected",
    errno.ENOTDIR: "a path component is not a directory",
    errno.EACCES: "permission denied",
}


class _Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose errors are one line naming where to get help."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {printable(message)} (see '{self.prog} --help')\n")


def _add_global_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    # On the subcommands the default is SUPPRESS, so a -v given before the command
    # is not reset by the subparser's own default.
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=False if top else argparse.SUPPRESS,
        help="show the SDK's log (each call, each retry; the sandbox: each request)",
    )


def _parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = _Parser(
        prog=PROG,
        description="Alipay OpenAPI v3 payment vouchers: demo, local sandbox gateway, "
        "configuration doctor, activity management and campaigns.",
    )
    parser.add_argument("-V", "--version", action="version", version=f"{PROG} {__version__}")
    _add_global_options(parser, top=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in _COMMANDS:
        command.register(commands)
    for subparser in commands.choices.values():
        _add_global_options(subparser, top=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    _configure_logging(verbose=args.verbose)
    where = f"{PROG} {args.command}"
    try:
        status: int = handler(args)
    except KeyboardInterrupt:
        return 130
    except UsageError as exc:
        print(f"{where}: error: {printable(exc)}", file=sys.stderr)
        return 2
    except OSError as exc:
        reason = _OS_ERRORS.get(exc.errno or 0)
        if reason is None or exc.filename is None:
            raise
        print(f"{where}: error: {printable(exc.filename)}: {reason}", file=sys.stderr)
        return 2
    return status


def _configure_logging(*, verbose: bool) -> None:
    # The library configures no logging; a command-line tool is an application and
    # does. Failures are reported by the commands themselves, so the SDK's own
    # records are shown only on request. Records carry request paths and answer
    # text, so their control characters are escaped like everything else printed.
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(printable_formatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO if verbose else logging.ERROR, handlers=[handler])
