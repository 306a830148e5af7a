"""Alipay's official Node.js SDK talks to the standalone sandbox using only the files
``sandbox --credentials-dir`` wrote: the sandbox speaks the protocol other SDKs speak,
not just ours. Needs ``node``; ``make test-long`` installs ``alipay-sdk`` 4.14 first."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from .standalone import standalone_sandbox, wait_for_listening

ROOT = Path(__file__).resolve().parents[1]
SDK = ROOT / "benchmarks" / ".node" / "node_modules" / "alipay-sdk"
SCRIPT = ROOT / "tests" / "node" / "official_sdk_lifecycle.cjs"

pytestmark = pytest.mark.long


@pytest.fixture(scope="module")
def official_sdk() -> Path:
    if shutil.which("node") is None:
        pytest.skip("node is not installed on this machine")
    if not SDK.exists():
        # The registry is reachable on the machines this project runs on; if it is not
        # (an offline laptop), say so rather than fail the sandbox for npm's sake.
        try:
            subprocess.run(
                ["npm", "install", "--silent", "--prefix", str(SDK.parents[1]),
                 "alipay-sdk@4.14.0"],
                check=True, timeout=300, capture_output=True,
            )  # fmt: skip
        except (OSError, subprocess.SubprocessError) as exc:
            pytest.skip(f"could not install alipay-sdk from the npm registry: {exc}")
    return SDK


@pytest.fixture
def standalone(tmp_path: Path) -> Iterator[Path]:
    credentials = tmp_path / "creds"
    with standalone_sandbox(credentials) as process:
        wait_for_listening(process)
        yield credentials


@pytest.mark.parametrize("mode", ["key", "cert"])
def test_official_node_sdk_runs_a_lifecycle(
    official_sdk: Path, standalone: Path, mode: str
) -> None:
    result = subprocess.run(
        ["node", str(SCRIPT), str(official_sdk), str(standalone), mode],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["create"]["activity_id"]
    assert out["send"]["voucher_id"]
    assert out["query"]["activity_status"] == "ACTIVE"
    assert out["query"]["voucher_inventory_info"]["send_count"] == 1
    # The sandbox's business rules reach the official SDK as its own error type.
    assert out["second_send"] == {"code": "COUNT_OVER_LIMIT", "status": 400}
