"""The command line behaves like pip's or git's: --version, global options anywhere,
one-line usage errors with exit status 2, and the sandbox's access log with -v."""

from __future__ import annotations

import errno
import logging
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

import alipay_voucher
from alipay_voucher.cli import main
from alipay_voucher.testing import Sandbox

from .raw_calls import RawCaller, activity_body


def test_version_long_and_short(capsys: pytest.CaptureFixture[str]) -> None:
    for flag in ("--version", "-V"):
        with pytest.raises(SystemExit) as info:
            main([flag])
        assert info.value.code == 0
        assert capsys.readouterr().out == f"alipay-voucher {alipay_voucher.__version__}\n"


@pytest.mark.parametrize(
    ("argv", "verbose"),
    [
        (["-v", "query", "x"], True),
        (["query", "-v", "x"], True),
        (["query", "x", "--verbose"], True),
        (["query", "x"], False),
    ],
)
def test_verbose_before_or_after_the_command(
    argv: list[str], verbose: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    monkeypatch.setattr(
        "alipay_voucher.cli._app._configure_logging", lambda *, verbose: seen.append(verbose)
    )
    monkeypatch.setattr("alipay_voucher.cli.query.run", lambda args: 0)
    assert main(argv) == 0
    assert seen == [verbose]


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["query", "x", "--bogus"], "unrecognized arguments: --bogus"),
        (["query"], "the following arguments are required: activity_id"),
        (["sandbox", "--port", "eighty"], "invalid int value: 'eighty'"),
        (["nonsense"], "invalid choice: 'nonsense'"),
    ],
)
def test_a_bad_flag_is_one_line_and_exit_2(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and says in err and "--help" in err, err


def test_a_missing_file_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in list(os.environ):
        if name.startswith("ALIPAY_"):
            monkeypatch.delenv(name)
    missing = tmp_path / "nobody.csv"
    status = main(["send-batch", "--activity-id", "A1", "--recipients", str(missing)])
    assert status == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(missing) in err and "No such file" in err


def test_an_os_error_naming_a_file_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def fails(args: object) -> int:
        raise IsADirectoryError(errno.EISDIR, "Is a directory", str(tmp_path))

    monkeypatch.setattr("alipay_voucher.cli.demo.run", fails)
    assert main(["demo"]) == 2
    err = capsys.readouterr().err
    assert err == f"alipay-voucher demo: error: {tmp_path}: is a directory, a file was expected\n"


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def test_a_port_in_use_is_one_line_and_exit_2(busy_port: int) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "alipay_voucher", "sandbox", "--port", str(busy_port)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr == (
        f"alipay-voucher sandbox: error: port {busy_port} on 127.0.0.1 is already in use; "
        "choose another with --port (--port 0 picks a free one)\n"
    )


async def test_the_sandbox_logs_each_request(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="alipay_voucher.sandbox")
    async with Sandbox() as sandbox, aiohttp.ClientSession() as session:
        caller = RawCaller(session, sandbox.config())
        created = await caller.call("create", activity_body())
        await caller.refusal("query", query={"activity_id": "no-such-activity"})
    records = [r for r in caplog.records if r.name == "alipay_voucher.sandbox"]
    assert len(records) == 2
    ok, refused = records
    assert ok.__dict__["sandbox_method"] == "POST" and ok.__dict__["sandbox_status"] == 200
    assert ok.__dict__["sandbox_code"] is None
    assert ok.getMessage().startswith(
        "POST /v3/alipay/marketing/activity/voucher/create -> 200 - in "
    )
    assert refused.__dict__["sandbox_status"] >= 400
    code = refused.__dict__["sandbox_code"]
    assert isinstance(code, str) and code in refused.getMessage()
    assert "no-such-activity" not in refused.getMessage()  # the query string is left out
    assert isinstance(ok.__dict__["sandbox_latency"], float)
    assert created["activity_id"]
