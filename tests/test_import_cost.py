"""What importing the clients loads: nothing that only some features need.

Each check runs in a fresh interpreter and reads ``sys.modules``, so it asserts which
modules an import pulls in, never how long it takes (benchmarks/bench_import.py times it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

CLIENT_IMPORTS = (
    "from alipay_voucher import AlipayConfig, AsyncVoucherClient",
    "from alipay_voucher import VoucherClient",
)


def loaded_after(code: str, *prefixes: str) -> list[str]:
    """The modules named ``prefix`` or ``prefix.*`` that ``code`` leaves in sys.modules."""
    probe = (
        f"{code}\n"
        "import json, sys\n"
        f"prefixes = {list(prefixes)!r}\n"
        "print(json.dumps(sorted(m for m in sys.modules\n"
        "    if any(m == p or m.startswith(p + '.') for p in prefixes))))\n"
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    names: list[str] = json.loads(out.stdout.splitlines()[-1])
    return names


@pytest.mark.parametrize("statement", CLIENT_IMPORTS)
def test_the_clients_do_not_import_the_x509_parser(statement: str) -> None:
    assert loaded_after(statement, "cryptography.x509") == []


def test_certificate_mode_still_loads_the_x509_parser() -> None:
    keys = ROOT / "tests" / "data" / "vectors" / "keys"
    code = (
        "from alipay_voucher import AlipayConfig\n"
        "AlipayConfig.cert_mode(\n"
        "    app_id='2021000000000001',\n"
        f"    private_key={str(keys / 'app_private_pkcs8.pem')!r},\n"
        f"    app_cert={str(keys / 'app_cert.crt')!r},\n"
        f"    alipay_cert={str(keys / 'alipay_cert.crt')!r},\n"
        f"    alipay_root_cert={str(keys / 'root_bundle.crt')!r},\n"
        ")\n"
    )
    assert "cryptography.x509" in loaded_after(code, "cryptography.x509")
