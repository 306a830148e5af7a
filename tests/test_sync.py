"""The blocking facade: where it can be called from, its lifecycle, and the delegation
mechanism that makes its methods from the async client's."""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
import os
import select
import signal
import threading
from typing import Any

import pytest

from alipay_voucher import RetryPolicy
from alipay_voucher._hooks import Hooks, RequestEvent
from alipay_voucher.client import AsyncVoucherClient
from alipay_voucher.config import AlipayConfig
from alipay_voucher.errors import APIError, OutcomeUnknownError, RequestValidationError
from alipay_voucher.sync import VoucherClient, blocking
from alipay_voucher.transport import ClientClosedError
from tests.clients import FAST_RETRY, GatewayThread, error

ACTIVITY = "2016042700826004508401111111"
SEND = {"activity_id": ACTIVITY, "user_id": "2088512417841101"}


def _config(base: AlipayConfig, base_url: str, **changes: Any) -> AlipayConfig:
    changes.setdefault("retry", FAST_RETRY)
    return base.with_options(base_url=base_url, **changes)


def test_in_a_plain_script(key_config: AlipayConfig) -> None:
    with GatewayThread() as gw, VoucherClient(_config(key_config, gw.base_url)) as client:
        assert client.send(SEND).voucher_id
        assert client.query(ACTIVITY).activity_status == "ACTIVE"
    assert client.closed
    assert all(r.verified for r in gw.received)


async def test_called_straight_from_a_coroutine_with_a_running_loop(
    key_config: AlipayConfig,
) -> None:
    # Like a Jupyter cell or an ASGI handler: this thread's loop is running, and the
    # blocking call simply blocks it while the client's loop thread does the work.
    assert asyncio.get_running_loop().is_running()
    with GatewayThread() as gw:
        client = VoucherClient(_config(key_config, gw.base_url))
        try:
            result = client.query(ACTIVITY)
            assert result.activity_id == ACTIVITY
            assert result.http_status == 200
        finally:
            client.close()


def test_from_a_thread_running_its_own_loop(key_config: AlipayConfig) -> None:
    outcome: list[Any] = []
    with GatewayThread() as gw, VoucherClient(_config(key_config, gw.base_url)) as client:

        async def inside() -> None:
            outcome.append(client.send(SEND).voucher_id)

        worker = threading.Thread(target=lambda: asyncio.run(inside()))
        worker.start()
        worker.join()
    assert outcome == ["2021072600073002785300065Q39"]


def test_shared_by_many_threads_over_one_session(key_config: AlipayConfig) -> None:
    with GatewayThread() as gw, VoucherClient(_config(key_config, gw.base_url)) as client:
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda _: client.query(ACTIVITY), range(80)))
        assert {r.activity_id for r in results} == {ACTIVITY}
        session = client._async_client._transport._state.session
        assert session is not None and not session.closed
    assert session.closed
    assert len(gw.received) == 80


def test_errors_keep_their_types(key_config: AlipayConfig) -> None:
    with GatewayThread() as gw, VoucherClient(_config(key_config, gw.base_url)) as client:
        gw.script("send", error(400, "BUDGET_NOT_ENOUGH", "no budget"))
        with pytest.raises(APIError) as caught:
            client.send(SEND)
        assert caught.value.code == "BUDGET_NOT_ENOUGH" and caught.value.status == 400
        with pytest.raises(RequestValidationError):
            client.send({"activity_id": ACTIVITY})
        gw.script("send", *[error(503, "busy")] * 3)
        with pytest.raises(OutcomeUnknownError) as unknown:
            client.send({**SEND, "out_biz_no": "S-1"})
        assert unknown.value.out_biz_no == "S-1"


def test_close_closes_the_session_and_the_loop_and_ends_its_thread(
    key_config: AlipayConfig,
) -> None:
    with GatewayThread() as gw:
        before = threading.active_count()
        client = VoucherClient(_config(key_config, gw.base_url))
        assert not client._runner.running  # nothing is started before the first call
        client.query(ACTIVITY)
        loop = client._runner._loop
        assert loop is not None and not loop.is_closed() and loop.is_running()
        assert threading.active_count() == before + 1  # the client's loop thread
        session = client._async_client._transport._state.session
        client.close()
        assert loop.is_closed() and session is not None and session.closed
        assert client.closed and not client._runner.running
        assert threading.active_count() == before
        client.close()  # idempotent
        with pytest.raises(ClientClosedError):
            client.query(ACTIVITY)


def test_closing_an_unused_client_starts_nothing(key_config: AlipayConfig) -> None:
    before = threading.active_count()
    with VoucherClient(key_config) as client:
        pass
    assert client.closed and threading.active_count() == before


def test_calling_it_from_its_own_loop_thread_is_refused(key_config: AlipayConfig) -> None:
    problems: list[BaseException] = []
    holder: dict[str, VoucherClient] = {}

    def hook(event: RequestEvent) -> None:
        try:
            holder["client"].query(ACTIVITY)
        except RuntimeError as exc:
            problems.append(exc)

    with GatewayThread() as gw:
        client = VoucherClient(_config(key_config, gw.base_url), hooks=Hooks(on_request=hook))
        holder["client"] = client
        with client:
            assert client.query(ACTIVITY).activity_id == ACTIVITY
    assert problems and "running the client's own loop" in str(problems[0])


# --------------------------------------------------------------------------- delegation


def _public_coroutines(cls: type) -> set[str]:
    return {
        name
        for name, member in inspect.getmembers(cls, inspect.iscoroutinefunction)
        if not name.startswith("_") and name != "aclose"
    }


def test_every_async_operation_has_a_blocking_twin() -> None:
    names = _public_coroutines(AsyncVoucherClient)
    assert names >= {"create", "publish", "send", "modify", "append", "stop", "query", "request"}
    for name in names:
        twin = getattr(VoucherClient, name)
        assert not inspect.iscoroutinefunction(twin)
        assert inspect.signature(twin) == inspect.signature(getattr(AsyncVoucherClient, name))
        assert twin.__qualname__ == f"VoucherClient.{name}"
        assert twin.__doc__.startswith(f"Blocking twin of :meth:`AsyncVoucherClient.{name}`")


def test_blocking_makes_any_new_async_method_blocking(
    key_config: AlipayConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What adding a method to both clients looks like."""

    async def send_all(self: AsyncVoucherClient, requests: list[dict[str, Any]]) -> list[str]:
        results = await asyncio.gather(*(self.send(r) for r in requests))
        return [str(r.voucher_id) for r in results]

    monkeypatch.setattr(AsyncVoucherClient, "send_all", send_all, raising=False)
    monkeypatch.setattr(VoucherClient, "send_all", blocking(send_all), raising=False)
    with GatewayThread() as gw, VoucherClient(_config(key_config, gw.base_url)) as client:
        ids = client.send_all([SEND, SEND, SEND])  # type: ignore[attr-defined]
    assert ids == ["2021072600073002785300065Q39"] * 3
    assert len(gw.for_path("send")) == 3


def test_a_subclassed_async_client_is_what_runs(key_config: AlipayConfig) -> None:
    calls: list[str] = []

    class Audited(AsyncVoucherClient):
        async def query(self, *args: Any, **kwargs: Any) -> Any:
            calls.append("query")
            return await super().query(*args, **kwargs)

    class AuditedSync(VoucherClient):
        _async_class = Audited

    with GatewayThread() as gw, AuditedSync(_config(key_config, gw.base_url)) as client:
        client.query(ACTIVITY)
    assert calls == ["query"]


def test_retry_override_reaches_the_async_client(key_config: AlipayConfig) -> None:
    policy = RetryPolicy.disabled()
    with VoucherClient(key_config, retry=policy) as client:
        assert client.retry_policy is policy
        assert "VoucherClient(app_id='2021000000000001'" in repr(client)


def _in_a_forked_child(action: Any) -> str:
    """Run ``action()`` in a forked child; what it raised (type and message), "ok", or
    "hung" when it has not finished after 30 s."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report and leave without running the parent's teardown
        try:
            action()
            outcome = "ok"
        except BaseException as exc:  # whatever it was, the test reads it
            outcome = f"{type(exc).__name__}: {exc}"
        os.write(write, outcome.encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        ready, _, _ = select.select([pipe], [], [], 30)
        if not ready:  # the child hangs: that is the failure shown, not a stuck suite
            os.kill(pid, signal.SIGKILL)
        outcome = pipe.read() if ready else "hung"
    os.waitpid(pid, 0)
    return outcome


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX only")
@pytest.mark.filterwarnings("ignore:.*fork.*:DeprecationWarning")
def test_a_forked_child_is_told_to_make_its_own_client(key_config: AlipayConfig) -> None:
    # A client used before a fork (created at import time in a pre-forking server) has
    # its loop thread in the parent only: the child used to wait forever on it.
    with GatewayThread() as gw, VoucherClient(_config(key_config, gw.base_url)) as client:
        assert client.query(ACTIVITY).activity_id == ACTIVITY
        outcome = _in_a_forked_child(lambda: client.query(ACTIVITY))
        assert outcome.startswith("ClientClosedError: "), outcome
        assert "create the client in this process" in outcome
        assert _in_a_forked_child(client.close) == "ok"  # and closing it there is quiet
        assert client.query(ACTIVITY).activity_id == ACTIVITY  # the parent's is untouched


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX only")
@pytest.mark.filterwarnings("ignore:.*fork.*:DeprecationWarning")
def test_a_client_first_used_in_the_forked_child_works_there(key_config: AlipayConfig) -> None:
    with GatewayThread() as gw:
        client = VoucherClient(_config(key_config, gw.base_url))

        def use() -> None:
            with client:
                assert client.query(ACTIVITY).activity_id == ACTIVITY

        assert _in_a_forked_child(use) == "ok"
        client.close()
