"""What several commands share: the usage error, loading a configuration from ALIPAY_*,
and making text from input or from an answer safe to print on a terminal."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import logging

    from ..config import AlipayConfig


class UsageError(Exception):
    """A mistake in what the user asked for; ``main`` prints it as one line, exit 2."""


def load_config(env: Mapping[str, str]) -> AlipayConfig:
    """``AlipayConfig.from_env``, imported late so the command line stays light."""
    from ..config import AlipayConfig

    return AlipayConfig.from_env(env)


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
    over several lines itself (indented JSON, a log record with its traceback)."""
    return "\n".join(printable(line) for line in text.split("\n"))


def printable_formatter(fmt: str) -> logging.Formatter:
    """A log formatter whose output is passed through :func:`printable_lines`: log
    records carry request paths and answer text."""
    import logging

    class _PrintableFormatter(logging.Formatter):
        def format(self, record: logging.LogRecord) -> str:
            return printable_lines(super().format(record))

    return _PrintableFormatter(fmt)
