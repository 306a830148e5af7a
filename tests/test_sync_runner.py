"""How the blocking client runs its loop: one loop thread per client, started by the
first call and joined by close(); threads sharing a client stay concurrent, a thread
inside a running loop is served too, interrupts and close() from anywhere leave nothing
stuck, and the connection pool notices connections the server closed between calls.

These are behaviour checks against the sandbox in a thread (its ``delay`` fault holds
answers back), not benchmarks: where time is asserted the margins are wide (the machine
may be loaded). Connection reuse is counted on ``FakeAlipay``, which sees connections."""

from __future__ import annotations

import asyncio
import concurrent.futures
import gc
import threading
import time
from typing import Any

import pytest

from alipay_voucher._hooks import Hooks, RequestEvent, ResponseEvent
from alipay_voucher.config import AlipayConfig
from alipay_voucher.errors import AlipayError, APIError, ClientClosedError
from alipay_voucher.sync import VoucherClient
from alipay_voucher.testing import SandboxThread
from tests.campaigns import start_activity, users
from tests.clients import FAST_RETRY, FakeAlipay, GatewayThread, blocking_client
from tests.sandbox_log import SandboxRequests
from tests.signals import interrupt_main_after

ACTIVITY = "2016042700826004508401111111"
SEND = {"activity_id": ACTIVITY, "user_id": "2088512417841101"}
QUERY_PATH = "/v3/alipay/marketing/activity/voucher/query"


def _config(base: AlipayConfig, server: FakeAlipay, **changes: Any) -> AlipayConfig:
    changes.setdefault("retry", FAST_RETRY)
    changes.setdefault("timeout", 5.0)
    return base.with_options(base_url=server.base_url, **changes)


def _hold_answers(running: SandboxThread, seconds: float, count: int, operation: str) -> None:
    """Hold back the next ``count`` answers to ``operation`` for ``seconds`` each."""
    running.sandbox.faults.delay = seconds
    running.sandbox.faults.next("delay", count, operation=operation)


def _reached(running: SandboxThread) -> int:
    """How many held-back requests have reached the sandbox so far."""
    return len(running.sandbox.faults.log)


def _queries_held(
    running: SandboxThread,
    client: VoucherClient,
    activity_id: str,
    pool: concurrent.futures.Executor,
    count: int,
) -> list[concurrent.futures.Future[Any]]:
    """After one plain call (the client's loop and a connection exist), ``count``
    queries submitted to ``pool``, each answer held back 10 s: returned once all of them
    have reached the sandbox."""
    client.query(activity_id)
    _hold_answers(running, 10.0, count, "query")
    calls = [pool.submit(client.query, activity_id) for _ in range(count)]
    while _reached(running) < count:
        time.sleep(0.01)
    return calls


def _answered(running: SandboxThread, requests: SandboxRequests, operation: str) -> int:
    """How many ``operation`` requests the sandbox answered: read on its own loop, after
    whatever it was doing there (an answer is logged in the step that writes it)."""
    return running.call(lambda: len(requests(operation)))


@pytest.fixture
def exhausted(alipay_sandbox_thread: SandboxThread) -> str:
    """An active activity whose only voucher is issued: every send is BUDGET_NOT_ENOUGH."""
    activity_id = start_activity(alipay_sandbox_thread, 1)
    with blocking_client(alipay_sandbox_thread) as client:
        client.send({"activity_id": activity_id, "user_id": "2088000000000001"})
    return activity_id


def _run_bounded(target: Any, seconds: float = 20.0) -> Any:
    """Run ``target()`` in a thread; fail (instead of hanging the suite) if it hangs."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(target).result(timeout=seconds)


async def _other_tasks() -> set[asyncio.Task[Any]]:
    return asyncio.all_tasks() - {asyncio.current_task()}


def _pending_tasks(client: VoucherClient) -> set[asyncio.Task[Any]]:
    """The tasks on the client's loop besides the one asking: read on the loop itself,
    after everything already scheduled there has run."""
    return client._runner.run(_other_tasks())


def _loop_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.endswith(" loop")]


# --------------------------------------------------------------------------- threads


def test_threads_sharing_a_client_overlap(
    alipay_sandbox_thread: SandboxThread, thread_activity: str
) -> None:
    threads, calls, delay = 8, 20, 0.05
    seen: set[int] = set()
    lock = threading.Lock()
    in_flight = 0
    most_in_flight = 0

    def sent(event: RequestEvent) -> None:
        nonlocal in_flight, most_in_flight
        seen.add(threading.get_ident())
        with lock:
            in_flight += 1
            most_in_flight = max(most_in_flight, in_flight)

    def answered(event: ResponseEvent) -> None:
        nonlocal in_flight
        with lock:
            in_flight -= 1

    hooks = Hooks(on_request=sent, on_response=answered)
    with blocking_client(alipay_sandbox_thread, hooks=hooks) as client:
        client.query(thread_activity)  # warm: the loop and a first connection exist
        _hold_answers(alipay_sandbox_thread, delay, threads * calls, "query")
        workers: set[int] = set()

        def worker(_: int) -> list[object]:
            workers.add(threading.get_ident())
            return [client.query(thread_activity).activity_id for _ in range(calls)]

        with concurrent.futures.ThreadPoolExecutor(threads) as pool:
            results = list(pool.map(worker, range(threads)))
        assert _pending_tasks(client) == set()
    # Overlap shown by structure, not by the clock: each answer is held for 50 ms, so
    # calls that ran one after another would never have two requests in flight.
    assert most_in_flight >= 2, f"at most {most_in_flight} request(s) in flight"
    assert in_flight == 0
    assert all(r == [thread_activity] * calls for r in results)
    # Hooks ran on the client's one loop thread, none of the callers'.
    assert len(seen) == 1 and not seen & (workers | {threading.get_ident()})


def test_errors_keep_their_types_across_threads(
    alipay_sandbox_thread: SandboxThread, exhausted: str
) -> None:
    with blocking_client(alipay_sandbox_thread) as client:
        _hold_answers(alipay_sandbox_thread, 0.2, 2, "query")

        def send(user: str) -> BaseException | None:
            try:
                client.send({"activity_id": exhausted, "user_id": user})
            except BaseException as exc:
                return exc
            return None

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            slow = [pool.submit(client.query, exhausted) for _ in range(2)]  # someone drives
            failures = list(pool.map(send, users(6, start=2)))
            assert [s.result().activity_id for s in slow] == [exhausted, exhausted]
    assert all(isinstance(f, APIError) and f.code == "BUDGET_NOT_ENOUGH" for f in failures)


def test_one_loop_thread_from_the_first_call_to_close(
    alipay_sandbox_thread: SandboxThread, thread_activity: str
) -> None:
    where: list[threading.Thread] = []
    client = blocking_client(
        alipay_sandbox_thread,
        hooks=Hooks(on_request=lambda event: where.append(threading.current_thread())),
    )
    before = set(_loop_threads())
    with client:
        assert set(_loop_threads()) == before  # nothing started before the first call
        for _ in range(3):
            client.query(thread_activity)
        started = set(_loop_threads()) - before
        assert len(started) == 1
        (thread,) = started
        assert thread.daemon and "VoucherClient(app_id=" in thread.name
    assert not thread.is_alive()  # joined by close()
    assert where == [thread] * 3


# --------------------------------------------------------------------------- in a loop


async def test_from_inside_a_running_loop_while_other_threads_call(
    alipay_sandbox_thread: SandboxThread, exhausted: str
) -> None:
    # Jupyter-like: this thread's loop is running and simply blocks while the client's
    # loop thread does the call; meanwhile plain threads use the client too.
    _hold_answers(alipay_sandbox_thread, 0.05, 20, "query")
    client = blocking_client(alipay_sandbox_thread)
    try:
        with concurrent.futures.ThreadPoolExecutor(3) as pool:
            others = [pool.submit(client.query, exhausted) for _ in range(9)]
            mine = [client.query(exhausted) for _ in range(3)]
            assert [o.result(timeout=30).activity_id for o in others] == [exhausted] * 9
        assert [m.activity_id for m in mine] == [exhausted] * 3
        with pytest.raises(APIError) as caught:
            client.send({"activity_id": exhausted, "user_id": "2088000000000002"})
        assert caught.value.code == "BUDGET_NOT_ENOUGH"
        thread = client._runner._thread
        assert thread is not None and thread.is_alive()
    finally:
        client.close()  # from inside the running loop too
    assert not thread.is_alive()
    assert client._runner._loop is not None and client._runner._loop.is_closed()


async def test_send_many_from_inside_a_running_loop(
    alipay_sandbox_thread: SandboxThread, thread_activity: str
) -> None:
    recipients = users(6)
    with blocking_client(alipay_sandbox_thread) as client:
        outcomes = list(client.send_many(thread_activity, recipients, concurrency=3))
    assert sorted(o.recipient.id for o in outcomes) == recipients
    assert all(o.ok for o in outcomes)


# --------------------------------------------------------------------------- iterators


def test_send_many_keeps_going_while_the_caller_handles_an_item(
    alipay_sandbox_thread: SandboxThread, thread_activity: str, sandbox_requests: SandboxRequests
) -> None:
    # Attempts time out after 0.6 s; answers take 0.3 s; the caller spends 1 s on the
    # first outcome while four requests are in flight. Their answers are read as they
    # come, not after the pause, when the loop would find their timers overdue too
    # (and every one of them would be retried as a timeout).
    recipients = users(8)
    _hold_answers(alipay_sandbox_thread, 0.3, len(recipients), "send")
    config = alipay_sandbox_thread.sandbox.config(retry=FAST_RETRY, timeout=0.6)
    with VoucherClient(config) as client:
        stream = client.send_many(thread_activity, recipients, concurrency=4)
        first = next(stream)
        time.sleep(1.0)  # the caller is busy; the other answers arrive meanwhile
        started = time.monotonic()
        rest = list(stream)
        drained = time.monotonic() - started
        assert _pending_tasks(client) == set()
    assert len(rest) == 7 and all(o.ok for o in [first, *rest])
    sends = _answered(alipay_sandbox_thread, sandbox_requests, "send")
    assert sends == len(recipients), "attempts were retried"
    assert drained < 0.25, f"the batch stood still while the caller was busy ({drained:.2f} s)"


def test_leaving_send_many_early_closes_the_generator_on_the_loop(
    alipay_sandbox_thread: SandboxThread, thread_activity: str, sandbox_requests: SandboxRequests
) -> None:
    recipients = users(40)
    with blocking_client(alipay_sandbox_thread) as client:
        _hold_answers(alipay_sandbox_thread, 0.05, len(recipients), "send")
        for outcome in client.send_many(thread_activity, recipients, concurrency=4):
            assert outcome.ok
            break
        # The generator was closed there, cancelling its workers; nothing is left
        # running, nothing drives the loop, and the client goes on working.
        assert _pending_tasks(client) == set()
        assert client.query(thread_activity).activity_id == thread_activity
    assert _answered(alipay_sandbox_thread, sandbox_requests, "send") < len(recipients)


# --------------------------------------------------------------------------- interrupts


def test_ctrl_c_while_driving_cancels_the_call_and_keeps_the_client(
    alipay_sandbox_thread: SandboxThread, thread_activity: str, main_thread: None
) -> None:
    with blocking_client(alipay_sandbox_thread) as client:
        client.query(thread_activity)
        _hold_answers(alipay_sandbox_thread, 5.0, 1, "query")
        timer = interrupt_main_after(0.3)
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            client.query(thread_activity)  # this thread waits for the loop thread
        timer.join()
        assert time.monotonic() - started < 3
        assert _pending_tasks(client) == set()  # cancelled on the loop, and unwound
        assert client.query(thread_activity).activity_id == thread_activity  # still usable


def test_ctrl_c_while_waiting_for_another_thread(
    alipay_sandbox_thread: SandboxThread, thread_activity: str, main_thread: None
) -> None:
    with blocking_client(alipay_sandbox_thread) as client:
        client.query(thread_activity)
        _hold_answers(alipay_sandbox_thread, 2.0, 2, "query")
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            other = pool.submit(client.query, thread_activity)  # held for ~2 s
            while _reached(alipay_sandbox_thread) < 1:
                time.sleep(0.01)
            timer = interrupt_main_after(0.3)
            with pytest.raises(KeyboardInterrupt):
                client.query(thread_activity)  # in flight next to `other`
            timer.join()
            assert other.result(timeout=10).activity_id == thread_activity
        assert _pending_tasks(client) == set()
        assert client.query(thread_activity).activity_id == thread_activity


def test_an_interrupt_raised_inside_the_call_keeps_the_client(
    alipay_sandbox_thread: SandboxThread, thread_activity: str
) -> None:
    # A KeyboardInterrupt surfacing inside the coroutine (here from a hook, as a signal
    # landing in the middle of a step would): it reaches the caller, and the loop is fine.
    armed = [True]

    def hook(event: RequestEvent) -> None:
        if armed:
            armed.clear()
            raise KeyboardInterrupt

    with blocking_client(alipay_sandbox_thread, hooks=Hooks(on_request=hook)) as client:
        with pytest.raises(KeyboardInterrupt):
            client.query(thread_activity)
        assert _pending_tasks(client) == set()
        assert client.query(thread_activity).activity_id == thread_activity


# --------------------------------------------------------------------------- closing


def test_close_from_another_thread_ends_a_call_in_flight(
    alipay_sandbox_thread: SandboxThread, thread_activity: str
) -> None:
    client = blocking_client(alipay_sandbox_thread)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        (in_flight,) = _queries_held(alipay_sandbox_thread, client, thread_activity, pool, 1)
        started = time.monotonic()
        client.close()
        with pytest.raises(AlipayError):
            in_flight.result(timeout=10)
        assert time.monotonic() - started < 5
    loop = client._runner._loop
    assert loop is not None and loop.is_closed()
    with pytest.raises(ClientClosedError):
        client.query(thread_activity)


def test_close_from_another_thread_than_the_one_that_used_it(
    alipay_sandbox_thread: SandboxThread, thread_activity: str
) -> None:
    client = blocking_client(alipay_sandbox_thread)
    assert _run_bounded(lambda: client.query(thread_activity)).activity_id == thread_activity
    session = client._async_client._transport._state.session
    _run_bounded(client.close)
    assert session is not None and session.closed and client.closed
    with pytest.raises(ClientClosedError):
        client.send({"activity_id": thread_activity, "user_id": "2088512417841101"})


def test_waiters_are_released_by_close(
    alipay_sandbox_thread: SandboxThread, thread_activity: str
) -> None:
    client = blocking_client(alipay_sandbox_thread)
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        calls = _queries_held(alipay_sandbox_thread, client, thread_activity, pool, 4)
        _run_bounded(client.close)
        for call in calls:
            with pytest.raises(AlipayError):
                call.result(timeout=10)


def test_an_unclosed_client_warns_and_is_closed_in_the_background(
    alipay_sandbox_thread: SandboxThread, thread_activity: str
) -> None:
    client = blocking_client(alipay_sandbox_thread)
    client.query(thread_activity)
    runner = client._runner
    session = client._async_client._transport._state.session
    thread = runner._thread
    assert session is not None and thread is not None
    with pytest.warns(ResourceWarning, match=r"VoucherClient\(app_id=.*never closed"):
        del client
        gc.collect()
    thread.join(timeout=10)
    assert not thread.is_alive() and session.closed and not runner.running


# --------------------------------------------------------------------------- re-entrance


def _reentrant_hook(holder: dict[str, Any], problems: list[BaseException], action: str) -> Any:
    def hook(event: RequestEvent) -> None:
        if event.attempt != 1 or problems:
            return
        try:
            if action == "close":
                holder["client"].close()
            else:
                holder["client"].send(SEND)
        except RuntimeError as exc:
            problems.append(exc)

    return hook


@pytest.mark.parametrize("action", ["call", "close"])
def test_a_hook_calling_the_client_gets_an_error_not_a_hang(
    alipay_sandbox_thread: SandboxThread, thread_activity: str, action: str
) -> None:
    problems: list[BaseException] = []
    holder: dict[str, Any] = {}
    hooks = Hooks(on_response=_reentrant_hook(holder, problems, action))
    with blocking_client(alipay_sandbox_thread, hooks=hooks) as client:
        holder["client"] = client
        assert _run_bounded(lambda: client.query(thread_activity)).activity_id == thread_activity
        assert not client.closed
    assert len(problems) == 1 and "running the client's own loop" in str(problems[0])


async def test_a_hook_calling_the_client_called_from_a_running_loop_gets_an_error(
    alipay_sandbox_thread: SandboxThread, thread_activity: str
) -> None:
    problems: list[BaseException] = []
    holder: dict[str, Any] = {}
    hooks = Hooks(on_request=_reentrant_hook(holder, problems, "call"))
    client = blocking_client(alipay_sandbox_thread, hooks=hooks)
    holder["client"] = client
    try:
        assert client.query(thread_activity).activity_id == thread_activity
    finally:
        client.close()
    assert len(problems) == 1 and "running the client's own loop" in str(problems[0])


def test_an_async_hook_may_await_the_blocking_client_in_a_thread(
    alipay_sandbox_thread: SandboxThread, thread_activity: str
) -> None:
    # The loop is not blocked by an async hook, so work handed to another thread that
    # uses the same blocking client completes next to the call that awaits it.
    answers: list[object] = []
    holder: dict[str, VoucherClient] = {}

    async def hook(event: RequestEvent) -> None:
        if event.operation == "send":
            answer = await asyncio.to_thread(holder["client"].query, thread_activity)
            answers.append(answer.activity_id)

    with blocking_client(alipay_sandbox_thread, hooks=Hooks(on_request=hook)) as client:
        holder["client"] = client
        send = {"activity_id": thread_activity, "user_id": "2088512417841101"}
        assert _run_bounded(lambda: client.send(send)).voucher_id
    assert answers == [thread_activity]


# --------------------------------------------------------------------------- connections


class _ShortKeepAlive(FakeAlipay):
    """A gateway that closes idle kept-alive connections after ``keepalive`` seconds."""

    def __init__(self, keepalive: float) -> None:
        super().__init__()
        self.runner_options = {"keepalive_timeout": keepalive}


def test_sequential_calls_reuse_one_connection(key_config: AlipayConfig) -> None:
    with GatewayThread() as gw, VoucherClient(_config(key_config, gw)) as client:
        for _ in range(50):
            client.query(ACTIVITY)
    assert len(gw.received) == 50 and len(gw.connections) == 1


def test_a_connection_the_server_closed_between_calls_is_not_reused(
    key_config: AlipayConfig,
) -> None:
    # The server closes the idle connection between calls; the client must notice
    # before picking a connection, or a POST without out_biz_no would end as
    # "outcome unknown".
    gateway = GatewayThread()
    with gateway:
        loop = gateway._loop
        server = asyncio.run_coroutine_threadsafe(_ShortKeepAlive(0.2).start(), loop).result()
        try:
            with VoucherClient(_config(key_config, server, retry=FAST_RETRY)) as client:
                for _ in range(3):
                    answer = client.request(
                        "POST", "/v3/alipay/marketing/activity/voucher/stop", json={"x": 1}
                    )
                    assert answer.http_status == 200
                    time.sleep(0.5)  # the server closes the idle connection meanwhile
        finally:
            asyncio.run_coroutine_threadsafe(server.close(), loop).result()
    assert len(server.received) == 3 and len(server.connections) == 3
