"""Could an attempt have reached Alipay? The transport tells from the exception type
alone; these tests check that against real sockets, including the cases aiohttp's
timeouts make subtle, and how answers are read (declared length, chunked, compressed,
truncated, too large).
"""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import Callable

import aiohttp
import pytest

from alipay_voucher import protocol
from alipay_voucher.client import AsyncVoucherClient, GenericResponse
from alipay_voucher.config import AlipayConfig, RetryPolicy
from alipay_voucher.errors import OutcomeUnknownError, TransportError, TransportTimeoutError
from alipay_voucher.testing import Sandbox
from tests.clients import ALIPAY_SIGNER, FAST_RETRY, SandboxConfig
from tests.sandbox_log import SandboxRequests

ACTIVITY = "2016042700826004508401111111"
SEND = {"activity_id": ACTIVITY, "user_id": "2088512417841101"}


async def test_waiting_for_a_pooled_connection_is_a_connect_timeout(
    alipay_sandbox: Sandbox,
    sandbox_config: SandboxConfig,
    sandbox_requests: SandboxRequests,
    sandbox_activity: str,
) -> None:
    """ClientTimeout.connect also bounds the wait for a free connection: when it runs
    out there, nothing was sent, so a write is retried and ends in a plain timeout."""
    config = sandbox_config(connect_timeout=0.1, retry=FAST_RETRY)
    alipay_sandbox.faults.delay = 0.8
    alipay_sandbox.faults.next("delay")
    send = {**SEND, "activity_id": sandbox_activity}
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=1)) as session:
        client = AsyncVoucherClient(config, session=session)
        holder = asyncio.create_task(client.send({**send, "out_biz_no": "holds-the-pool"}))
        while not alipay_sandbox.faults.log:  # the holder reached the sandbox
            await asyncio.sleep(0.01)
        with pytest.raises(TransportTimeoutError) as caught:
            await client.send({**send, "out_biz_no": "waits"})
        assert "before a connection was made" in str(caught.value)
        assert isinstance(caught.value.__cause__, aiohttp.ConnectionTimeoutError)
        assert (await holder).voucher_id
        assert len(sandbox_requests("send")) == 1  # the three attempts never left
        await client.aclose()


async def test_timeout_while_waiting_for_the_answer_is_maybe(
    alipay_sandbox: Sandbox, sandbox_config: SandboxConfig
) -> None:
    """The request was written, then the attempt ran out: a write's outcome is unknown
    on the own session as on an injected one."""
    config = sandbox_config(timeout=0.2, retry=RetryPolicy.disabled())
    alipay_sandbox.faults.delay = 1
    alipay_sandbox.faults.next("delay")
    async with AsyncVoucherClient(config) as client:
        with pytest.raises(OutcomeUnknownError) as caught:
            await client.send({**SEND, "out_biz_no": "hung-1"})
    cause = caught.value.__cause__
    assert isinstance(cause, TransportTimeoutError)
    assert "before an answer arrived" in str(cause)
    # it reached the sandbox (whose answer is still held back), once
    assert [f.operation for f in alipay_sandbox.faults.log] == ["send"]


# --------------------------------------------------------------------------- raw answers


RawAnswer = Callable[[bytes], bytes]
"""Builds the bytes written back from the request body received."""


class RawServer:
    """A loopback HTTP/1.1 server that writes back exactly the bytes it is told to, then
    closes the connection (to produce framing aiohttp.web would not)."""

    def __init__(self, answer: RawAnswer) -> None:
        self.answer = answer
        self.requests = 0
        self.base_url = ""
        self._server: asyncio.base_events.Server | None = None

    async def __aenter__(self) -> RawServer:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.decode("latin-1").split("\r\n"):
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            body = await reader.readexactly(length)
            self.requests += 1
            writer.write(self.answer(body))
            await writer.drain()
        finally:
            writer.close()


def _response(
    status_line: bytes, headers: dict[str, str], payload: bytes, *, sign_over: bytes | None = None
) -> bytes:
    signed = protocol.sign_response(ALIPAY_SIGNER, payload if sign_over is None else sign_over)
    lines = [status_line, *(f"{k}: {v}".encode() for k, v in {**headers, **signed}.items())]
    return b"\r\n".join(lines) + b"\r\n\r\n" + payload


def _voucher(body: bytes) -> bytes:
    return json.dumps({"voucher_id": "v-" + json.loads(body)["out_biz_no"]}).encode()


def _chunked(data: bytes, size: int = 100) -> bytes:
    parts = [
        f"{len(data[i : i + size]):x}\r\n".encode() + data[i : i + size] + b"\r\n"
        for i in range(0, len(data), size)
    ]
    return b"".join(parts) + b"0\r\n\r\n"


async def _send_via(
    answer: RawAnswer, config: AlipayConfig, out_biz_no: str = "raw-1"
) -> GenericResponse:
    async with RawServer(answer) as server:
        config = config.with_options(base_url=server.base_url, retry=RetryPolicy.disabled())
        async with AsyncVoucherClient(config) as client:
            return await client.request(
                "POST",
                "/v3/alipay/marketing/activity/voucher/send",
                json={**SEND, "out_biz_no": out_biz_no},
            )


@pytest.mark.parametrize("framing", ["content-length", "chunked", "gzip", "gzip-chunked"])
async def test_answers_are_read_whole_in_every_framing(
    key_config: AlipayConfig, framing: str
) -> None:
    def answer(body: bytes) -> bytes:
        payload = _voucher(body)
        headers = {"Content-Type": "application/json", "Connection": "close"}
        wire = payload
        if framing.startswith("gzip"):
            headers["Content-Encoding"] = "gzip"
            wire = gzip.compress(payload)
        if framing.endswith("chunked"):
            headers["Transfer-Encoding"] = "chunked"
            return _response(b"HTTP/1.1 200 OK", headers, _chunked(wire), sign_over=payload)
        headers["Content-Length"] = str(len(wire))
        return _response(b"HTTP/1.1 200 OK", headers, wire, sign_over=payload)

    result = await _send_via(answer, key_config, "framed-1")
    assert result.payload == {"voucher_id": "v-framed-1"}


async def test_truncated_answer_of_declared_length_is_maybe(key_config: AlipayConfig) -> None:
    def answer(body: bytes) -> bytes:
        payload = _voucher(body)
        headers = {"Content-Type": "application/json", "Content-Length": str(len(payload) + 40)}
        return _response(b"HTTP/1.1 200 OK", headers, payload)  # 40 bytes short, then EOF

    with pytest.raises(OutcomeUnknownError) as caught:
        await _send_via(answer, key_config)
    assert type(caught.value.__cause__) is TransportError
    assert isinstance(caught.value.__cause__.__cause__, aiohttp.ClientPayloadError)


@pytest.mark.parametrize("framing", ["declared", "chunked", "gzip-declared", "gzip-chunked"])
async def test_answer_larger_than_the_limit_is_refused(
    key_config: AlipayConfig, framing: str
) -> None:
    """The limit holds for what is read after decompression, whatever was declared: a
    small compressed Content-Length does not let a large answer through."""
    limit = 1000
    big = json.dumps({"voucher_id": "v", "pad": "x" * 20 * limit}).encode()

    def answer(body: bytes) -> bytes:
        headers = {"Content-Type": "application/json", "Connection": "close"}
        wire = big
        if framing.startswith("gzip"):
            headers["Content-Encoding"] = "gzip"
            wire = gzip.compress(big)
            assert len(wire) < limit
        if framing.endswith("chunked"):
            headers["Transfer-Encoding"] = "chunked"
            return _response(b"HTTP/1.1 200 OK", headers, _chunked(wire), sign_over=big)
        headers["Content-Length"] = str(len(wire))
        return _response(b"HTTP/1.1 200 OK", headers, wire, sign_over=big)

    config = key_config.with_options(max_response_bytes=limit)
    with pytest.raises(OutcomeUnknownError) as caught:  # a 200 that could not be read
        await _send_via(answer, config)
    cause = caught.value.__cause__
    assert type(cause) is TransportError
    assert "max_response_bytes=1000" in str(cause)
