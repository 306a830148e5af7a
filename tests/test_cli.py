"""The command line: demo, a standalone sandbox used by another process, doctor, query."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from alipay_voucher.cli import main
from alipay_voucher.config import AlipayConfig
from alipay_voucher.testing import SandboxPKI, SandboxThread, make_pki

from .raw_calls import RawCaller, activity_body
from .standalone import loaded_after, standalone_sandbox, wait_for_listening


def test_help_and_usage(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert all(command in out for command in ("demo", "sandbox", "doctor", "query"))
    assert main([]) == 2


def test_importing_the_cli_is_light() -> None:
    assert loaded_after("import alipay_voucher.cli", "aiohttp", "cryptography", "attrs") == []
    # the PKI factory does not pull in the web server
    assert loaded_after("import alipay_voucher.testing.pki", "aiohttp") == []


def test_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "== key mode, plaintext ==" in out and "== certificate mode, AES on ==" in out
    assert out.count("message created verified") == 2
    assert out.count("message stopped verified") == 2
    assert "issued 3, used 0 (inventory: sent 3, used 0)" in out
    assert out.rstrip().endswith("every message acknowledged")


# ---------------------------------------------------------------- sandbox as a process


@pytest.fixture
def sandbox_process(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    credentials = tmp_path / "creds"
    with standalone_sandbox(credentials) as process:
        yield process, credentials


async def test_other_process_uses_the_credentials_dir(
    sandbox_process: tuple[subprocess.Popen[str], Path],
) -> None:
    process, credentials = sandbox_process
    url = await asyncio.to_thread(wait_for_listening, process)
    settings = json.loads((credentials / "settings.json").read_text())
    assert settings["base_url"] == url
    cert_config = AlipayConfig.cert_mode(
        app_id=settings["app_id"],
        private_key=credentials / "app_private_key.pem",
        app_cert=credentials / "app_cert.crt",
        alipay_cert=credentials / "alipay_cert.crt",
        alipay_root_cert=credentials / "alipay_root_cert.crt",
        base_url=settings["base_url"],
        encrypt_key=settings["encrypt_key"],
        encrypt=True,
    )
    key_config = AlipayConfig.key_mode(
        app_id=settings["app_id"],
        private_key=credentials / "app_private_key.pem",
        alipay_public_key=credentials / "alipay_public_key.pem",
        base_url=settings["base_url"],
    )
    assert cert_config.app_cert_sn == settings["app_cert_sn"]
    assert cert_config.alipay_root_cert_sn == settings["alipay_root_cert_sn"]
    async with aiohttp.ClientSession() as session:
        created = await RawCaller(session, cert_config).call("create", activity_body())
        query = await RawCaller(session, key_config).call(
            "query", query={"activity_id": created["activity_id"]}
        )
    assert query["activity_status"] == "WAIT_ACTIVE"
    process.send_signal(signal.SIGINT)
    out, _ = await asyncio.to_thread(process.communicate, timeout=10)
    assert process.returncode == 0 and "stopped" in out


# ---------------------------------------------------------------- doctor and query


def _flags(files: dict[str, Path], *names: str) -> list[str]:
    flags = {
        "app_private_key": "--private-key",
        "alipay_public_key": "--alipay-public-key",
        "app_cert": "--app-cert",
        "alipay_cert": "--alipay-cert",
        "alipay_root_cert": "--root-cert",
    }
    out = ["--app-id", "2021000000000001"]
    for name in names:
        out += [flags[name], str(files[name])]
    return out


def test_doctor_key_mode(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["doctor", *_flags(files, "app_private_key", "alipay_public_key")]) == 0
    out = capsys.readouterr().out
    assert (
        "configuration: OK" in out and "public key" in out and "AES           not configured" in out
    )


def test_doctor_cert_mode(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    flags = _flags(files, "app_private_key", "app_cert", "alipay_cert", "alipay_root_cert")
    assert main(["doctor", *flags, "--encrypt-key", "AAECAwQFBgcICQoLDA0ODw=="]) == 0
    out = capsys.readouterr().out
    assert "certificate" in out and "app_cert_sn" in out and "root_cert_sn" in out
    assert out.count("expires 20") == 2 and "128-bit key" in out


def test_doctor_names_the_mistake(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    swapped = [
        *_flags(files, "app_private_key"),
        "--alipay-public-key",
        str(files["app_public_key"]),
    ]
    assert main(["doctor", *swapped]) == 1
    err = capsys.readouterr().err
    assert "NOT OK" in err and "your app's own public key" in err
    crossed = [
        *_flags(files, "app_private_key"),
        "--app-cert",
        str(files["alipay_cert"]),
        "--alipay-cert",
        str(files["app_cert"]),
        "--root-cert",
        str(files["alipay_root_cert"]),
    ]
    assert main(["doctor", *crossed]) == 1
    assert "swapped" in capsys.readouterr().err


def test_doctor_reads_the_environment(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ALIPAY_APP_ID", "2021000000000001")
    monkeypatch.setenv("ALIPAY_PRIVATE_KEY", str(files["app_private_key"]))
    monkeypatch.setenv("ALIPAY_PUBLIC_KEY", str(files["alipay_public_key"]))
    assert main(["doctor"]) == 0
    monkeypatch.delenv("ALIPAY_PRIVATE_KEY")
    assert main(["doctor"]) == 1
    assert "not set; pass --private-key or set ALIPAY_PRIVATE_KEY" in capsys.readouterr().err


@pytest.fixture
def running(alipay_sandbox_pki: SandboxPKI) -> Iterator[SandboxThread]:
    with SandboxThread(pki=alipay_sandbox_pki) as running:
        yield running


def test_doctor_ping(
    running: SandboxThread, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--base-url", running.sandbox.base_url]
    flags = _flags(files, "app_private_key", "app_cert", "alipay_cert", "alipay_root_cert")
    assert main(["doctor", *flags, *base, "--ping"]) == 0
    assert "ping: OK" in capsys.readouterr().out
    wrong_key = [
        *_flags(files, "alipay_public_key"),
        "--private-key",
        str(files["app_private_key"]),
    ]
    running.sandbox.faults.next("corrupt_signature")
    assert main(["doctor", *wrong_key, *base, "--ping"]) == 1
    assert "did not verify" in capsys.readouterr().err
    running.run(running.sandbox.go_offline())
    assert main(["doctor", *wrong_key, *base, "--ping"]) == 1
    assert "ping: not checked" in capsys.readouterr().err


def test_doctor_ping_refused(
    running: SandboxThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # another app key, same "Alipay": the refusal verifies and names the problem
    stranger = make_pki("2021000000000001", alipay_key=running.sandbox.pki.alipay_key)
    stranger_files = stranger.write(tmp_path / "stranger")
    flags = _flags(stranger_files, "app_private_key", "alipay_public_key")
    assert main(["doctor", *flags, "--base-url", running.sandbox.base_url, "--ping"]) == 1
    err = capsys.readouterr().err
    assert "REFUSED" in err and "invalid-signature" in err


def test_query_prints_json(
    running: SandboxThread,
    files: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    book = running.sandbox.book
    activity_id = running.call(lambda: book.apply("create", activity_body()).result["activity_id"])
    monkeypatch.setenv("ALIPAY_APP_ID", running.sandbox.app_id)
    monkeypatch.setenv("ALIPAY_PRIVATE_KEY", str(files["app_private_key"]))
    monkeypatch.setenv("ALIPAY_PUBLIC_KEY", str(files["alipay_public_key"]))
    monkeypatch.setenv("ALIPAY_BASE_URL", running.sandbox.base_url)
    assert main(["query", activity_id, "--merchant-access-mode", "SELF_MODE"]) == 0
    activity: dict[str, Any] = json.loads(capsys.readouterr().out)
    assert activity["activity_id"] == activity_id
    assert activity["summary"] == {"publish_count": 0, "used_count": 0}
    assert main(["query", "missing"]) == 1
    assert "INVALID_PARAMETER" in capsys.readouterr().err
