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
from collections.abc import Iterator, Sequence
from typing import NoReturn

from . import activity, demo, doctor, notify, query, sandbox, send_batch
from ._common import UsageError, printable, printable_formatter

__all__ = ["PROG", "main"]

PROG = "alipay-voucher"

# the order ``--help`` lists them in
_COMMANDS = (demo, sandbox, doctor, query, activity, send_batch, notify)

# What an OSError means for the user, by errno: the file or the port they named.
_OS_ERRORS = {
    errno.ENOENT: "no such file or directory",
    errno.EISDIR: "is a directory, a file was expected",
    errno.ENOTDIR: "a path component is not a directory",
    errno.EACCES: "permission denied",
}

# What a failed bind means, for the commands that listen (their --host and --port).
_BIND_ERRORS = {
    errno.EADDRINUSE: "port {port} on {host} is already in use; "
    "choose another with --port (--port 0 picks a free one)",
    errno.EADDRNOTAVAIL: "cannot bind to {host}: not an address of this machine; "
    "choose another with --host",
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
        "configuration doctor, activity management, campaigns and notification debugging.",
    )
    parser.add_argument("-V", "--version", action="version", version=f"{PROG} {__version__}")
    _add_global_options(parser, top=True)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in _COMMANDS:
        command.register(commands)
    for subparser in _subparsers(parser):
        _add_global_options(subparser, top=False)
    return parser


def _subparsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """Every command's parser and its actions' (``notify listen``), so that a global
    option also works after an action."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for subparser in action.choices.values():
                yield subparser
                yield from _subparsers(subparser)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    _configure_logging(verbose=args.verbose)
    where = " ".join(filter(None, (PROG, args.command, getattr(args, "action", None))))
    try:
        status: int = handler(args)
    except KeyboardInterrupt:
        return 130
    except UsageError as exc:
        print(f"{where}: error: {printable(exc)}", file=sys.stderr)
        return 2
    except OSError as exc:
        problem = _os_problem(exc, args)
        if problem is None:
            raise
        print(f"{where}: error: {problem}", file=sys.stderr)
        return 2
    return status


def _os_problem(exc: OSError, args: argparse.Namespace) -> str | None:
    """What an OSError says about something the user named (a file, the address to
    listen on), or ``None`` when it is about nothing they chose."""
    reason = _OS_ERRORS.get(exc.errno or 0)
    if reason is not None and exc.filename is not None:
        return f"{printable(exc.filename)}: {reason}"
    if not (hasattr(args, "host") and hasattr(args, "port")):
        return None
    import socket

    if isinstance(exc, socket.gaierror):
        return (
            f"cannot bind to {printable(args.host)}: {printable(exc.strerror)}; "
            "choose another with --host"
        )
    bind = _BIND_ERRORS.get(exc.errno or 0)
    return None if bind is None else bind.format(host=printable(args.host), port=args.port)


def _configure_logging(*, verbose: bool) -> None:
    # The library configures no logging; a command-line tool is an application and
    # does. Failures are reported by the commands themselves, so the SDK's own
    # records are shown only on request. Records carry request paths and answer
    # text, so their control characters are escaped like everything else printed.
    import logging

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(printable_formatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO if verbose else logging.ERROR, handlers=[handler])
