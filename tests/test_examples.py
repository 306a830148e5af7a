"""The examples run for real against the sandbox: the blocking script and the web service
as subprocesses configured through ALIPAY_* variables (key and certificate mode), and
the service's handlers in process, error paths included."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from alipay_voucher.testing import Sandbox
from tests.clients import (
    Driver,
    SandboxConfig,
    unused_port,
)
from tests.sandbox_log import SandboxRequests

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def example_env(
    app_id: str, files: dict[str, Path], base_url: str, *, mode: str = "key"
) -> dict[str, str]:
    """The environment of an example for ``app_id`` with these key files (by role, as
    ``SandboxPKI.write`` names them), talking to ``base_url``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALIPAY_")}
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY"):
        env.pop(name, None)
    env.update(
        PYTHONPATH=str(ROOT),
        ALIPAY_APP_ID=app_id,
        ALIPAY_PRIVATE_KEY=str(files["app_private_key"]),
        ALIPAY_BASE_URL=base_url,
    )
    if mode == "key":
        env["ALIPAY_PUBLIC_KEY"] = str(files["alipay_public_key"])
    else:
        env.update(
            ALIPAY_APP_CERT=str(files["app_cert"]),
            ALIPAY_ALIPAY_CERT=str(files["alipay_cert"]),
            ALIPAY_ROOT_CERT=str(files["alipay_root_cert"]),
        )
    return env


async def run_script(*args: str, env: dict[str, str]) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        str(EXAMPLES / "blocking_script.py"),
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


@pytest.mark.parametrize("mode", ["key", "cert"])
async def test_blocking_script(
    mode: str, alipay_sandbox: Sandbox, files: dict[str, Path], sandbox_requests: SandboxRequests
) -> None:
    env = example_env(alipay_sandbox.app_id, files, alipay_sandbox.base_url, mode=mode)
    code, out, err = await run_script(env=env)
    assert code == 0, err
    created = re.search(r"created activity (\S+) ", out)
    issued = re.search(r"issued voucher (\S+) ", out)
    assert created and issued, out
    activity = alipay_sandbox.activity(created[1])  # what the script printed is what exists
    assert [v.voucher_id for v in activity.vouchers] == [issued[1]]
    assert f"activity {created[1]}: status ACTIVE" in out
    assert [(a.operation, a.status) for a in sandbox_requests()] == [
        ("create", 200),
        ("publish", 200),
        ("send", 200),
        ("query", 200),
    ]


async def test_blocking_script_reports_a_refusal(
    alipay_sandbox: Sandbox, files: dict[str, Path], sandbox_client: Driver, sandbox_activity: str
) -> None:
    await sandbox_client.call("stop", {"activity_id": sandbox_activity})
    code, _, err = await run_script(
        "--activity-id", sandbox_activity, "--base-url", alipay_sandbox.base_url,
        env=example_env(alipay_sandbox.app_id, files, "https://openapi.alipay.com"),
    )  # fmt: skip
    assert code == 1
    assert "ACTIVITY_IS_STOPED" in err and re.search(r"\b[0-9a-f]{32}\b", err), err


# --------------------------------------------------------------------------- the service


def load_service() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "aiohttp_service", EXAMPLES / "aiohttp_service.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
async def sandbox_service(sandbox_config: SandboxConfig) -> AsyncIterator[TestClient[Any, Any]]:
    app = load_service().create_app(sandbox_config())
    async with TestClient(TestServer(app)) as client:
        yield client


async def test_service_handlers(
    sandbox_service: TestClient[Any, Any],
    alipay_sandbox: Sandbox,
    sandbox_requests: SandboxRequests,
) -> None:
    created = await sandbox_service.post(
        "/activities", json={"name": "n", "amount": "5.00", "quantity": 10}
    )
    assert created.status == 201, await created.text()
    activity_id = (await created.json())["activity_id"]
    sent = await sandbox_service.post(
        f"/activities/{activity_id}/vouchers",
        json={"user_id": "2088512417841101", "out_biz_no": "o-1"},
    )
    assert sent.status == 201, await sent.text()
    answer = await sent.json()
    (voucher,) = alipay_sandbox.activity(activity_id).vouchers
    assert answer["voucher_id"] == voucher.voucher_id and answer["out_biz_no"] == "o-1"
    assert re.fullmatch(r"[0-9a-f]{32}", answer["trace_id"]), answer
    got = await sandbox_service.get(f"/activities/{activity_id}")
    shown = await got.json()
    assert shown["status"] == "ACTIVE" and shown["send_count"] == 1, shown
    assert [(a.operation, a.status) for a in sandbox_requests()] == [
        ("create", 200),
        ("publish", 200),
        ("send", 200),
        ("query", 200),
    ]


async def test_service_error_paths(
    sandbox_service: TestClient[Any, Any],
    alipay_sandbox: Sandbox,
    sandbox_client: Driver,
    sandbox_activity: str,
) -> None:
    url = f"/activities/{sandbox_activity}/vouchers"
    missing = await sandbox_service.post(url, json={})
    assert missing.status == 400 and (await missing.json())["field"] == "user_id"
    await sandbox_client.call("stop", {"activity_id": sandbox_activity})
    refused = await sandbox_service.post(url, json={"open_id": "abc"})
    assert refused.status == 502 and (await refused.json())["code"] == "ACTIVITY_IS_STOPED"
    alipay_sandbox.faults.next("503", 3)
    unknown = await sandbox_service.post(url, json={"open_id": "abc", "out_biz_no": "o-2"})
    assert unknown.status == 503
    assert (await unknown.json())["out_biz_no"] == "o-2"


async def test_service_runs_as_a_process(
    alipay_sandbox: Sandbox,
    files: dict[str, Path],
    sandbox_activity: str,
    sandbox_requests: SandboxRequests,
) -> None:
    port = unused_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(EXAMPLES / "aiohttp_service.py"), "--port", str(port),
        env=example_env(alipay_sandbox.app_id, files, alipay_sandbox.base_url),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(200):
                try:
                    async with http.get(f"{base}/healthz") as health:
                        if health.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
            async with http.post(
                f"{base}/activities/{sandbox_activity}/vouchers",
                json={"user_id": "2088512417841101"},
            ) as sent:
                assert sent.status == 201, await sent.text()
                assert (await sent.json())["voucher_id"]
    finally:
        process.terminate()
        _, err = await asyncio.wait_for(process.communicate(), timeout=20)
    assert b"Traceback" not in err, err.decode()
    assert b"Unclosed" not in err
    assert [(a.operation, a.status) for a in sandbox_requests("send")] == [("send", 200)]
