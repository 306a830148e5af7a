"""The examples run for real against the loopback gateway: the blocking script and the
web service as subprocesses configured through ALIPAY_* variables, and the service's
handlers in process for the error paths."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from alipay_voucher.config import AlipayConfig
from tests.clients import (
    FAST_RETRY,
    FakeAlipay,
    error,
    gateway_config,
    unused_port,
)
from tests.vectors import APP_ID, KEYS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def example_env(base_url: str, *, mode: str = "key") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALIPAY_")}
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "ALL_PROXY"):
        env.pop(name, None)
    env.update(
        PYTHONPATH=str(ROOT),
        ALIPAY_APP_ID=APP_ID,
        ALIPAY_PRIVATE_KEY=str(KEYS / "app_private_pkcs8.pem"),
        ALIPAY_BASE_URL=base_url,
    )
    if mode == "key":
        env["ALIPAY_PUBLIC_KEY"] = str(KEYS / "alipay_public_spki.pem")
    else:
        env.update(
            ALIPAY_APP_CERT=str(KEYS / "app_cert.crt"),
            ALIPAY_ALIPAY_CERT=str(KEYS / "alipay_cert.crt"),
            ALIPAY_ROOT_CERT=str(KEYS / "root_bundle.crt"),
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
async def test_blocking_script(mode: str, cert_config: AlipayConfig) -> None:
    alipay_sn = cert_config.default_alipay_sn if mode == "cert" else None
    async with FakeAlipay(alipay_sn=alipay_sn) as gw:
        code, out, err = await run_script(env=example_env(gw.base_url, mode=mode))
    assert code == 0, err
    assert "created activity 2016042700826004508401111111" in out
    assert "issued voucher 2021072600073002785300065Q39" in out
    assert "status ACTIVE" in out
    assert [r.path.rpartition("/")[2] for r in gw.received] == [
        "create",
        "publish",
        "send",
        "query",
    ]
    assert all(r.verified for r in gw.received)
    if mode == "cert":
        assert all(r.auth and r.auth.app_cert_sn == cert_config.app_cert_sn for r in gw.received)


async def test_blocking_script_reports_a_refusal(gateway: FakeAlipay) -> None:
    gateway.script("send", error(400, "ACTIVITY_IS_STOPED", "stopped"))
    code, _, err = await run_script(
        "--activity-id", "2016042700826004508401111111", "--base-url", gateway.base_url,
        env=example_env("https://openapi.alipay.com"),
    )  # fmt: skip
    assert code == 1
    assert "ACTIVITY_IS_STOPED" in err and "trace-0001" in err


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
async def service(
    gateway: FakeAlipay, key_config: AlipayConfig
) -> AsyncIterator[TestClient[Any, Any]]:
    app = load_service().create_app(gateway_config(key_config, gateway, retry=FAST_RETRY))
    async with TestClient(TestServer(app)) as client:
        yield client


async def test_service_handlers(service: TestClient[Any, Any], gateway: FakeAlipay) -> None:
    created = await service.post(
        "/activities", json={"name": "n", "amount": "5.00", "quantity": 10}
    )
    assert created.status == 201, await created.text()
    activity_id = (await created.json())["activity_id"]
    sent = await service.post(
        f"/activities/{activity_id}/vouchers",
        json={"user_id": "2088512417841101", "out_biz_no": "o-1"},
    )
    assert sent.status == 201
    assert await sent.json() == {
        "voucher_id": "2021072600073002785300065Q39",
        "out_biz_no": "o-1",
        "trace_id": "trace-0003",
    }
    got = await service.get(f"/activities/{activity_id}")
    assert (await got.json())["status"] == "ACTIVE"
    assert [r.path.rpartition("/")[2] for r in gateway.received] == [
        "create",
        "publish",
        "send",
        "query",
    ]
    assert all(r.verified for r in gateway.received)


async def test_service_error_paths(service: TestClient[Any, Any], gateway: FakeAlipay) -> None:
    url = "/activities/2016042700826004508401111111/vouchers"
    missing = await service.post(url, json={})
    assert missing.status == 400 and (await missing.json())["field"] == "user_id"
    gateway.script("send", error(400, "BUDGET_NOT_ENOUGH", "no budget"))
    refused = await service.post(url, json={"open_id": "abc"})
    assert refused.status == 502 and (await refused.json())["code"] == "BUDGET_NOT_ENOUGH"
    gateway.script("send", *[error(503, "busy")] * 3)
    unknown = await service.post(url, json={"open_id": "abc", "out_biz_no": "o-2"})
    assert unknown.status == 503
    assert (await unknown.json())["out_biz_no"] == "o-2"


async def test_service_runs_as_a_process(gateway: FakeAlipay) -> None:
    port = unused_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(EXAMPLES / "aiohttp_service.py"), "--port", str(port),
        env=example_env(gateway.base_url),
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
                f"{base}/activities/2016042700826004508401111111/vouchers",
                json={"user_id": "2088512417841101"},
            ) as sent:
                assert sent.status == 201, await sent.text()
                assert (await sent.json())["voucher_id"]
    finally:
        process.terminate()
        _, err = await asyncio.wait_for(process.communicate(), timeout=20)
    assert b"Traceback" not in err, err.decode()
    assert b"Unclosed" not in err
    assert len(gateway.for_path("send")) == 1 and gateway.received[0].verified
