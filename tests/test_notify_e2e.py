"""End to end: the sandbox pushes its messages to the example service during a whole
lifecycle; the service's handler sees each message exactly once, in both modes, even
when Alipay delivers again or the first delivery fails."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from types import ModuleType
from typing import Any, Literal

import pytest
from aiohttp.test_utils import TestClient, TestServer

from alipay_voucher.client import AsyncVoucherClient
from alipay_voucher.testing import Sandbox

from .raw_calls import activity_body

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "aiohttp_service.py"


def load_service() -> ModuleType:
    spec = importlib.util.spec_from_file_location("voucher_service_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
async def service(alipay_sandbox: Sandbox, request: pytest.FixtureRequest) -> AsyncIterator[Any]:
    mode: Literal["key", "cert"] = request.param
    module = load_service()
    module.RECEIVED.clear()
    app = module.create_app(alipay_sandbox.config(mode=mode, encrypt=mode == "cert"))
    async with TestClient(TestServer(app)) as http:
        alipay_sandbox.notify_url = str(http.make_url("/alipay/notify"))
        yield http, module


@pytest.mark.parametrize("service", ["key", "cert"], indirect=True)
async def test_every_message_reaches_the_service_exactly_once(
    alipay_sandbox: Sandbox, service: Any
) -> None:
    http, module = service
    config = alipay_sandbox.config()
    async with AsyncVoucherClient(config) as client:
        created = await client.create(activity_body("n-create", quantity=10, per_user=1))
        activity_id = created.activity_id
        assert isinstance(activity_id, str)
        await client.publish({"activity_id": activity_id, "out_biz_no": "n-pub"})
        for i, user in enumerate(("2088000000000001", "2088000000000002")):
            await client.send(
                {"activity_id": activity_id, "out_biz_no": f"n-s{i}", "user_id": user}
            )
        await client.append(
            {"activity_id": activity_id, "out_biz_no": "n-app", "voucher_quantity": 20}
        )
        await client.modify(
            {
                "activity_id": activity_id,
                "out_biz_no": "n-mod",
                "activity_base_info": {"activity_name": "renamed"},
            }
        )
    # The service's own route stops it and waits for Alipay's confirmation.
    stopped = await http.post(f"/activities/{activity_id}/stop")
    assert stopped.status == 200, await stopped.text()
    assert (await stopped.json())["status"] == "FINISHED"
    await alipay_sandbox.outbox.settle()

    # Alipay delivers duplicates: the handler must not act on them again.
    for delivery in list(alipay_sandbox.outbox.messages(activity_id=activity_id)):
        alipay_sandbox.redeliver(delivery)
    await alipay_sandbox.outbox.settle()

    expected = sorted(
        (d.msg_method, d.biz_content.get("id"))
        for d in alipay_sandbox.outbox.messages(activity_id=activity_id)
    )
    seen = sorted((n.msg_method, n.message_id) for n in module.RECEIVED)
    assert seen == expected
    kinds = {m.rsplit(".", 1)[1] for m, _ in seen}
    assert kinds == {"created", "received", "appended", "modified", "stopped"}
    assert len(seen) == len(set(seen))
    listed = await (await http.get("/notifications")).json()
    assert len(listed) == len(seen)


@pytest.mark.parametrize("service", ["key"], indirect=True)
async def test_failed_handling_is_redelivered_then_handled_once(
    alipay_sandbox: Sandbox, service: Any
) -> None:
    _http, module = service
    calls = {"n": 0}
    original = module.on_message

    async def flaky(notification: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("database briefly down")
        await original(notification)

    # Swap the callback inside the registered handler by rebuilding the app route.
    app_module = module
    app_module.on_message = flaky
    config = alipay_sandbox.config()
    app = app_module.create_app(config)
    async with TestClient(TestServer(app)) as second:
        alipay_sandbox.notify_url = str(second.make_url("/alipay/notify"))
        async with AsyncVoucherClient(config) as client:
            created = await client.create(activity_body("f-create"))
            activity_id = created.activity_id
            assert isinstance(activity_id, str)
            await client.publish({"activity_id": activity_id, "out_biz_no": "f-pub"})
        delivery = await alipay_sandbox.outbox.wait_for("created", activity_id=activity_id)
    assert len(delivery.attempts) >= 2  # the first attempt got a failure answer
    created_seen = [n for n in module.RECEIVED if n.msg_method.endswith("created")]
    assert len(created_seen) == 1
