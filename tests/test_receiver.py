"""NotificationReceiver and aiohttp_handler: how each delivery is answered, and when the
callback runs (exactly once per message, never unclaimed, never for oversize bodies)."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from alipay_voucher.config import AlipayConfig
from alipay_voucher.dedupe import Claim, Held, MemoryDedupeStore, SQLiteDedupeStore
from alipay_voucher.errors import DedupeStoreError
from alipay_voucher.notify import (
    MAX_BODY,
    SUCCESS,
    Notification,
    NotificationReceiver,
    aiohttp_handler,
)

from .notify_helpers import form_body, signed_params

CREATED = "alipay.marketing.activity.message.created"
Client = TestClient[Any, Any]
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def body(notify_id: str = "n-1") -> bytes:
    return form_body(signed_params(CREATED, notify_id=notify_id))


async def test_two_concurrent_deliveries_run_the_callback_once(key_config: AlipayConfig) -> None:
    started, finish = asyncio.Event(), asyncio.Event()
    calls: list[str] = []

    async def slow(note: Notification) -> None:
        calls.append(note.notify_id)
        started.set()
        await finish.wait()

    receiver = NotificationReceiver(key_config, slow)
    first = asyncio.create_task(receiver.handle(body()))
    await started.wait()
    second = await receiver.handle(body())
    assert (second.status, second.acknowledged) == (409, False)  # Alipay retries later
    finish.set()
    assert (await first).acknowledged
    third = await receiver.handle(body())
    assert (third.status, third.text) == (200, SUCCESS)
    assert calls == ["n-1"]


async def test_a_failed_callback_is_released_and_the_redelivery_handled(
    key_config: AlipayConfig,
) -> None:
    outcomes = iter([RuntimeError("database down"), None])
    calls = 0

    def callback(note: Notification) -> None:  # a plain function is fine too
        nonlocal calls
        calls += 1
        error = next(outcomes)
        if error is not None:
            raise error

    receiver = NotificationReceiver(key_config, callback)
    assert (await receiver.handle(body())).status == 500
    assert (await receiver.handle(body())).acknowledged
    assert (await receiver.handle(body())).acknowledged
    assert calls == 2


class DownStore:
    """A store whose every call fails the way an unreachable server does."""

    def __init__(self, fail_on: str) -> None:
        self.fail_on = fail_on
        self.inner = MemoryDedupeStore()

    async def claim(self, keys: Sequence[str]) -> Claim | Held:
        if self.fail_on == "claim":
            raise DedupeStoreError("connection refused")
        return await self.inner.claim(keys)

    async def confirm(self, claim: Claim) -> bool:
        if self.fail_on == "confirm":
            raise DedupeStoreError("connection refused")
        return await self.inner.confirm(claim)

    async def release(self, claim: Claim) -> None:
        raise DedupeStoreError("connection refused")


async def test_an_unreachable_store_answers_503_and_runs_nothing(
    key_config: AlipayConfig, tmp_path: Path
) -> None:
    calls: list[Notification] = []

    async def callback(note: Notification) -> None:
        calls.append(note)

    unopenable = SQLiteDedupeStore(tmp_path / "no such dir" / "claims.sqlite3")
    for store in (DownStore("claim"), unopenable):
        reply = await NotificationReceiver(key_config, callback, dedupe=store).handle(body())
        assert (reply.status, reply.acknowledged) == (503, False)
    assert calls == []


async def test_handled_but_unconfirmed_is_still_acknowledged(
    key_config: AlipayConfig, caplog: pytest.LogCaptureFixture
) -> None:
    async def callback(note: Notification) -> None:
        return None

    receiver = NotificationReceiver(key_config, callback, dedupe=DownStore("confirm"))
    with caplog.at_level(logging.ERROR, "alipay_voucher"):
        assert (await receiver.handle(body())).acknowledged
    assert "handled but not confirmed" in caplog.text


async def test_a_failed_release_still_answers_500(
    key_config: AlipayConfig, caplog: pytest.LogCaptureFixture
) -> None:
    async def callback(note: Notification) -> None:
        raise RuntimeError("boom")

    receiver = NotificationReceiver(key_config, callback, dedupe=DownStore("none"))
    with caplog.at_level(logging.ERROR, "alipay_voucher"):
        assert (await receiver.handle(body())).status == 500
    assert "could not release a claim" in caplog.text


async def test_a_lease_lost_during_the_callback_is_reported(
    key_config: AlipayConfig, caplog: pytest.LogCaptureFixture
) -> None:
    now = [0.0]
    store = MemoryDedupeStore(lease=10, ttl=100, clock=lambda: now[0])

    async def slow(note: Notification) -> None:
        now[0] += 11  # longer than the lease
        assert isinstance(await store.claim(note.dedupe_keys), Claim)  # another worker

    receiver = NotificationReceiver(key_config, slow, dedupe=store)
    with caplog.at_level(logging.WARNING, "alipay_voucher"):
        assert (await receiver.handle(body())).acknowledged
    assert "raise the store's lease" in caplog.text


async def test_cancelled_callback_releases_its_claim(key_config: AlipayConfig) -> None:
    started = asyncio.Event()

    async def hangs(note: Notification) -> None:
        started.set()
        await asyncio.Event().wait()

    store = MemoryDedupeStore()
    receiver = NotificationReceiver(key_config, hangs, dedupe=store)
    task = asyncio.create_task(receiver.handle(body()))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert isinstance(await store.claim(("notify:n-1",)), Claim)


def test_handle_blocking_runs_the_callback_in_the_calling_thread(
    key_config: AlipayConfig, tmp_path: Path
) -> None:
    threads: list[int] = []

    def callback(note: Notification) -> None:
        threads.append(threading.get_ident())

    store = SQLiteDedupeStore(tmp_path / "claims.sqlite3")
    receiver = NotificationReceiver(key_config, callback, dedupe=store)
    try:
        assert receiver.handle_blocking(body()).acknowledged
        assert receiver.handle_blocking(body()).acknowledged
        assert receiver.handle_blocking(form_body({"sign": "x"})).status == 400
        assert receiver.handle_blocking(b"x" * (MAX_BODY + 1)).status == 413
    finally:
        receiver.close()
        store.close()
    assert threads == [threading.get_ident()]


def test_handle_blocking_awaits_a_coroutine_callback(key_config: AlipayConfig) -> None:
    seen: list[str] = []

    async def callback(note: Notification) -> None:
        await asyncio.sleep(0)
        seen.append(note.notify_id)

    receiver = NotificationReceiver(key_config, callback)
    try:
        assert receiver.handle_blocking(body()).acknowledged
    finally:
        receiver.close()
    assert seen == ["n-1"]


# ------------------------------------------------------------------ aiohttp


CALLS = web.AppKey("calls", list)


@pytest.fixture
async def client(key_config: AlipayConfig) -> AsyncIterator[Client]:
    calls: list[Notification] = []

    async def callback(note: Notification) -> None:
        calls.append(note)

    app = web.Application()
    app[CALLS] = calls
    app.router.add_post("/notify", aiohttp_handler(key_config, callback))
    async with TestClient(TestServer(app)) as test_client:
        yield test_client


async def test_handler_refuses_an_oversize_body_without_reading_it(client: Client) -> None:
    big = b"a=" + b"x" * MAX_BODY
    response = await client.post("/notify", data=big, headers=FORM)
    assert response.status == 413

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: refused while streaming
        for _ in range(MAX_BODY // 4096 + 2):
            yield b"x" * 4096

    streamed = await client.post("/notify", data=chunks(), headers=FORM)
    assert streamed.status == 413
    assert client.app[CALLS] == []


async def test_handler_answers_each_case(client: Client) -> None:
    ok = await client.post("/notify", data=body(), headers=FORM)
    assert (ok.status, await ok.text(), ok.content_type) == (200, SUCCESS, "text/plain")
    again = await client.post("/notify", data=body(), headers=FORM)
    assert (again.status, await again.text()) == (200, SUCCESS)
    forged = await client.post("/notify", data=body().replace(b"pub-0001", b"pub-9"), headers=FORM)
    assert forged.status == 400
    assert len(client.app[CALLS]) == 1
