"""A loopback aiohttp.web server whose every answer is scripted by a test (hypothesis).

Each request takes the next :class:`Plan` from the queue and is answered with it,
either through aiohttp.web (``mode="web"``: any status, duplicated headers, any body)
or by writing bytes straight onto the socket (``mode="raw"``: framing faults such as a
Content-Length larger than the body, broken chunks, informational 1xx answers, header
bytes that are not UTF-8, a body dripped slowly, garbage instead of a status line).

Every plan knows, independently of the SDK, whether it is *genuine*: whether the body a
correct HTTP/1.1 client receives was really signed with Alipay's key, with exactly the
timestamp and nonce headers sent. That is the oracle of the ``test_hostile_*`` tests
(``tests/hostile_oracle.py``): a call may only succeed on a genuine 2xx answer, and its
result must be what that body says.
"""

from __future__ import annotations

import asyncio
import base64
import collections
from typing import Any

import attrs
from aiohttp import web
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from multidict import CIMultiDict

from alipay_voucher.credentials import load_public_key
from tests.loopback import LoopbackServer
from tests.vectors import KEYS

ALIPAY_PUBLIC_KEY = load_public_key(KEYS / "alipay_public_spki.pem")

_NO_BODY_STATUSES = frozenset({204, 304})
_INCOMPLETE_FAULTS = frozenset({"truncate", "bad_chunks", "garbage", "nothing", "huge_declared"})
_SIGNATURE_HEADERS = ("alipay-signature", "alipay-timestamp", "alipay-nonce")


def alipay_signed(signature: bytes, content: bytes) -> bool:
    """Whether ``signature`` (base64 text) is Alipay's signature over ``content``.

    Written against ``cryptography`` directly, so the oracle shares no code with the SDK.
    """
    try:
        raw = base64.b64decode(signature, validate=True)
    except ValueError:
        return False
    try:
        ALIPAY_PUBLIC_KEY.verify(raw, content, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


@attrs.frozen
class Plan:
    """One answer. ``headers`` are (name, value bytes) in the order written."""

    status: int
    body: bytes = b""
    headers: tuple[tuple[str, bytes], ...] = ()
    mode: str = "web"
    fault: str | None = None
    """raw mode only: close_delimited, chunked, bad_chunks, truncate, informational,
    trailing_junk, garbage, nothing, huge_declared (or None: plain Content-Length)."""
    delay: float = 0.0
    """Seconds before the first byte of the answer."""
    drip: bool = False
    """raw mode only: write the body in small pieces, pausing between them."""
    garbage: bytes = b""
    reason: bytes = b"Hostile"
    """raw mode only: the reason phrase of the status line."""
    clean: bool = False
    """A well-formed, correctly signed 2xx answer of the right shape: the call must succeed."""
    label: str = ""

    @property
    def framed_body(self) -> bytes | None:
        """The body a correct HTTP/1.1 client receives, or None when none arrives whole."""
        if self.fault in _INCOMPLETE_FAULTS:
            return None
        if self.status in _NO_BODY_STATUSES or self.status < 200:
            return b""
        return self.body

    def header_values(self, name: str) -> list[bytes]:
        """The values sent under ``name`` (case-insensitive), optional whitespace stripped."""
        lowered = name.lower()
        return [value.strip(b" \t") for key, value in self.headers if key.lower() == lowered]

    def single(self, name: str) -> bytes | None:
        """The one value of a header sent once (or repeated identically), else None."""
        values = set(self.header_values(name))
        return values.pop() if len(values) == 1 else None

    @property
    def genuine(self) -> bool:
        """Whether the received body carries Alipay's signature (the oracle)."""
        body = self.framed_body
        if body is None:
            return False
        parts = [self.single(name) for name in _SIGNATURE_HEADERS]
        signature, timestamp, nonce = parts
        if signature is None or timestamp is None or nonce is None:
            return False
        return alipay_signed(signature, timestamp + b"\n" + nonce + b"\n" + body + b"\n")


@attrs.define
class Exchange:
    """A request as received and the plan it was answered with."""

    request_id: str | None
    method: str
    target: str
    body: bytes
    plan: Plan
    done: bool = False


FALLBACK = Plan(status=599, body=b"no plan left", label="fallback")


class HostileServer(LoopbackServer):
    """The loopback server; ``queue`` the plans, then read ``exchanges``."""

    def __init__(self) -> None:
        self.queue: collections.deque[Plan] = collections.deque()
        self.exchanges: list[Exchange] = []

    def reset(self, plans: list[Plan]) -> None:
        self.queue = collections.deque(plans)
        self.exchanges = []

    def exchange_for(self, request_id: str | None) -> Exchange | None:
        """The exchange of the attempt sent with ``request_id`` (HTTP strips its ends)."""
        if request_id is None:
            return None
        for exchange in self.exchanges:
            if exchange.request_id == request_id.strip(" \t"):
                return exchange
        return None

    # ----------------------------------------------------------------- answering

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        plan = self.queue.popleft() if self.queue else FALLBACK
        exchange = Exchange(
            request.headers.get("alipay-request-id"),
            request.method,
            request.raw_path,
            body,
            plan,
        )
        self.exchanges.append(exchange)
        if plan.delay:
            await asyncio.sleep(plan.delay)
        if plan.mode == "web":
            headers: CIMultiDict[str] = CIMultiDict(
                (name, value.decode("utf-8")) for name, value in plan.headers
            )
            exchange.done = True
            return web.Response(status=plan.status, body=plan.body or None, headers=headers)
        await self._write_raw(request, plan)
        exchange.done = True
        # The answer is on the wire and the socket is closed: leave without letting
        # aiohttp write an answer of its own.
        raise asyncio.CancelledError

    async def _write_raw(self, request: web.Request, plan: Plan) -> None:
        transport = request.transport
        assert transport is not None
        fault = plan.fault
        if fault == "nothing":
            transport.close()
            return
        if fault == "garbage":
            transport.write(plan.garbage)
            transport.close()
            return
        head = b""
        if fault == "informational":
            head += b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
        head += f"HTTP/1.1 {plan.status} ".encode("ascii") + plan.reason + b"\r\n"
        for name, value in plan.headers:
            head += name.encode("ascii") + b": " + value + b"\r\n"
        body = plan.body
        if fault in ("chunked", "bad_chunks"):
            head += b"Transfer-Encoding: chunked\r\n"
        elif fault == "close_delimited":
            head += b"Connection: close\r\n"
        elif fault == "truncate":
            head += f"Content-Length: {len(body) + 1 + len(body) % 7}\r\n".encode("ascii")
        elif fault == "huge_declared":
            head += b"Content-Length: 1000000000000\r\n"
        else:
            head += f"Content-Length: {len(body)}\r\n".encode("ascii")
        transport.write(head + b"\r\n")
        if fault == "chunked":
            pieces = [body[i : i + 97] for i in range(0, len(body), 97)]
            payload = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces) + b"0\r\n\r\n"
        elif fault == "bad_chunks":
            payload = b"%x\r\n" % (len(body) + 5) + body + b"\r\nzz\r\n"
        else:
            payload = body
        if plan.drip:
            for start in range(0, len(payload), 64):
                if transport.is_closing():
                    return
                transport.write(payload[start : start + 64])
                await asyncio.sleep(0.005)
        elif payload:
            transport.write(payload)
        if fault == "trailing_junk":
            transport.write(plan.garbage)
        transport.close()


def describe(plan: Plan) -> dict[str, Any]:
    """A short, printable summary of a plan for assertion messages."""
    return {
        "label": plan.label,
        "status": plan.status,
        "mode": plan.mode,
        "fault": plan.fault,
        "delay": plan.delay,
        "drip": plan.drip,
        "genuine": plan.genuine,
        "headers": [(name, value[:60]) for name, value in plan.headers],
        "body": plan.body[:200] + (b"..." if len(plan.body) > 200 else b""),
        "body_size": len(plan.body),
    }
