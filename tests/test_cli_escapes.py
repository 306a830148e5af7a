"""What the command line prints from input or from an answer cannot drive the terminal.

A recipient id from a CSV, a flag's value or an error message that came back from a
gateway may hold ESC sequences, other control characters or bidirectional overrides;
the CLI prints them escaped (``\\x1b``), so they are seen instead of obeyed.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web

from alipay_voucher.cli import main
from alipay_voucher.cli._common import (
    json_text,
    printable,
    printable_formatter,
    printable_lines,
)
from alipay_voucher.testing import SandboxThread

from .campaigns import batch_env, start_activity, users
from .loopback import LoopbackServer

CLEAR_SCREEN = "\x1b[2J\x1b]0;owned\x07"
"""Clears the screen and sets the window title: what a hostile value would try."""


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain 中文 text", "plain 中文 text"),
        (CLEAR_SCREEN, "\\x1b[2J\\x1b]0;owned\\x07"),
        ("a\nforged line\r", "a\\x0aforged line\\x0d"),
        ("\x9b31m", "\\x9b31m"),  # the one-byte CSI of C1
        ("\x7f\x00\t", "\\x7f\\x00\\x09"),
        ("user\u202egpj.exe", "user\\u202egpj.exe"),  # right-to-left override
        ("\u2066isolate\u2069", "\\u2066isolate\\u2069"),
    ],
)
def test_printable_escapes_every_control_character(raw: str, shown: str) -> None:
    assert printable(raw) == shown
    assert printable(shown) == shown  # escaping twice changes nothing


def test_printable_lines_keeps_only_the_line_breaks() -> None:
    assert printable_lines('{\n  "a": "\x1b[2J"\n}') == '{\n  "a": "\\x1b[2J"\n}'


@pytest.mark.parametrize("one_line", [False, True])
def test_json_text_escapes_every_control_and_stays_json(one_line: bool) -> None:
    values = [CLEAR_SCREEN, "a\nforged line\r", "\x9b31m", "\x7f\x00\t", "user\u202egpj.exe"]
    document = {"values": values, "中文": "plain 中文 text"}
    text = json_text(document, one_line=one_line)
    assert json.loads(text) == document
    assert printable_lines(text) == text  # nothing left for a terminal to obey
    assert "中文" in text  # readable, not \u-escaped
    assert (text.count("\n") == 0) is one_line


def test_log_records_are_escaped() -> None:
    record = logging.LogRecord(
        "alipay_voucher", logging.INFO, __file__, 1, "GET %s", ("/\x1b[2J",), None
    )
    assert printable_formatter("%(levelname)s %(message)s").format(record) == "INFO GET /\\x1b[2J"


@pytest.fixture
def sandbox_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxThread]:
    with SandboxThread() as running:
        for name, value in batch_env(running, tmp_path / "creds").items():
            if name.startswith("ALIPAY_"):
                monkeypatch.setenv(name, value)
        yield running


def test_a_hostile_recipient_in_a_csv_is_printed_escaped(
    sandbox_env: SandboxThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listing = tmp_path / "ids.csv"
    hostile = f"2088{CLEAR_SCREEN}"
    listing.write_text("user_id\n" + "\n".join([users(1)[0], hostile, hostile]) + "\n")
    # (a repeated invalid row is reported twice: it is refused before the dedupe)
    activity_id = start_activity(sandbox_env, quantity=10)
    status = main(["send-batch", "--activity-id", activity_id, "--recipients", str(listing)])
    err = capsys.readouterr().err
    assert status == 1  # the hostile row is invalid
    assert "invalid rows 2" in err
    assert "\x1b" not in err and "\x07" not in err
    assert "2088\\x1b[2J\\x1b]0;owned\\x07" in err  # the failure listed


class _EchoingGateway(LoopbackServer):
    """Refuses every call with an error whose message carries terminal escapes, as a
    compromised proxy or a gateway echoing its input could."""

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = {"code": "INVALID_PARAMETER", "message": f"bad {CLEAR_SCREEN} value"}
        return web.json_response(
            body, status=400, dumps=lambda v: json.dumps(v, ensure_ascii=False)
        )


def test_an_answer_message_is_printed_escaped(
    sandbox_env: SandboxThread, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    gateway = sandbox_env.run(_EchoingGateway().start())
    try:
        monkeypatch.setenv("ALIPAY_BASE_URL", gateway.base_url)
        status = main(["activity", "query", "2026000000000000000000000001"])
        err = capsys.readouterr().err
    finally:
        sandbox_env.run(gateway.close())
    assert status == 1
    assert "\x1b" not in err and "\x07" not in err
    assert "bad \\x1b[2J\\x1b]0;owned\\x07 value" in err


def test_a_hostile_answer_field_is_printed_escaped(
    sandbox_env: SandboxThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``json.dumps`` escapes C0 controls itself but keeps C1 controls and bidi overrides:
    the CLI writes those as JSON escapes too, so its output still reads back as JSON."""
    from .raw_calls import activity_body

    body = activity_body("cli-escapes", quantity=5, per_user=1)
    body["activity_name"] = "sale\u202e\x9b2J"
    request = tmp_path / "create.json"
    request.write_text(json.dumps(body, ensure_ascii=False))
    assert main(["activity", "create", "--file", str(request)]) == 0
    activity_id = capsys.readouterr().out.strip()
    assert main(["activity", "query", activity_id]) == 0
    out = capsys.readouterr().out
    assert "\u202e" not in out and "\x9b" not in out
    assert "sale\\u202e\\u009b2J" in out
    assert json.loads(out)["activity_name"] == "sale\u202e\x9b2J"
    assert os.linesep in out  # still laid out on several lines
