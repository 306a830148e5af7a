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


async def run_minimum(
    setup: Setup, calls: int, concurrency: int, *, warmup: int, sign_in_thread: bool = False
) -> Result:
    async with Minimum(setup, sign_in_thread=sign_in_thread) as client:
        await drive(lambda i: client.send(body_for(i)), warmup, concurrency)
        return await drive(lambda i: client.send(body_for(i)), calls, concurrency)


def _check_sdk_result(result: Any) -> None:
    if not getattr(result, "voucher_id", None):
        raise RuntimeError(f"unexpected result {result!r}")


async def run_sdk(
    setup: Setup,
    calls: int,
    concurrency: int,
    *,
    warmup: int,
    client_options: dict[str, Any] | None = None,
) -> Result:
    from alipay_voucher.client import AsyncVoucherClient

    config = make_config(setup)
    async with AsyncVoucherClient(config, **(client_options or {})) as client:

        async def one(i: int) -> None:
            _check_sdk_result(await client.send(body_for(i)))

        await drive(one, warmup, concurrency)
        return await drive(one, calls, concurrency)


def run_sync_sequential(
    setup: Setup, calls: int, *, warmup: int, client_options: dict[str, Any] | None = None
) -> Result:
    """Blocking calls, one after another, through the sync facade."""
    from alipay_voucher.sync import VoucherClient

    client = VoucherClient(make_config(setup), **(client_options or {}))
    try:
        for i in range(warmup):
            client.send(body_for(i))
        errors = 0
        sample: str | None = None
        started, cpu = time.perf_counter(), time.process_time()
        for i in range(calls):
            try:
                _check_sdk_result(client.send(body_for(i)))
            except Exception as exc:
                errors += 1
                if sample is None:
                    sample = f"{type(exc).__name__}: {exc}"[:300]
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        return Result(calls, elapsed, errors, sample, cpu)
    finally:
        client.close()
