"""``alipay-voucher notify``: ``verify`` answers "why is this message refused?" for one
saved body, ``listen`` receives messages and prints each verified first-time one.

The messages are signed by the sandbox (``Sandbox.make_message``) with the key that
plays Alipay's; the configuration comes from ``ALIPAY_*`` variables, as a user's does.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Literal
from urllib.parse import parse_qsl, urlencode

import pytest

from alipay_voucher.cli import main
from alipay_voucher.credentials import public_key_fingerprint
from alipay_voucher.notify import MAX_BODY
from alipay_voucher.testing import Sandbox, SandboxPKI

from .standalone import subprocess_env

Mode = Literal["key", "cert"]
CREATED = "alipay.marketing.activity.message.created"


def config_env(files: dict[str, Path], app_id: str, mode: Mode) -> dict[str, str]:
    """The ``ALIPAY_*`` variables of the sandbox's app, in key or certificate mode."""
    env = {"ALIPAY_APP_ID": app_id, "ALIPAY_PRIVATE_KEY": str(files["app_private_key"])}
    if mode == "key":
        env["ALIPAY_PUBLIC_KEY"] = str(files["alipay_public_key"])
    else:
        env["ALIPAY_APP_CERT"] = str(files["app_cert"])
        env["ALIPAY_ALIPAY_CERT"] = str(files["alipay_cert"])
        env["ALIPAY_ROOT_CERT"] = str(files["alipay_root_cert"])
    return env


@pytest.fixture
def no_config(monkeypatch: pytest.MonkeyPatch) -> None:
    """No ``ALIPAY_*`` variable of the developer's own reaches a test."""
    for name in [name for name in os.environ if name.startswith("ALIPAY_")]:
        monkeypatch.delenv(name)


@pytest.fixture(params=["key", "cert"])
def mode(
    request: pytest.FixtureRequest,
    files: dict[str, Path],
    alipay_sandbox_pki: SandboxPKI,
    no_config: None,
    monkeypatch: pytest.MonkeyPatch,
) -> Mode:
    """The sandbox's configuration in ``ALIPAY_*``, once per mode."""
    chosen: Mode = request.param
    for name, value in config_env(files, alipay_sandbox_pki.app_id, chosen).items():
        monkeypatch.setenv(name, value)
    return chosen


def saved(tmp_path: Path, body: bytes, name: str = "body.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(body)
    return path


def verify(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(["notify", "verify", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def one_line_failure(status: int, out: str, err: str) -> str:
    """The failure line, after checking it is the only output and exit status 1."""
    assert (status, out) == (1, ""), err
    assert err.count("\n") == 1 and err.startswith("notify verify failed: "), err
    assert "Traceback" not in err
    return err


# --------------------------------------------------------------------------- verify


def test_a_good_body_is_printed_as_json(
    mode: Mode, alipay_sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    message = alipay_sandbox.make_message("received", utc_timestamp="1764939600123")
    status, out, err = verify([str(saved(tmp_path, message.body))], capsys)
    assert (status, err) == (0, "")
    printed = json.loads(out)
    assert printed == {
        "notify_id": message["notify_id"],
        "msg_method": "alipay.marketing.activity.message.received",
        "app_id": alipay_sandbox.app_id,
        "utc_timestamp": "2025-12-05T13:00:00.123000+00:00",
        "version": "1.1",
        "charset": "UTF-8",
        "sign_type": "RSA2",
        "message": json.loads(message["biz_content"]),
    }
    assert out.count("\n") > 3  # laid out as `activity query` lays out a model


def test_stdin_is_read_with_or_without_a_dash(
    mode: Mode,
    alipay_sandbox: Sandbox,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    message = alipay_sandbox.make_message("expired")
    for argv in ([], ["-"]):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(message.body)))
        status, out, err = verify(argv, capsys)
        assert (status, err) == (0, "")
        assert json.loads(out)["notify_id"] == message["notify_id"]


def test_a_tampered_body_says_which_key_checked_it(
    mode: Mode,
    alipay_sandbox: Sandbox,
    alipay_sandbox_pki: SandboxPKI,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    message = alipay_sandbox.make_message("created", {"id": "e1", "activity_id": "A100"})
    body = message.body.replace(b"A100", b"A200")
    err = one_line_failure(*verify([str(saved(tmp_path, body))], capsys))
    assert "does not verify" in err and "pass the raw request body" in err
    fingerprint = public_key_fingerprint(alipay_sandbox_pki.alipay_key.public_key())
    if mode == "key":
        assert "key mode" in err and "ALIPAY_PUBLIC_KEY" in err and fingerprint in err
    else:
        assert "cert mode" in err and "ALIPAY_ALIPAY_CERT" in err
        assert f"SN {alipay_sandbox.alipay_cert_sn}" in err and fingerprint in err
    # no key material: neither PEM nor the key's base64 body
    public_pem = alipay_sandbox_pki.alipay_public_key_pem
    assert "BEGIN" not in err and public_pem.splitlines()[1] not in err


def test_a_framework_s_re_encoded_form_gets_the_raw_body_advice(
    mode: Mode, alipay_sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A GBK message decoded by a framework in UTF-8 and encoded again: the values
    changed on the way, and the SDK's message says to pass the raw body."""
    biz = {"id": "e2", "activity_id": "A1", "voucher_name": "满100减20券"}
    fields = alipay_sandbox.make_message("created", biz, charset="GBK")
    raw = urlencode(fields, encoding="gbk").encode("ascii")
    status, out, err = verify([str(saved(tmp_path, raw, "raw.txt"))], capsys)
    assert status == 0 and json.loads(out)["message"]["voucher_name"] == "满100减20券", err
    parsed = parse_qsl(raw.decode("ascii"), encoding="utf-8", errors="replace")
    re_encoded = urlencode(parsed, encoding="utf-8").encode("ascii")
    err = one_line_failure(*verify([str(saved(tmp_path, re_encoded))], capsys))
    assert "raw request body" in err


def test_a_line_break_added_when_saving_is_named(
    mode: Mode, alipay_sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = alipay_sandbox.make_message("stopped").body + b"\n"
    err = one_line_failure(*verify([str(saved(tmp_path, body))], capsys))
    assert "ends with a line break" in err and "printf" in err


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"", "the input is empty"),
        (b"a=" + b"x" * MAX_BODY, f"over {MAX_BODY} bytes"),
        (b"charset=latin-1&sign=x", "only UTF-8 and GBK are allowed"),
        (b'{"notify_id": "1"}', "raw request body exactly as received"),
        (b"notify_id=1&app_id=2", "no sign parameter"),
    ],
    ids=["empty", "too-big", "charset", "json", "unsigned"],
)
def test_a_refused_body_is_one_line_naming_the_cause(
    mode: Mode, body: bytes, says: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = one_line_failure(*verify([str(saved(tmp_path, body))], capsys))
    assert says in err


def test_a_message_for_another_app_is_refused(
    mode: Mode, alipay_sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # signed with Alipay's key, but for another app: the SDK names both app ids
    message = alipay_sandbox.make_message("created", extra={"app_id": "2021000000009999"})
    err = one_line_failure(*verify([str(saved(tmp_path, message.body))], capsys))
    assert "2021000000009999" in err and alipay_sandbox.app_id in err
    assert "message-service URL" in err


def test_control_characters_from_the_input_are_escaped(
    mode: Mode, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = one_line_failure(*verify([str(saved(tmp_path, b"charset=\x1b[2J\x07&sign=x"))], capsys))
    assert "\x1b" not in err and "\x07" not in err and "[2j" in err
    missing = tmp_path / "\x1b[2J.txt"
    status, _, err = verify([str(missing)], capsys)
    assert status == 2 and "\x1b" not in err and "\\x1b[2J.txt" in err


def test_a_missing_file_is_one_line_and_exit_2(
    mode: Mode, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nothing.txt"
    status, out, err = verify([str(missing)], capsys)
    assert (status, out) == (2, "")
    assert err == f"alipay-voucher notify verify: error: {missing}: no such file or directory\n"


def test_without_a_configuration_it_names_the_variable(
    no_config: None, alipay_sandbox: Sandbox, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = alipay_sandbox.make_message("created").body
    err = one_line_failure(*verify([str(saved(tmp_path, body))], capsys))
    assert "ALIPAY_APP_ID is not set" in err


# --------------------------------------------------------------------------- listen


class Listener:
    """``alipay-voucher notify listen`` as a child process on a free port."""

    def __init__(self, env: dict[str, str], *flags: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "alipay_voucher", "notify", "listen", "--port", "0",
             *flags],
            env=subprocess_env(**env), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        self.host, self.port, self.path = self._address()

    def _address(self) -> tuple[str, int, str]:
        assert self.process.stderr is not None
        line = self.process.stderr.readline()  # its first line, or "" if it died
        if not line.startswith("listening on http://"):
            rest = self.kill()
            raise AssertionError(f"notify listen did not start: {line}{rest}")
        address = line.split()[2].removeprefix("http://")
        host_port, _, path = address.partition("/")
        host, _, port = host_port.rpartition(":")
        return host, int(port), "/" + path

    def post(self, body: bytes, path: str | None = None) -> tuple[int, str]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request(
                "POST",
                path or self.path,
                body,
                {"Content-Type": "application/x-www-form-urlencoded"},
            )
            answer = connection.getresponse()
            return answer.status, answer.read().decode()
        finally:
            connection.close()

    def interrupt(self) -> tuple[int, str, str]:
        """Ctrl-C, then the exit status and everything it printed after starting."""
        self.process.send_signal(signal.SIGINT)
        out, err = self.process.communicate(timeout=30)
        return self.process.returncode, out, err

    def kill(self) -> str:
        """Stop it if it still runs; what it printed on stderr since last read."""
        if self.process.poll() is None:
            self.process.kill()
        _, err = self.process.communicate(timeout=30)
        return err or ""


@contextlib.contextmanager
def listening(env: dict[str, str], *flags: str) -> Iterator[Listener]:
    listener = Listener(env, *flags)
    try:
        yield listener
    finally:
        listener.kill()


@pytest.fixture
def key_env(
    files: dict[str, Path], alipay_sandbox_pki: SandboxPKI, no_config: None
) -> dict[str, str]:
    """The key-mode ``ALIPAY_*`` variables (none of the developer's own are set)."""
    return config_env(files, alipay_sandbox_pki.app_id, "key")


def test_listen_prints_each_message_once_and_stops_on_ctrl_c(
    key_env: dict[str, str], alipay_sandbox: Sandbox
) -> None:
    first = alipay_sandbox.make_message("created")
    second = alipay_sandbox.make_message("used")
    with listening(key_env, "--path", "/alipay/notify", "-v") as listener:
        assert listener.path == "/alipay/notify"
        assert listener.post(first.body) == (200, "success")
        assert listener.post(first.body) == (200, "success")  # Alipay's redelivery
        assert listener.post(first.body.replace(b"created", b"stopped"))[0] == 400
        assert listener.post(second.body) == (200, "success")
        assert listener.post(second.body, "/elsewhere")[0] == 404
        status, out, err = listener.interrupt()
    assert status == 0, err
    lines = out.splitlines()
    assert [json.loads(line)["notify_id"] for line in lines] == [
        first["notify_id"],
        second["notify_id"],
    ]
    assert json.loads(lines[1])["message"] == json.loads(second["biz_content"])
    refused = [line for line in err.splitlines() if "refused an inbound message" in line]
    assert len(refused) == 1 and "does not verify" in refused[0], err
    assert "Traceback" not in err
    assert err.splitlines()[-1] == "stopped; 2 message(s) printed"


def test_without_v_a_refusal_prints_nothing(
    key_env: dict[str, str], alipay_sandbox: Sandbox
) -> None:
    with listening(key_env) as listener:
        assert listener.post(b"notify_id=1&sign=x")[0] == 400
        status, out, err = listener.interrupt()
    assert (status, out, err) == (0, "", "stopped; 0 message(s) printed\n")


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_a_shared_store_remembers_handled_messages_across_a_restart(
    kind: str,
    key_env: dict[str, str],
    alipay_sandbox: Sandbox,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> None:
    message = alipay_sandbox.make_message("appended")
    store = (
        f"sqlite:{tmp_path / 'claims.sqlite3'}"
        if kind == "sqlite"
        else str(request.getfixturevalue("redis_url"))  # a bare redis:// URL is accepted
    )
    runs = []
    for _ in range(2):  # the second run knows the message was handled
        with listening(key_env, "--dedupe", store) as listener:
            assert listener.post(message.body) == (200, "success")
            runs.append(listener.interrupt())
    assert [status for status, _, _ in runs] == [0, 0], runs
    assert len(runs[0][1].splitlines()) == 1 and runs[1][1] == ""


def test_a_port_in_use_is_one_line_and_exit_2(
    key_env: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    for name, value in key_env.items():
        monkeypatch.setenv(name, value)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        status = main(["notify", "listen", "--port", str(port)])
    assert status == 2
    assert capsys.readouterr().err == (
        f"alipay-voucher notify listen: error: port {port} on 127.0.0.1 is already in use; "
        "choose another with --port (--port 0 picks a free one)\n"
    )


@pytest.mark.parametrize(
    ("flags", "says"),
    [
        (["--dedupe", "mysql:db"], "is not memory, sqlite:PATH or redis:URL"),
        (["--path", "notify"], "is not a URL path; start it with /"),
    ],
)
def test_bad_listen_flags_are_one_line_and_exit_2(
    flags: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["notify", "listen", *flags])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and says in err


def test_a_sqlite_store_in_a_missing_directory_is_refused_before_listening(
    key_env: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name, value in key_env.items():
        monkeypatch.setenv(name, value)
    store = tmp_path / "no-such-dir" / "claims.sqlite3"
    assert main(["notify", "listen", "--dedupe", f"sqlite:{store}"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "does not exist" in err and str(store.parent) in err


def test_notify_is_listed_after_send_batch(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert out.index("send-batch") < out.index("notify") < out.index("verify a saved")
