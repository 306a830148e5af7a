"""The Python contenders of the throughput and memory benchmarks, and the loop that drives them.

Kept apart from ``bench_throughput.py`` because the memory run executes them again in
a fresh child process (``benchmarks/_memory.py``), where the resident set is not
polluted by whatever the other contenders left behind.

``Minimum`` is the yardstick: the work the protocol forces on a ``send`` call, written
by hand with aiohttp and cryptography and nothing of this SDK in the hot path. It
builds the same headers and body bytes the SDK sends, makes the one RSA signature,
sends, reads, checks the one response signature and parses the JSON. Whatever the SDK
costs beyond it is the SDK's overhead.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import aiohttp
import attrs
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from yarl import URL

SEND_PATH = "/v3/alipay/marketing/activity/voucher/send"
BODY: dict[str, str] = {
    "activity_id": "2016042700826004508401111111",
    "out_biz_no": "bench-send",
    "user_id": "2088102000000001",
    "merchant_access_mode": "SELF_MODE",
}
ANSWER = b'{"voucher_id":"2024060100073002214009f8qhr3"}'


def body_for(i: int) -> dict[str, str]:
    """The i-th request: a distinct ``out_biz_no`` per call, as real traffic has."""
    return {**BODY, "out_biz_no": f"{BODY['out_biz_no']}-{i}"}


@attrs.frozen
class Setup:
    """What every contender needs: where the server is and the two keys (PEM text)."""

    base_url: str
    app_id: str
    app_private_pem: str = attrs.field(repr=False)
    alipay_public_pem: str = attrs.field(repr=False)


@attrs.frozen
class Result:
    calls: int
    seconds: float
    errors: int = 0
    error_sample: str | None = None
    cpu_seconds: float | None = None
    """CPU time of the client process (all its threads) over the timed calls."""

    @property
    def rate(self) -> float:
        return self.calls / self.seconds if self.seconds else 0.0

    @property
    def cpu_per_call(self) -> float | None:
        return self.cpu_seconds / self.calls if self.cpu_seconds is not None else None


async def drive(call: Callable[[int], Awaitable[Any]], calls: int, concurrency: int) -> Result:
    """Run ``calls`` calls with exactly ``concurrency`` in flight; count failures."""
    next_index = 0
    errors = 0
    sample: str | None = None

    async def worker() -> None:
        nonlocal next_index, errors, sample
        while next_index < calls:
            i = next_index
            next_index += 1
            try:
                await call(i)
            except Exception as exc:  # every failure counts; the first one is shown
                errors += 1
                if sample is None:
                    sample = f"{type(exc).__name__}: {exc}"[:300]

    started, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return Result(calls, elapsed, errors, sample, cpu)


class Minimum:
    """The hand-written minimum: one signature, one HTTP exchange, one verification.

    ``sign_in_thread`` moves the RSA signature to a small thread pool; cryptography
    releases the GIL while OpenSSL works, so on two or more cores signing overlaps
    with the event loop's own work.
    """

    def __init__(self, setup: Setup, *, sign_in_thread: bool = False) -> None:
        key = serialization.load_pem_private_key(setup.app_private_pem.encode(), None)
        public = serialization.load_pem_public_key(setup.alipay_public_pem.encode())
        assert isinstance(key, rsa.RSAPrivateKey) and isinstance(public, rsa.RSAPublicKey)
        self._key = key
        self._public = public
        self._app_id = setup.app_id
        self._url = URL(setup.base_url + SEND_PATH, encoded=True)
        self._padding = padding.PKCS1v15()
        self._sha256 = hashes.SHA256()
        self._executor = ThreadPoolExecutor(2) if sign_in_thread else None
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> Minimum:
        self._session = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._session is not None:
            await self._session.close()
        if self._executor is not None:
            self._executor.shutdown()

    def _sign(self, content: bytes) -> bytes:
        return self._key.sign(content, self._padding, self._sha256)

    async def send(self, payload: dict[str, Any]) -> dict[str, Any]:
        assert self._session is not None
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        nonce = str(uuid.uuid4())
        timestamp = str(time.time_ns() // 1_000_000)
        auth = f"app_id={self._app_id},nonce={nonce},timestamp={timestamp}"
        content = f"{auth}\nPOST\n{SEND_PATH}\n{body}\n".encode()
        if self._executor is None:
            raw_signature = self._sign(content)
        else:
            loop = asyncio.get_running_loop()
            raw_signature = await loop.run_in_executor(self._executor, self._sign, content)
        signature = base64.b64encode(raw_signature).decode("ascii")
        headers = {
            "User-Agent": "bench-minimum",
            "alipay-request-id": uuid.uuid4().hex,
            "Accept": "application/json",
            "Content-Type": "application/json",
            "Authorization": f"ALIPAY-SHA256withRSA {auth},sign={signature}",
        }
        async with self._session.post(self._url, data=body.encode(), headers=headers) as resp:
            raw = await resp.read()
            status = resp.status
            answer_headers = resp.headers
        if status != 200:
            raise RuntimeError(f"HTTP {status}")
        signed = (
            f"{answer_headers['alipay-timestamp']}\n{answer_headers['alipay-nonce']}\n".encode()
            + raw
            + b"\n"
        )
        try:
            self._public.verify(
                base64.b64decode(answer_headers["alipay-signature"]),
                signed,
                self._padding,
                self._sha256,
            )
        except InvalidSignature:
            raise RuntimeError("response signature does not verify") from None
        result: dict[str, Any] = json.loads(raw)
        if "voucher_id" not in result:
            raise RuntimeError("no voucher_id in the answer")
        return result


def make_config(setup: Setup) -> Any:
    """The SDK's config for the local server, built exactly as a user would."""
    from alipay_voucher.config import AlipayConfig

    return AlipayConfig.key_mode(
        app_id=setup.app_id,
        private_key=setup.app_private_pem,
        alipay_public_key=setup.alipay_public_pem,
        base_url=setup.base_url,
    )


def client_available() -> bool:
    """Has the async client landed yet? (The benchmark is written ahead of it.)"""
    try:
        from alipay_voucher.client import AsyncVoucherClient  # noqa: F401
    except ImportError:
        return False
    return True


def sync_client_available() -> bool:
    try:
        from alipay_voucher.sync import VoucherClient  # noqa: F401
    except ImportError:
        return False
    return True


def _check_sdk_result(result: Any) -> None:
    if not getattr(result, "voucher_id", None):
        raise RuntimeError(f"unexpected result {result!r}")


def _drive_blocking(call: Callable[[int], object], calls: int) -> Result:
    """``drive`` for a blocking client: one call after another on this thread."""
    errors = 0
    sample: str | None = None
    started, cpu = time.perf_counter(), time.process_time()
    for i in range(calls):
        try:
            call(i)
        except Exception as exc:
            errors += 1
            if sample is None:
                sample = f"{type(exc).__name__}: {exc}"[:300]
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    return Result(calls, elapsed, errors, sample, cpu)


@attrs.define
class _Tally:
    calls: int = 0
    seconds: float = 0.0
    cpu: float = 0.0
    errors: int = 0
    sample: str | None = None

    def add(self, result: Result) -> None:
        self.calls += result.calls
        self.seconds += result.seconds
        self.cpu += result.cpu_seconds or 0.0
        self.errors += result.errors
        self.sample = self.sample or result.error_sample

    def result(self) -> Result:
        return Result(self.calls, self.seconds, self.errors, self.sample, self.cpu)


class Group:
    """Contenders that are compared with each other, measured in interleaved blocks.

    Why blocks: this benchmark runs on shared machines where other work comes and goes.
    Running contender X for ten seconds and then Y for ten seconds lets a burst of
    foreign load land on one of them only; alternating short blocks (in a rotating
    order) makes every contender see the same conditions, so their *ratio* stays
    honest even when the absolute numbers wobble. All async clients live on one event
    loop owned by the group; the sync client runs its own loop thread, as it would in
    an application, and is called from this thread between async blocks.
    """

    def __init__(self, setup: Setup) -> None:
        self.setup = setup
        self.loop = asyncio.new_event_loop()
        self._contenders: dict[str, tuple[bool, Callable[[int], Any]]] = {}
        self._closers: list[Callable[[], None]] = []

    def add_minimum(self, name: str, *, sign_in_thread: bool = False) -> None:
        client = Minimum(self.setup, sign_in_thread=sign_in_thread)
        self.loop.run_until_complete(client.__aenter__())
        self._closers.append(lambda: self.loop.run_until_complete(client.__aexit__()))
        self._contenders[name] = (True, lambda i: client.send(body_for(i)))

    def add_sdk(self, name: str, **options: Any) -> None:
        from alipay_voucher.client import AsyncVoucherClient

        client = AsyncVoucherClient(make_config(self.setup), **options)
        self._closers.append(lambda: self.loop.run_until_complete(client.aclose()))

        async def one(i: int) -> None:
            _check_sdk_result(await client.send(body_for(i)))

        self._contenders[name] = (True, one)

    def add_sync_sdk(self, name: str, **options: Any) -> None:
        from alipay_voucher.sync import VoucherClient

        client = VoucherClient(make_config(self.setup), **options)
        self._closers.append(client.close)
        self._contenders[name] = (False, lambda i: _check_sdk_result(client.send(body_for(i))))

    def _run(self, name: str, first: int, calls: int, concurrency: int) -> Result:
        is_async, call = self._contenders[name]
        if is_async:
            return self.loop.run_until_complete(
                drive(lambda i: call(first + i), calls, concurrency)
            )
        assert concurrency == 1, "the blocking client is measured one call at a time"
        return _drive_blocking(lambda i: call(first + i), calls)

    def measure(
        self, calls: int, concurrency: int, *, block: int, warmup: int
    ) -> dict[str, Result]:
        """Warm every contender up, then run ``calls`` calls each in rotating blocks."""
        names = list(self._contenders)
        tallies = {name: _Tally() for name in names}
        for name in names:
            warm = self._run(name, 10_000_000, warmup, concurrency)
            tallies[name].errors += warm.errors
            tallies[name].sample = warm.error_sample
        done = 0
        turn = 0
        while done < calls:
            size = min(block, calls - done)
            order = names[turn % len(names) :] + names[: turn % len(names)]
            for name in order:
                tallies[name].add(self._run(name, done, size, concurrency))
            done += size
            turn += 1
        return {name: tally.result() for name, tally in tallies.items()}

    def close(self) -> None:
        for closer in reversed(self._closers):
            closer()
        self.loop.close()

    def __enter__(self) -> Group:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
