"""Shared test helpers for the client layers.

* :class:`FakeAlipay`: a scripted loopback gateway, for what the sandbox must not do
  (see its docstring). A client test runs against the sandbox (``alipay_sandbox``,
  ``alipay_sandbox_thread``, the ``sandbox_*`` fixtures in ``conftest.py``) whenever
  the sandbox, its state or its faults can give the answer.
* :class:`Driver`: one client under test, async or blocking, behind the ``make_client``
  fixture (``conftest.py``) that runs a client test against both
  :class:`AsyncVoucherClient` and :class:`VoucherClient`. ``call`` is awaitable in both
  cases; the blocking client is driven from a worker thread via ``asyncio.to_thread``
  so the gateway keeps running on the test's loop.
"""

from __future__ import annotations

import asyncio
import collections
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping
from typing import Any, Literal, Protocol

import attrs
from aiohttp import web

from alipay_voucher import aes, protocol
from alipay_voucher.batch import SendOutcome
from alipay_voucher.client import AsyncVoucherClient
from alipay_voucher.config import AlipayConfig, RetryPolicy
from alipay_voucher.credentials import RSAKeySigner, load_private_key, load_public_key
from alipay_voucher.sync import VoucherClient
from alipay_voucher.testing import SandboxThread
from tests.loopback import LoopbackServer
from tests.vectors import APP_ID, KEYS

APP_PUBLIC_KEY = load_public_key(KEYS / "app_public_spki.pem")
ALIPAY_SIGNER = RSAKeySigner(load_private_key(KEYS / "alipay_private_pkcs1.pem"))
VOUCHER_PATH = "/v3/alipay/marketing/activity/voucher/"

FAST_RETRY = RetryPolicy(max_attempts=3, initial_backoff=0.001, max_backoff=0.004, deadline=10)


# --------------------------------------------------------------------------- replies


@attrs.frozen
class Reply:
    """One scripted answer. ``payload`` is JSON-encoded unless ``raw`` is given."""

    status: int = 200
    payload: Mapping[str, Any] | None = None
    raw: bytes | None = None
    headers: Mapping[str, str] = attrs.field(factory=dict)
    sign: bool = True
    tamper: bool = False
    delay: float = 0.0


@attrs.frozen
class Drop:
    """Read the request, then close the connection without answering."""

    delay: float = 0.0


@attrs.frozen
class Hang:
    """Read the request, then answer only after ``seconds`` (to trigger timeouts)."""

    seconds: float


Behaviour = Reply | Drop | Hang


def error(status: int, code: str, message: str = "failed", **headers: str) -> Reply:
    """An error answer shaped like the gateway's (unsigned, as observed)."""
    return Reply(
        status=status, payload={"code": code, "message": message}, sign=False, headers=headers
    )


@attrs.frozen
class Received:
    """A request as the fake gateway saw it."""

    method: str
    target: str
    headers: Mapping[str, str]
    body: bytes
    verified: bool
    auth: protocol.AuthInfo | None
    json: Any
    peer: Any
    at: float = 0.0

    @property
    def request_id(self) -> str | None:
        return self.headers.get("alipay-request-id")

    @property
    def path(self) -> str:
        return self.target.partition("?")[0]


# --------------------------------------------------------------------------- the server


def default_payload(operation: str, body: Any) -> dict[str, Any]:
    if operation == "create":
        return {"activity_id": "2016042700826004508401111111"}
    if operation == "send":
        return {"voucher_id": "2021072600073002785300065Q39"}
    if operation in ("publish", "append"):
        return {"recharge_url": "https://voucherprod.alipay.com/coupon/templatepayment.htm"}
    if operation == "query":
        return {
            "activity_id": "2016042700826004508401111111",
            "activity_name": "满10减1活动",
            "activity_status": "ACTIVE",
            "voucher_inventory_info": {"send_count": 3, "use_count": 1},
        }
    return {}


class FakeAlipay(LoopbackServer):
    """A loopback gateway that answers whatever a test scripts, and records every request.

    It checks each request's signature with the vectors' app key exactly as received
    (request-target and body bytes) and answers with scripted replies signed with the
    vectors' Alipay key (AES-encrypted when the request was). ``script(path_suffix,
    *behaviours)`` queues replies for a path (``"send"`` or a full path); when the queue
    is empty a default, signed 200 answer is given, whatever the request asked.

    It exists for two kinds of test, and only for them:

    * tests that read the request as it went out: body bytes, headers (tokens,
      encryption, content type), the request-target, signatures and nonces across
      retries, arrival times, which connection carried it (``received``,
      ``connections``);
    * tests of answers the sandbox must not give: a signed 2xx that names no new id, or
      holds malformed JSON, wrong-typed fields or undecryptable text; an unsigned 2xx; a
      tampered signature on a chosen answer; a redirect; an oversized raw body; an error
      with a chosen code and message (one echoing a token or a user id), a 403/404/409,
      a 429 or 5xx with ``Retry-After``, a 5xx with a chosen code; any answer for a path
      outside the voucher API.

    The sandbox must not produce these because users test their own code against it as
    the gateway: every answer it gives is one Alipay could give, derived from its state
    and signed with its key, and its faults are what a network or a load balancer does.
    An answer scripted to order would let a user's test pass against something that
    never happens, or contradict the sandbox's own record. Nor does it keep requests:
    its access log (``tests/sandbox_log.py``) says what it answered.
    """

    def __init__(
        self,
        *,
        alipay_sn: str | None = None,
        aes_key: aes.AESKey | None = None,
        app_auth_token: str | None = None,
    ) -> None:
        self.alipay_sn = alipay_sn
        self.aes_key = aes_key
        self.received: list[Received] = []
        self.connections: set[Any] = set()
        self._scripts: dict[str, collections.deque[Behaviour]] = collections.defaultdict(
            collections.deque
        )
        self.trace_counter = 0

    def script(self, path: str, *behaviours: Behaviour) -> None:
        full = path if path.startswith("/") else VOUCHER_PATH + path
        self._scripts[full].extend(behaviours)

    # ----------------------------------------------------------------- handling

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        target = request.raw_path
        headers = {k.lower(): v for k, v in request.headers.items()}
        token = headers.get("alipay-app-auth-token")
        try:
            auth: protocol.AuthInfo | None = protocol.parse_authorization(
                headers.get("authorization")
            )
        except ValueError:
            auth = None
        verified = auth is not None and protocol.verify_request_signature(
            APP_PUBLIC_KEY, auth, request.method, target, body, token
        )
        encrypted = headers.get("alipay-encrypt-type") == "AES"
        text = body.decode("utf-8", "replace")
        if encrypted and self.aes_key is not None and text:
            text = aes.decrypt(self.aes_key, text)
        try:
            parsed = json.loads(text) if text else None
        except ValueError:
            parsed = None
        peer = request.transport.get_extra_info("peername") if request.transport else None
        self.connections.add(peer)
        self.received.append(
            Received(
                request.method,
                target,
                headers,
                body,
                verified,
                auth,
                parsed,
                peer,
                time.monotonic(),
            )
        )

        if not verified:
            return self._answer(error(401, "invalid-signature", "bad request signature"), False)
        queue = self._scripts.get(request.path)
        behaviour: Behaviour = queue.popleft() if queue else Reply()
        if isinstance(behaviour, Drop):
            await asyncio.sleep(behaviour.delay)
            assert request.transport is not None
            request.transport.abort()
            return web.Response()  # never written: the connection is gone
        if isinstance(behaviour, Hang):
            await asyncio.sleep(behaviour.seconds)
            behaviour = Reply()
        if behaviour.delay:
            await asyncio.sleep(behaviour.delay)
        if behaviour.payload is None and behaviour.raw is None and behaviour.status == 200:
            name = request.path.rpartition("/")[2]
            behaviour = attrs.evolve(behaviour, payload=default_payload(name, parsed))
        return self._answer(behaviour, encrypted)

    def _answer(self, reply: Reply, encrypted: bool) -> web.Response:
        if reply.raw is not None:
            body = reply.raw
            content_type = "application/json;charset=UTF-8"
        else:
            text = json.dumps(reply.payload or {}, ensure_ascii=False, separators=(",", ":"))
            if encrypted and self.aes_key is not None and 200 <= reply.status < 300:
                text = aes.encrypt(self.aes_key, text)
                content_type = "text/plain;charset=UTF-8"
            else:
                content_type = "application/json;charset=UTF-8"
            body = text.encode("utf-8")
        self.trace_counter += 1
        headers = {
            "alipay-trace-id": f"trace-{self.trace_counter:04d}",
            "Content-Type": content_type,
        }
        if reply.sign:
            signed = protocol.sign_response(ALIPAY_SIGNER, body, alipay_sn=self.alipay_sn)
            if reply.tamper:
                signed["alipay-signature"] = signed["alipay-signature"][:-8] + "AAAAAAA="
            headers.update(signed)
        headers.update(reply.headers)
        return web.Response(status=reply.status, body=body, headers=headers)

    # ----------------------------------------------------------------- queries

    def for_path(self, suffix: str) -> list[Received]:
        return [r for r in self.received if r.path.endswith("/" + suffix)]


class GatewayThread:
    """A :class:`FakeAlipay` on its own loop in its own thread, for tests whose own
    thread blocks (a blocking client called straight from a coroutine, a script)."""

    def __init__(self, **options: Any) -> None:
        self._options = options
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self.server: FakeAlipay | None = None

    def __enter__(self) -> FakeAlipay:
        self._thread.start()
        start = FakeAlipay(**self._options).start()
        self.server = asyncio.run_coroutine_threadsafe(start, self._loop).result()
        return self.server

    def __exit__(self, *exc: object) -> None:
        assert self.server is not None
        asyncio.run_coroutine_threadsafe(self.server.close(), self._loop).result()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def blocking_client(running: SandboxThread, **options: Any) -> VoucherClient:
    """A :class:`VoucherClient` for the sandbox of ``running`` (quick retries, a 5 s
    timeout); ``options`` go to the client (``hooks=`` ...)."""
    config = running.sandbox.config(retry=FAST_RETRY, timeout=5.0)
    return VoucherClient(config, **options)


def gateway_config(base: AlipayConfig, gateway: FakeAlipay, **changes: Any) -> AlipayConfig:
    changes.setdefault("retry", FAST_RETRY)
    changes.setdefault("timeout", 5.0)
    return base.with_options(base_url=gateway.base_url, **changes)


# --------------------------------------------------------------------------- the driver


class Driver:
    """One client under test, async or blocking; ``await driver.call(name, ...)``."""

    def __init__(self, kind: str, client: AsyncVoucherClient | VoucherClient) -> None:
        self.kind = kind
        self.client = client

    @property
    def async_client(self) -> AsyncVoucherClient:
        client = self.client
        return client if isinstance(client, AsyncVoucherClient) else client._async_client

    async def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        function = getattr(self.client, method)
        if self.kind == "async":
            return await function(*args, **kwargs)
        return await asyncio.to_thread(function, *args, **kwargs)

    @property
    def config(self) -> AlipayConfig:
        return self.client.config

    def send_many(self, *args: Any, **kwargs: Any) -> Outcomes:
        """``client.send_many(...)`` as an async iterator with ``aclose()``, either kind.

        The blocking client's iterator is stepped and closed from a worker thread, as a
        blocking caller steps it, so the test's loop keeps serving meanwhile.
        """
        if isinstance(self.client, AsyncVoucherClient):
            return self.client.send_many(*args, **kwargs)
        return _Stepped(self.client.send_many(*args, **kwargs))

    async def aclose(self) -> None:
        if isinstance(self.client, AsyncVoucherClient):
            await self.client.aclose()
        else:
            await asyncio.to_thread(self.client.close)


class Outcomes(Protocol):
    """What :meth:`Driver.send_many` returns for either client."""

    def __aiter__(self) -> AsyncIterator[SendOutcome]: ...

    def __anext__(self) -> Awaitable[SendOutcome]: ...

    async def aclose(self) -> None: ...


_END = object()


class _Stepped:
    """A blocking iterator stepped from worker threads: ``async for`` over it."""

    def __init__(self, iterator: Iterator[SendOutcome]) -> None:
        self._iterator = iterator

    def __aiter__(self) -> _Stepped:
        return self

    async def __anext__(self) -> SendOutcome:
        item = await asyncio.to_thread(next, self._iterator, _END)
        if item is _END:
            raise StopAsyncIteration
        assert isinstance(item, SendOutcome)
        return item

    async def aclose(self) -> None:
        close = getattr(self._iterator, "close", None)
        if close is not None:
            await asyncio.to_thread(close)


MakeClient = Callable[..., Driver]


class SandboxConfig(Protocol):
    """The ``sandbox_config`` fixture's factory (``conftest.py``)."""

    def __call__(
        self, mode: Literal["key", "cert"] = ..., encrypt: bool = ..., **changes: Any
    ) -> AlipayConfig: ...


__all__ = [
    "APP_ID",
    "FAST_RETRY",
    "Driver",
    "Drop",
    "FakeAlipay",
    "GatewayThread",
    "Hang",
    "Outcomes",
    "Received",
    "Reply",
    "SandboxConfig",
    "blocking_client",
    "error",
    "gateway_config",
    "unused_port",
]
