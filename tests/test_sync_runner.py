"""How the blocking client runs its loop: one loop thread per client, started by the
first call and joined by close(); threads sharing a client stay concurrent, a thread
inside a running loop is served too, interrupts and close() from anywhere leave nothing
stuck, and the connection pool notices connections the server closed between calls.

These are behaviour checks on a loopback server, not benchmarks: where time is asserted
the margins are wide (the machine may be loaded)."""

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
from tests.clients import FAST_RETRY, FakeAlipay, GatewayThread, Hang, Reply, error
from tests.signals import interrupt_main_after

ACTIVITY = "2016042700826004508401111111"
SEND = {"activity_id": ACTIVITY, "user_id": "2088512417841101"}
QUERY_PATH = "/v3/alipay/marketing/activity/voucher/query"


def _config(base: AlipayConfig, server: FakeAlipay, **changes: Any) -> AlipayConfig:
    changes.setdefault("retry", FAST_RETRY)
    changes.setdefault("timeout", 5.0)
    return base.with_options(base_url=server.base_url, **changes)


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


def test_threads_sharing_a_client_overlap(key_config: AlipayConfig) -> None:
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
    with (
        GatewayThread() as gw,
        VoucherClient(_config(key_config, gw), hooks=hooks) as client,
    ):
        client.query(ACTIVITY)  # warm: the loop and a first connection exist
        gw.script("query", *[Reply(delay=delay)] * (threads * calls))
        workers: set[int] = set()

        def worker(_: int) -> list[object]:
            workers.add(threading.get_ident())
            return [client.query(ACTIVITY).activity_id for _ in range(calls)]

        with concurrent.futures.ThreadPoolExecutor(threads) as pool:
            results = list(pool.map(worker, range(threads)))
        assert _pending_tasks(client) == set()
    # Overlap shown by structure, not by the clock: each answer is held for 50 ms, so
    # calls that ran one after another would never have two requests in flight.
    assert most_in_flight >= 2, f"at most {most_in_flight} request(s) in flight"
    assert in_flight == 0
    assert all(r == [ACTIVITY] * calls for r in results)
    # Hooks ran on the client's one loop thread, none of the callers'.
    assert len(seen) == 1 and not seen & (workers | {threading.get_ident()})


def test_errors_keep_their_types_across_threads(key_config: AlipayConfig) -> None:
    with GatewayThread() as gw, VoucherClient(_config(key_config, gw)) as client:
        gw.script("send", *[error(400, "BUDGET_NOT_ENOUGH", "no budget")] * 6)
        gw.script("query", *[Reply(delay=0.2)] * 2)

        def send() -> BaseException | None:
            try:
                client.send(SEND)
            except BaseException as exc:
                return exc
            return None

        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            slow = [pool.submit(client.query, ACTIVITY) for _ in range(2)]  # someone drives
            failures = list(pool.map(lambda _: send(), range(6)))
            assert [s.result().activity_id for s in slow] == [ACTIVITY, ACTIVITY]
    assert all(isinstance(f, APIError) and f.code == "BUDGET_NOT_ENOUGH" for f in failures)


def test_one_loop_thread_from_the_first_call_to_close(key_config: AlipayConfig) -> None:
    where: list[threading.Thread] = []
    with GatewayThread() as gw:
        client = VoucherClient(
            _config(key_config, gw),
            hooks=Hooks(on_request=lambda event: where.append(threading.current_thread())),
        )
        before = set(_loop_threads())
        with client:
            assert set(_loop_threads()) == before  # nothing started before the first call
            for _ in range(3):
                client.query(ACTIVITY)
            started = set(_loop_threads()) - before
            assert len(started) == 1
            (thread,) = started
            assert thread.daemon and "VoucherClient(app_id=" in thread.name
        assert not thread.is_alive()  # joined by close()
    assert where == [thread] * 3


# --------------------------------------------------------------------------- in a loop


async def test_from_inside_a_running_loop_while_other_threads_call(
    key_config: AlipayConfig,
) -> None:
    # Jupyter-like: this thread's loop is running and simply blocks while the client's
    # loop thread does the call; meanwhile plain threads use the client too.
    with GatewayThread() as gw:
        gw.script("query", *[Reply(delay=0.05)] * 20)
        client = VoucherClient(_config(key_config, gw))
        try:
            with concurrent.futures.ThreadPoolExecutor(3) as pool:
                others = [pool.submit(client.query, ACTIVITY) for _ in range(9)]
                mine = [client.query(ACTIVITY) for _ in range(3)]
                assert [o.result(timeout=30).activity_id for o in others] == [ACTIVITY] * 9
            assert [m.activity_id for m in mine] == [ACTIVITY] * 3
            gw.script("send", error(400, "BUDGET_NOT_ENOUGH", "no budget"))
            with pytest.raises(APIError) as caught:
                client.send(SEND)
            assert caught.value.code == "BUDGET_NOT_ENOUGH"
            thread = client._runner._thread
            assert thread is not None and thread.is_alive()
        finally:
            client.close()  # from inside the running loop too
        assert not thread.is_alive()
        assert client._runner._loop is not None and client._runner._loop.is_closed()


async def test_send_many_from_inside_a_running_loop(key_config: AlipayConfig) -> None:
    with GatewayThread() as gw, VoucherClient(_config(key_config, gw)) as client:
        users = [f"20885124178411{i:02d}" for i in range(6)]
        outcomes = list(client.send_many(ACTIVITY, users, concurrency=3))
    assert sorted(o.recipient.id for o in outcomes) == users
    assert all(o.ok for o in outcomes)


# --------------------------------------------------------------------------- iterators


def test_send_many_keeps_going_while_the_caller_handles_an_item(
    key_config: AlipayConfig,
) -> None:
    # Attempts time out after 0.6 s; answers take 0.3 s; the caller spends 1 s on the
    # first outcome while four requests are in flight. Their answers are read as they
    # come, not after the pause, when the loop would find their timers overdue too
    # (and every one of them would be retried as a timeout).
    users = [f"20885124178411{i:02d}" for i in range(8)]
    with GatewayThread() as gw:
        gw.script("send", *[Reply(delay=0.3)] * len(users))
        with VoucherClient(_config(key_config, gw, timeout=0.6)) as client:
            stream = client.send_many(ACTIVITY, users, concurrency=4)
            first = next(stream)
            time.sleep(1.0)  # the caller is busy; the other answers arrive meanwhile
            started = time.monotonic()
            rest = list(stream)
            drained = time.monotonic() - started
            assert _pending_tasks(client) == set()
    assert len(rest) == 7 and all(o.ok for o in [first, *rest])
    assert len(gw.for_path("send")) == len(users), "attempts were retried"
    assert drained < 0.25, f"the batch stood still while the caller was busy ({drained:.2f} s)"


def test_leaving_send_many_early_closes_the_generator_on_the_loop(
    key_config: AlipayConfig,
) -> None:
    users = [f"20885124178411{i:02d}" for i in range(40)]
    with GatewayThread() as gw, VoucherClient(_config(key_config, gw)) as client:
        gw.script("send", *[Reply(delay=0.05)] * len(users))
        for outcome in client.send_many(ACTIVITY, users, concurrency=4):
            assert outcome.ok
            break
        # The generator was closed there, cancelling its workers; nothing is left
        # running, nothing drives the loop, and the client goes on working.
        assert _pending_tasks(client) == set()
        assert client.query(ACTIVITY).activity_id == ACTIVITY
    assert len(gw.for_path("send")) < len(users)


# --------------------------------------------------------------------------- interrupts


def test_ctrl_c_while_driving_cancels_the_call_and_keeps_the_client(
    key_config: AlipayConfig, main_thread: None
) -> None:
    with GatewayThread() as gw, VoucherClient(_config(key_config, gw)) as client:
        client.query(ACTIVITY)
        gw.script("query", Hang(5.0))
        timer = interrupt_main_after(0.3)
        started = time.monotonic()
        with pytest.raises(KeyboardInterrupt):
            client.query(ACTIVITY)  # this thread waits for the loop thread
        timer.join()
        assert time.monotonic() - started < 3
        assert _pending_tasks(client) == set()  # cancelled on the loop, and unwound
        assert client.query(ACTIVITY).activity_id == ACTIVITY  # still usable


def test_ctrl_c_while_waiting_for_another_thread(
    key_config: AlipayConfig, main_thread: None
) -> None:
    with GatewayThread() as gw, VoucherClient(_config(key_config, gw)) as client:
        client.query(ACTIVITY)
        gw.script("query", Hang(1.0), Hang(5.0))
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            other = pool.submit(client.query, ACTIVITY)  # held for ~1 s
            while len(gw.received) < 2:
                time.sleep(0.01)
            timer = interrupt_main_after(0.3)
            with pytest.raises(KeyboardInterrupt):
                client.query(ACTIVITY)  # in flight next to `other`
            timer.join()
            assert other.result(timeout=10).activity_id == ACTIVITY
        assert _pending_tasks(client) == set()
        assert client.query(ACTIVITY).activity_id == ACTIVITY


def test_an_interrupt_raised_inside_the_call_keeps_the_client(key_config: AlipayConfig) -> None:
    # A KeyboardInterrupt surfacing inside the coroutine (here from a hook, as a signal
    # landing in the middle of a step would): it reaches the caller, and the loop is fine.
    armed = [True]

    def hook(event: RequestEvent) -> None:
        if armed:
            armed.clear()
            raise KeyboardInterrupt

    with (
        GatewayThread() as gw,
        VoucherClient(_config(key_config, gw), hooks=Hooks(on_request=hook)) as client,
    ):
        with pytest.raises(KeyboardInterrupt):
            client.query(ACTIVITY)
        assert _pending_tasks(client) == set()
        assert client.query(ACTIVITY).activity_id == ACTIVITY


# --------------------------------------------------------------------------- closing


def test_close_from_another_thread_ends_a_call_in_flight(key_config: AlipayConfig) -> None:
    with GatewayThread() as gw:
        client = VoucherClient(_config(key_config, gw))
        client.query(ACTIVITY)
        gw.script("query", Hang(10.0))
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            in_flight = pool.submit(client.query, ACTIVITY)
            while not gw.received or len(gw.received) < 2:
                time.sleep(0.01)
            started = time.monotonic()
            client.close()
            with pytest.raises(AlipayError):
                in_flight.result(timeout=10)
            assert time.monotonic() - started < 5
        loop = client._runner._loop
        assert loop is not None and loop.is_closed()
        with pytest.raises(ClientClosedError):
            client.query(ACTIVITY)


def test_close_from_another_thread_than_the_one_that_used_it(key_config: AlipayConfig) -> None:
    with GatewayThread() as gw:
        client = VoucherClient(_config(key_config, gw))
        assert _run_bounded(lambda: client.query(ACTIVITY)).activity_id == ACTIVITY
        session = client._async_client._transport._state.session
        _run_bounded(client.close)
        assert session is not None and session.closed and client.closed
        with pytest.raises(ClientClosedError):
            client.send(SEND)


def test_waiters_are_released_by_close(key_config: AlipayConfig) -> None:
    with GatewayThread() as gw:
        client = VoucherClient(_config(key_config, gw))
        client.query(ACTIVITY)
        gw.script("query", *[Hang(10.0)] * 4)
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            calls = [pool.submit(client.query, ACTIVITY) for _ in range(4)]
            while len(gw.received) < 5:
                time.sleep(0.01)
            _run_bounded(client.close)
            for call in calls:
                with pytest.raises(AlipayError):
                    call.result(timeout=10)


def test_an_unclosed_client_warns_and_is_closed_in_the_background(
    key_config: AlipayConfig,
) -> None:
    with GatewayThread() as gw:
        client = VoucherClient(_config(key_config, gw))
        client.query(ACTIVITY)
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
    key_config: AlipayConfig, action: str
) -> None:
    problems: list[BaseException] = []
    holder: dict[str, Any] = {}
    with GatewayThread() as gw:
        hooks = Hooks(on_response=_reentrant_hook(holder, problems, action))
        with VoucherClient(_config(key_config, gw), hooks=hooks) as client:
            holder["client"] = client
            assert _run_bounded(lambda: client.query(ACTIVITY)).activity_id == ACTIVITY
            assert not client.closed
    assert len(problems) == 1 and "running the client's own loop" in str(problems[0])


async def test_a_hook_calling_the_client_called_from_a_running_loop_gets_an_error(
    key_config: AlipayConfig,
) -> None:
    problems: list[BaseException] = []
    holder: dict[str, Any] = {}
    with GatewayThread() as gw:
        hooks = Hooks(on_request=_reentrant_hook(holder, problems, "call"))
        client = VoucherClient(_config(key_config, gw), hooks=hooks)
        holder["client"] = client
        try:
            assert client.query(ACTIVITY).activity_id == ACTIVITY
        finally:
            client.close()
    assert len(problems) == 1 and "running the client's own loop" in str(problems[0])


def test_an_async_hook_may_await_the_blocking_client_in_a_thread(
    key_config: AlipayConfig,
) -> None:
    # The loop is not blocked by an async hook, so work handed to another thread that
    # uses the same blocking client completes next to the call that awaits it.
    answers: list[object] = []
    holder: dict[str, VoucherClient] = {}

    async def hook(event: RequestEvent) -> None:
        if event.operation == "send":
            answer = await asyncio.to_thread(holder["client"].query, ACTIVITY)
            answers.append(answer.activity_id)

    with (
        GatewayThread() as gw,
        VoucherClient(_config(key_config, gw), hooks=Hooks(on_request=hook)) as client,
    ):
        holder["client"] = client
        assert _run_bounded(lambda: client.send(SEND)).voucher_id
    assert answers == [ACTIVITY]


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
