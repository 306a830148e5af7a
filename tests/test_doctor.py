"""``alipay-voucher doctor``: every problem in one run with its fix, the key shapes
people actually have (DER files, ``\\n``-escaped PEM, quoted base64), flags over the
environment, and a ``--ping`` that exercises signing and encryption."""

from __future__ import annotations

import base64
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from unittest.mock import ANY

import pytest
from cryptography.hazmat.primitives import serialization

from alipay_voucher.cli import main
from alipay_voucher.cli.doctor import PING_ACTIVITY_ID
from alipay_voucher.config import SANDBOX_URL, AlipayConfig
from alipay_voucher.testing import SandboxPKI, SandboxThread
from alipay_voucher.testing._errors import GatewayError

APP_ID = "2021000000000001"
AES_KEY = "AAECAwQFBgcICQoLDA0ODw=="


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("ALIPAY_"):
            monkeypatch.delenv(name)


def _doctor(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["doctor", *argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _problems(err: str) -> list[str]:
    return [line[4:] for line in err.splitlines() if line.startswith("  - ")]


def test_nothing_configured_names_every_missing_setting(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, err = _doctor(capsys)
    assert status == 1
    assert "configuration: NOT OK (3 problems)" in err
    problems = _problems(err)
    assert len(problems) == 3
    assert "--app-id" in problems[0] and "ALIPAY_APP_ID" in problems[0]
    assert "--private-key" in problems[1] and "ALIPAY_PRIVATE_KEY" in problems[1]
    assert "ALIPAY_PUBLIC_KEY" in problems[2] and "--root-cert" in problems[2]


def test_flags_and_environment_combine(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # the root certificate and the app id from the environment, the rest from flags
    monkeypatch.setenv("ALIPAY_ROOT_CERT", str(files["alipay_root_cert"]))
    monkeypatch.setenv("ALIPAY_APP_ID", APP_ID)
    status, out, err = _doctor(
        capsys,
        "--private-key", str(files["app_private_key"]),
        "--app-cert", str(files["app_cert"]),
        "--alipay-cert", str(files["alipay_cert"]),
    )  # fmt: skip
    assert status == 0, err
    assert "certificate" in out and "root_cert_sn" in out
    # a flag wins over its variable
    monkeypatch.setenv("ALIPAY_APP_ID", "not-this-one")
    status, out, _ = _doctor(
        capsys,
        "--app-id", APP_ID,
        "--private-key", str(files["app_private_key"]),
        "--app-cert", str(files["app_cert"]),
        "--alipay-cert", str(files["alipay_cert"]),
    )  # fmt: skip
    assert status == 0 and f"app_id        {APP_ID}" in out


def test_a_missing_app_id_names_flag_and_variable(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = _doctor(
        capsys,
        "--private-key", str(files["app_private_key"]),
        "--alipay-public-key", str(files["alipay_public_key"]),
    )  # fmt: skip
    assert status == 1
    assert _problems(err) == ["app id: not set; pass --app-id or set ALIPAY_APP_ID."]


def test_a_directory_and_an_empty_file_say_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.pem"
    empty.write_text("")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "keys").mkdir()
    status, _, err = _doctor(
        capsys,
        "--app-id", APP_ID,
        "--private-key", "keys",  # a relative name that is valid base64 as well
        "--alipay-public-key", str(empty),
    )  # fmt: skip
    assert status == 1
    problems = _problems(err)
    assert len(problems) == 2
    assert problems[0].startswith("--private-key: ") and "is a directory" in problems[0]
    assert problems[1].startswith("--alipay-public-key: ") and "is empty" in problems[1]


def test_der_key_files_are_accepted(
    files: dict[str, Path],
    tmp_path: Path,
    alipay_sandbox_pki: SandboxPKI,
    capsys: pytest.CaptureFixture[str],
) -> None:
    private_der = tmp_path / "app_private_key.der"
    private_der.write_bytes(
        alipay_sandbox_pki.app_key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    public_der = tmp_path / "alipay_public_key.der"
    public_der.write_bytes(
        alipay_sandbox_pki.alipay_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    status, out, err = _doctor(
        capsys, "--app-id", APP_ID, "--private-key", str(private_der),
        "--alipay-public-key", str(public_der),
    )  # fmt: skip
    assert status == 0, err
    assert "configuration: OK" in out
    # the same DER as bytes, as the config documents
    config = AlipayConfig.key_mode(
        app_id=APP_ID, private_key=private_der.read_bytes(), alipay_public_key=public_der
    )
    assert config.mode == "key"


def test_escaped_pem_and_quoted_base64_from_the_environment(
    files: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pem = files["app_private_key"].read_text()
    monkeypatch.setenv("ALIPAY_APP_ID", APP_ID)
    monkeypatch.setenv("ALIPAY_PRIVATE_KEY", pem.strip().replace("\n", "\\n"))
    public_pem = files["alipay_public_key"].read_text()
    bare = "".join(line for line in public_pem.splitlines() if not line.startswith("-----"))
    monkeypatch.setenv("ALIPAY_PUBLIC_KEY", f'"{bare}"')
    monkeypatch.setenv("ALIPAY_BASE_URL", "SANDBOX")
    status, out, err = _doctor(capsys)
    assert status == 0, err
    assert f"base_url      {SANDBOX_URL}" in out


def test_escapes_that_do_not_make_a_key_are_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ALIPAY_APP_ID", APP_ID)
    monkeypatch.setenv("ALIPAY_PRIVATE_KEY", "MIIE\\nnot*base64\\nat all")
    monkeypatch.setenv("ALIPAY_PUBLIC_KEY", "MIIB")
    status, _, err = _doctor(capsys)
    assert status == 1
    problem = _problems(err)[0]
    assert problem.startswith("ALIPAY_PRIVATE_KEY: ") and "literal \\n" in problem


def test_every_misplaced_certificate_is_reported(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # app -> root slot, alipay -> app slot, root -> alipay slot
    status, _, err = _doctor(
        capsys,
        "--app-id", APP_ID,
        "--private-key", str(files["app_private_key"]),
        "--app-cert", str(files["alipay_cert"]),
        "--alipay-cert", str(files["alipay_root_cert"]),
        "--root-cert", str(files["app_cert"]),
    )  # fmt: skip
    assert status == 1
    problems = _problems(err)
    assert len(problems) == 3, problems
    assert problems[0].startswith("--app-cert: this is Alipay's certificate")
    assert "belongs in --alipay-cert" in problems[0]
    assert problems[1].startswith("--alipay-cert: this is Alipay's root certificate")
    assert problems[2].startswith("--root-cert: this is your app's certificate")


def test_two_swapped_certificates_say_swapped(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = _doctor(
        capsys,
        "--app-id", APP_ID,
        "--private-key", str(files["app_private_key"]),
        "--app-cert", str(files["alipay_cert"]),
        "--alipay-cert", str(files["app_cert"]),
        "--root-cert", str(files["alipay_root_cert"]),
    )  # fmt: skip
    assert status == 1
    problems = _problems(err)
    assert len(problems) == 2 and all("swapped" in p for p in problems)


def test_a_public_key_in_certificate_mode_is_warned_about(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = _doctor(
        capsys,
        "--app-id", APP_ID,
        "--private-key", str(files["app_private_key"]),
        "--alipay-public-key", str(files["alipay_public_key"]),
        "--app-cert", str(files["app_cert"]),
        "--alipay-cert", str(files["alipay_cert"]),
        "--root-cert", str(files["alipay_root_cert"]),
    )  # fmt: skip
    assert status == 0
    assert "warning: --alipay-public-key is ignored in certificate mode" in err


# ---------------------------------------------------------------- --ping


@pytest.fixture
def running(alipay_sandbox_pki: SandboxPKI) -> Iterator[SandboxThread]:
    with SandboxThread(pki=alipay_sandbox_pki, encrypt_key=AES_KEY) as running:
        yield running


def _ping_flags(files: dict[str, Path], running: SandboxThread, aes_key: str) -> list[str]:
    return [
        "--app-id", running.sandbox.app_id,
        "--private-key", str(files["app_private_key"]),
        "--alipay-public-key", str(files["alipay_public_key"]),
        "--encrypt-key", aes_key,
        "--base-url", running.sandbox.base_url,
        "--ping",
    ]  # fmt: skip


def test_ping_exercises_encryption(
    running: SandboxThread,
    files: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="alipay_voucher.sandbox")
    status, out, err = _doctor(capsys, *_ping_flags(files, running, AES_KEY))
    assert status == 0, err
    assert "ping: OK, the gateway accepted the signed, encrypted request" in out
    assert "INVALID_PARAMETER" in out
    assert running.call(lambda: len(running.sandbox.book.activities)) == 0
    wrong = base64.b64encode(bytes(range(16, 32))).decode()
    status, _, err = _doctor(capsys, *_ping_flags(files, running, wrong))
    assert status == 1
    assert "ping: REFUSED by the gateway" in err and "decryption-error" in err
    # Each publish reached the gateway and was refused, changing nothing. The sandbox logs
    # a request once its answer is written, so the client may hold the answer before the
    # record exists: stopping the sandbox waits for its handlers, and their records.
    running.stop()
    seen = [
        (r.__dict__["sandbox_path"], r.__dict__["sandbox_code"])
        for r in caplog.records
        if r.name == "alipay_voucher.sandbox"
    ]
    publish = "/v3/alipay/marketing/activity/voucher/publish"
    assert seen == [(publish, "INVALID_PARAMETER"), (publish, "decryption-error")]


@pytest.mark.parametrize("fault", ["503", "refuse"])
def test_ping_says_not_checked_without_an_answer(
    fault: str,
    running: SandboxThread,
    files: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    running.sandbox.faults.next(fault)
    status, out, err = _doctor(capsys, *_ping_flags(files, running, AES_KEY))
    assert status == 1
    assert "ping: not checked" in err and "ping: OK" not in out


def test_ping_system_error_is_not_checked(
    running: SandboxThread,
    files: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:

    def broken(body: object) -> object:
        assert body == {"activity_id": PING_ACTIVITY_ID, "out_biz_no": ANY}
        raise GatewayError(500, "SYSTEM_ERROR", "busy")

    monkeypatch.setitem(running.sandbox.book._handlers, "publish", broken)
    status, _, err = _doctor(capsys, *_ping_flags(files, running, AES_KEY))
    assert status == 1 and "ping: not checked" in err and "SYSTEM_ERROR" in err
