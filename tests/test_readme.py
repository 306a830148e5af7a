"""The README's examples run as written, against the sandbox.

Blocks marked ``<!-- readme-test: NAME -->`` are executed in order in one namespace,
in a directory holding the key and certificate files under the names the README uses.
The one change the harness makes: after a block builds ``config`` (pointed at
production in the README), it is re-pointed at the local sandbox.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from alipay_voucher.config import AlipayConfig
from alipay_voucher.testing import SandboxThread, make_pki

README = Path(__file__).resolve().parents[1] / "README.md"
APP_ID = "2021000000000001"
_BLOCK = re.compile(r"<!-- readme-test: ([\w-]+) -->\n```python\n(.*?)```", re.S)


def readme_blocks() -> list[tuple[str, str]]:
    return _BLOCK.findall(README.read_text(encoding="utf-8"))


def test_readme_has_the_promised_examples() -> None:
    names = [name for name, _ in readme_blocks()]
    expected = "config-key config-cert async sync errors notify-aiohttp batch batch-async sandbox"
    assert names == expected.split()
    text = README.read_text(encoding="utf-8")
    head = "\n".join(text.splitlines()[:20])
    assert "make demo" in head and "make test" in head
    for operation in ("create", "publish", "send", "modify", "append", "stop", "query"):
        assert f"client.{operation}(" in text, operation


def test_readme_examples_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pki = make_pki(APP_ID)
    with SandboxThread(pki=pki, app_id=APP_ID) as running:
        sandbox = running.sandbox
        keys = tmp_path / "keys"
        keys.mkdir()
        files = {
            "app_private_key.pem": pki.app_private_key_pem,
            "alipay_public_key.pem": pki.alipay_public_key_pem,
            f"appCertPublicKey_{APP_ID}.crt": pki.app_cert_pem,
            "alipayCertPublicKey_RSA2.crt": pki.alipay_cert_pem,
            "alipayRootCert.crt": pki.root_bundle_pem,
            "aes_key.txt": sandbox.encrypt_key + "\n",
        }
        for name, text in files.items():
            (keys / name).write_text(text)
        monkeypatch.chdir(tmp_path)
        namespace: dict[str, Any] = {"__name__": "readme"}
        for name, code in readme_blocks():
            exec(compile(code, f"README.md[{name}]", "exec"), namespace)
            config = namespace.get("config")
            if isinstance(config, AlipayConfig) and config.base_url != sandbox.base_url:
                namespace["config"] = config.with_options(base_url=sandbox.base_url)
        activities = running.call(lambda: dict(sandbox.book.activities))
    out = capsys.readouterr().out
    assert "voucher " in out and "created " in out
    assert "INVALID_PARAMETER" in out  # the errors example met a real refusal
    assert (tmp_path / "campaign-2026-11.db").exists()
    assert "stopped at user_id:20881" in out  # the async batch met an invalid row
    assert len(activities) == 2  # the async and the blocking example each made one
