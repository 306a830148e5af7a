"""Every fault kind, shown from the client's side: what it sees, and whether the
operation took effect anyway."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest

from alipay_voucher import protocol
from alipay_voucher.errors import APIError, SignatureVerificationError
from alipay_voucher.testing import Fault, Faults, Sandbox, SandboxPKI, SandboxThread

from .raw_calls import RawCaller, activity_body
from .sandbox_log import SandboxRequests


@pytest.fixture
async def raw(alipay_sandbox: Sandbox) -> AsyncIterator[RawCaller]:
    # A fresh connection per request keeps the client's pool out of the picture.
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(connector=connector) as session:
        yield RawCaller(session, alipay_sandbox.config())


async def test_refuse_resets_before_the_request_is_read(
    alipay_sandbox: Sandbox, raw: RawCaller
) -> None:
    alipay_sandbox.faults.next("refuse")
    with pytest.raises((aiohttp.ClientOSError, aiohttp.ServerDisconnectedError)):
        await raw.exchange("create", activity_body())
    assert not alipay_sandbox.book.activities  # it never reached the gateway
    assert alipay_sandbox.faults.injected == {Fault.REFUSE: 1}
    assert "activity_id" in await raw.call("create", activity_body())  # only the next one


@pytest.mark.parametrize("kind", ["502", "503"])
async def test_load_balancer_pages(alipay_sandbox: Sandbox, raw: RawCaller, kind: str) -> None:
    alipay_sandbox.faults.next(kind)
    status, headers, body, _ = await raw.exchange("create", activity_body())
    assert status == int(kind) and headers["content-type"].startswith("text/html")
    assert "alipay-signature" not in headers and "alipay-trace-id" not in headers
    with pytest.raises(APIError) as info:
        protocol.process_response(raw.config, status, headers, body)
    assert info.value.status == int(kind) and info.value.code is None
    assert "HTML" in (info.value.message or "")
    assert not alipay_sandbox.book.activities


async def test_drop_loses_the_answer_not_the_change(
    alipay_sandbox: Sandbox, raw: RawCaller
) -> None:
    alipay_sandbox.notify_url = None
    created = await raw.call("create", activity_body())
    publish = {"activity_id": created["activity_id"], "out_biz_no": "pub-1"}
    alipay_sandbox.faults.next("drop", operation="publish")
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await raw.exchange("publish", publish)
    assert alipay_sandbox.activity(created["activity_id"]).status == "ACTIVE"
    await alipay_sandbox.outbox.wait_for("created", delivered=False)  # the message still goes
    # Repeating with the same out_biz_no and body is how a client recovers.
    assert await raw.call("publish", publish) == {}
    assert len(alipay_sandbox.outbox.messages("created")) == 1


async def test_delay_then_timeout(alipay_sandbox: Sandbox, raw: RawCaller) -> None:
    alipay_sandbox.faults.delay = 0.5
    alipay_sandbox.faults.next(Fault.DELAY)
    prepared = protocol.prepare_request(
        raw.config,
        "POST",
        "/v3/alipay/marketing/activity/voucher/create",
        json_body=activity_body(),
    )
    url = raw.config.base_url + prepared.target
    with pytest.raises(asyncio.TimeoutError):
        async with raw.session.post(
            url,
            headers=list(prepared.headers),
            data=prepared.body,
            timeout=aiohttp.ClientTimeout(total=0.1),
        ) as response:
            await response.read()
    await asyncio.sleep(0.6)
    assert len(alipay_sandbox.book.activities) == 1  # it took effect regardless


async def test_delay_answers_late(alipay_sandbox: Sandbox, raw: RawCaller) -> None:
    alipay_sandbox.faults.delay = 0.2
    alipay_sandbox.faults.next("delay")
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert "activity_id" in await raw.call("create", activity_body())
    assert loop.time() - started >= 0.2


async def test_truncate(alipay_sandbox: Sandbox, raw: RawCaller) -> None:
    alipay_sandbox.faults.next("truncate")
    with pytest.raises(aiohttp.ClientPayloadError):
        await raw.exchange("create", activity_body())
    assert len(alipay_sandbox.book.activities) == 1


async def test_corrupt_signature(alipay_sandbox: Sandbox, raw: RawCaller) -> None:
    alipay_sandbox.faults.next("corrupt_signature")
    with pytest.raises(SignatureVerificationError):
        await raw.call("create", activity_body())
    assert len(alipay_sandbox.book.activities) == 1


async def test_corrupt_signature_on_an_error_answer(
    alipay_sandbox: Sandbox, raw: RawCaller
) -> None:
    alipay_sandbox.faults.next("corrupt_signature")
    with pytest.raises(SignatureVerificationError):
        await raw.call("query", query={"activity_id": "missing"})


async def test_next_counts_and_filters(alipay_sandbox: Sandbox, raw: RawCaller) -> None:
    faults = alipay_sandbox.faults
    faults.next("503", count=2, operation="query")
    assert faults.pending == 2
    assert "activity_id" in await raw.call("create", activity_body())  # not a query
    for _ in range(2):
        assert (await raw.exchange("query", query={"activity_id": "x"}))[0] == 503
    assert (await raw.exchange("query", query={"activity_id": "x"}))[0] == 400
    assert faults.pending == 0
    assert [(f.kind, f.operation) for f in faults.log] == [(Fault.UNAVAILABLE, "query")] * 2


async def test_offline_refuses_connections(alipay_sandbox: Sandbox) -> None:
    async with aiohttp.ClientSession() as session:  # keep-alive on purpose
        raw = RawCaller(session, alipay_sandbox.config())
        assert "activity_id" in await raw.call("create", activity_body())
        async with alipay_sandbox.offline():
            # The pooled connection was cut: whether the client noticed before reusing it
            # (then it connects anew and is refused) or not (the write or read fails) is
            # up to the scheduler, and either way no answer comes back.
            with pytest.raises(aiohttp.ClientConnectionError):
                await raw.exchange("create", activity_body("c2"))
            async with aiohttp.ClientSession() as fresh:
                with pytest.raises(aiohttp.ClientConnectorError):
                    await RawCaller(fresh, alipay_sandbox.config()).exchange(
                        "create", activity_body("c2b")
                    )
        assert "activity_id" in await raw.call("create", activity_body("c3"))
    assert len(alipay_sandbox.book.activities) == 2


def test_rates_are_repeatable_with_a_seed() -> None:
    def run(seed: int) -> list[Fault | None]:
        faults = Faults()
        faults.rate({"drop": 0.2, Fault.UNAVAILABLE: 0.3}, seed=seed)
        return [faults.draw("send") for _ in range(200)]

    first = run(7)
    assert first == run(7) and first != run(8)
    counts = {kind: first.count(kind) for kind in (Fault.DROP, Fault.UNAVAILABLE, None)}
    assert 20 <= counts[Fault.DROP] <= 60 and 40 <= counts[Fault.UNAVAILABLE] <= 90


def test_queued_faults_come_before_rates_and_clear_stops_all() -> None:
    faults = Faults()
    faults.rate({"502": 1.0}, seed=1, operation="send")
    faults.next("truncate")
    assert faults.draw("send") is Fault.TRUNCATE
    assert faults.draw("send") is Fault.BAD_GATEWAY
    assert faults.draw("query") is None
    faults.clear()
    assert faults.draw("send") is None
    assert faults.injected == {Fault.TRUNCATE: 1, Fault.BAD_GATEWAY: 1}


def test_bad_arguments() -> None:
    faults = Faults()
    with pytest.raises(ValueError):
        faults.next("explode")
    with pytest.raises(ValueError):
        faults.next("drop", count=0)
    with pytest.raises(ValueError):
        faults.rate({"drop": 0.7, "503": 0.5})


async def test_rate_under_load_counts_exactly(alipay_sandbox: Sandbox, raw: RawCaller) -> None:
    alipay_sandbox.faults.rate({"503": 0.3}, seed=3, operation="query")
    statuses = [(await raw.exchange("query", query={"activity_id": "x"}))[0] for _ in range(30)]
    assert statuses.count(503) == alipay_sandbox.faults.injected[Fault.UNAVAILABLE] > 0
    assert statuses.count(400) == 30 - statuses.count(503)


def test_a_sandbox_thread_stopped_while_holding_an_answer_finishes_that_request(
    alipay_sandbox_pki: SandboxPKI, sandbox_requests: SandboxRequests
) -> None:
    """Stopping unwinds a request still held back by ``delay`` whose client has gone
    (the server's shutdown no longer tracks it): it is logged as cut short, not left
    pending for its coroutine to be finalised later, by whichever thread collects it,
    outside the context it ran in."""
    with SandboxThread(pki=alipay_sandbox_pki) as running:
        running.sandbox.faults.delay = 30
        running.sandbox.faults.next("delay")
        with socket.create_connection((running.sandbox.host, running.sandbox.port)) as sock:
            sock.sendall(
                b"GET /v3/alipay/marketing/activity/voucher/query HTTP/1.1\r\nHost: s\r\n\r\n"
            )
            waited = 0
            while not running.sandbox.faults.log:  # it reached the sandbox, and waits
                assert waited < 3000, "the request never reached the sandbox"
                time.sleep(0.01)
                waited += 1
        assert sandbox_requests() == []
        running.stop()
        assert [(a.operation, a.status) for a in sandbox_requests()] == [("query", "-")]
