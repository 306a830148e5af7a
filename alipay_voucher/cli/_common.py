"""What several commands share: the usage error, loading a configuration from ALIPAY_*,
serving until Ctrl-C, and making text from input or from an answer safe to print on a
terminal (plain text and JSON)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import asyncio
    import logging

    from ..config import AlipayConfig


class UsageError(Exception):
    """A mistake in what the user asked for; ``main`` prints it as one line, exit 2."""


def load_config(env: Mapping[str, str]) -> AlipayConfig:
    """``AlipayConfig.from_env``, imported late so the command line stays light."""
    from ..config import AlipayConfig

    return AlipayConfig.from_env(env)


def stop_on_signals() -> asyncio.Event:
    """An event that SIGINT or SIGTERM sets, for a command that serves until stopped
    (call it on the command's event loop). Windows has no loop signal handlers; Ctrl+C
    still ends ``asyncio.run`` there, as a ``KeyboardInterrupt``."""
    import asyncio
    import contextlib
    import signal

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    return stop


# C0 and C1 controls (ESC, CSI, BEL, carriage return, ...), DEL and the bidirectional
# overrides and isolates: what a terminal obeys instead of showing, or shows reordered.
_CONTROLS = "\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[{_CONTROLS}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(value: object) -> str:
    """``str(value)`` with every control character written as an escape (``\\x1b``).

    For anything the CLI prints that came from input (a CSV row, a flag, a file name)
    or from an answer (an error message, an id): an ESC sequence in a recipient id must
    not reach the terminal, and a newline in it must not forge a line of output.
    """
    text = str(value)
    return _CONTROL.sub(_escape, text) if _CONTROL.search(text) else text


def printable_lines(text: str) -> str:
    """Like :func:`printable` but line breaks are kept: for documents the CLI lays out
    over several lines itself (a log record with its traceback; JSON: :func:`json_text`)."""
    return "\n".join(printable(line) for line in text.split("\n"))


def _json_escape(match: re.Match[str]) -> str:
    char = match.group()
    return char if char == "\n" else f"\\u{ord(char):04x}"


def json_text(document: Any, *, one_line: bool = False) -> str:
    """``document`` as the JSON the commands print: indented (or on one line, for a stream
    of JSON lines), non-ASCII text kept readable.

    Text from an answer or a message may hold terminal controls. ``json.dumps`` escapes
    the C0 ones itself; the others (C1, DEL, bidirectional overrides) are written as JSON
    escapes (``\\u009b``) too, so the output is still valid JSON that reads back the
    same. The only raw line breaks left are the layout's own.
    """
    import json

    text = json.dumps(document, ensure_ascii=False, indent=None if one_line else 2)
    return _CONTROL.sub(_json_escape, text)


def printable_formatter(fmt: str) -> logging.Formatter:
    """A log formatter whose output is passed through :func:`printable_lines`: log
    records carry request paths and answer text."""
    import logging

    class _PrintableFormatter(logging.Formatter):
        def format(self, record: logging.LogRecord) -> str:
            return printable_lines(super().format(record))

    return _PrintableFormatter(fmt)
