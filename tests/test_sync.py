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
from alipay_voucher.testing import SandboxThread
from alipay_voucher.transport import ClientClosedError
from tests.campaigns import holdings, start_activity, users
from tests.clients import FAST_RETRY, blocking_client
from tests.sandbox_log import SandboxRequests

ACTIVITY = "2016042700826004508401111111"
USER = "2088512417841101"


@pytest.fixture
def running(alipay_sandbox_thread: SandboxThread) -> SandboxThread:
    """The sandbox in a thread of its own: a blocking call from the test's thread (or
    from a coroutine on the test's loop) must not stop it from answering."""
    return alipay_sandbox_thread


def test_in_a_plain_script(running: SandboxThread, thread_activity: str) -> None:
    with blocking_client(running) as client:  # the sandbox checks every request's signature
        assert client.send({"activity_id": thread_activity, "user_id": USER}).voucher_id
        assert client.query(thread_activity).activity_status == "ACTIVE"
    assert client.closed


async def test_called_straight_from_a_coroutine_with_a_running_loop(
    running: SandboxThread, thread_activity: str
) -> None:
    # Like a Jupyter cell or an ASGI handler: this thread's loop is running, and the
    # blocking call simply blocks it while the client's loop thread does the work.
    assert asyncio.get_running_loop().is_running()
    client = blocking_client(running)
    try:
        result = client.query(thread_activity)
        assert result.activity_id == thread_activity
        assert result.http_status == 200
    finally:
        client.close()


def test_from_a_thread_running_its_own_loop(running: SandboxThread, thread_activity: str) -> None:
    outcome: list[Any] = []
    with blocking_client(running) as client:

        async def inside() -> None:
            outcome.append(
                client.send({"activity_id": thread_activity, "user_id": USER}).voucher_id
            )

        worker = threading.Thread(target=lambda: asyncio.run(inside()))
        worker.start()
        worker.join()
    assert outcome == holdings(running, thread_activity)[USER]


def test_shared_by_many_threads_over_one_session(
    running: SandboxThread, thread_activity: str, sandbox_requests: SandboxRequests
) -> None:
    with blocking_client(running) as client:
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda _: client.query(thread_activity), range(80)))
        assert {r.activity_id for r in results} == {thread_activity}
        session = client._async_client._transport._state.session
        assert session is not None and not session.closed
    assert session.closed
    # read on the sandbox's loop: every answer written there was logged there first
    assert running.call(lambda: len(sandbox_requests("query"))) == 80


def test_errors_keep_their_types(running: SandboxThread) -> None:
    single = start_activity(running, 1)
    with blocking_client(running) as client:
        client.send({"activity_id": single, "user_id": USER})
        with pytest.raises(APIError) as caught:  # its one voucher is gone
            client.send({"activity_id": single, "user_id": "2088000000000002"})
        assert caught.value.code == "BUDGET_NOT_ENOUGH" and caught.value.status == 400
        with pytest.raises(RequestValidationError):
            client.send({"activity_id": single})
        running.sandbox.faults.next("503", 3)
        with pytest.raises(OutcomeUnknownError) as unknown:
            client.send({"activity_id": single, "user_id": USER, "out_biz_no": "S-1"})
        assert unknown.value.out_biz_no == "S-1"


def test_close_closes_the_session_and_the_loop_and_ends_its_thread(
    running: SandboxThread, thread_activity: str
) -> None:
    before = threading.active_count()
    client = blocking_client(running)
    assert not client._runner.running  # nothing is started before the first call
    client.query(thread_activity)
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
        client.query(thread_activity)


def test_closing_an_unused_client_starts_nothing(key_config: AlipayConfig) -> None:
    before = threading.active_count()
    with VoucherClient(key_config) as client:
        pass
    assert client.closed and threading.active_count() == before


def test_calling_it_from_its_own_loop_thread_is_refused(
    running: SandboxThread, thread_activity: str
) -> None:
    problems: list[BaseException] = []
    holder: dict[str, VoucherClient] = {}

    def hook(event: RequestEvent) -> None:
        try:
            holder["client"].query(thread_activity)
        except RuntimeError as exc:
            problems.append(exc)

    client = blocking_client(running, hooks=Hooks(on_request=hook))
    holder["client"] = client
    with client:
        assert client.query(thread_activity).activity_id == thread_activity
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
    running: SandboxThread, thread_activity: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What adding a method to both clients looks like."""

    async def send_all(self: AsyncVoucherClient, requests: list[dict[str, Any]]) -> list[str]:
        results = await asyncio.gather(*(self.send(r) for r in requests))
        return [str(r.voucher_id) for r in results]

    monkeypatch.setattr(AsyncVoucherClient, "send_all", send_all, raising=False)
    monkeypatch.setattr(VoucherClient, "send_all", blocking(send_all), raising=False)
    recipients = users(3)
    with blocking_client(running) as client:
        ids = client.send_all(  # type: ignore[attr-defined]
            [{"activity_id": thread_activity, "user_id": user} for user in recipients]
        )
    held = holdings(running, thread_activity)
    assert ids == [held[user][0] for user in recipients]
    assert len(set(ids)) == 3


def test_a_subclassed_async_client_is_what_runs(
    running: SandboxThread, thread_activity: str
) -> None:
    calls: list[str] = []

    class Audited(AsyncVoucherClient):
        async def query(self, *args: Any, **kwargs: Any) -> Any:
            calls.append("query")
            return await super().query(*args, **kwargs)

    class AuditedSync(VoucherClient):
        _async_class = Audited

    with AuditedSync(running.sandbox.config(retry=FAST_RETRY)) as client:
        client.query(thread_activity)
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
def test_a_forked_child_is_told_to_make_its_own_client(
    running: SandboxThread, thread_activity: str
) -> None:
    # A client used before a fork (created at import time in a pre-forking server) has
    # its loop thread in the parent only: the child used to wait forever on it.
    with blocking_client(running) as client:
        assert client.query(thread_activity).activity_id == thread_activity
        outcome = _in_a_forked_child(lambda: client.query(thread_activity))
        assert outcome.startswith("ClientClosedError: "), outcome
        assert "create the client in this process" in outcome
        assert _in_a_forked_child(client.close) == "ok"  # and closing it there is quiet
        assert (
            client.query(thread_activity).activity_id == thread_activity
        )  # the parent's is untouched


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX only")
@pytest.mark.filterwarnings("ignore:.*fork.*:DeprecationWarning")
def test_a_client_first_used_in_the_forked_child_works_there(
    running: SandboxThread, thread_activity: str
) -> None:
    client = blocking_client(running)

    def use() -> None:
        with client:
            assert client.query(thread_activity).activity_id == thread_activity

    assert _in_a_forked_child(use) == "ok"
    client.close()
