"""A deliberately tiny HTTP/1.1 keep-alive server that plays Alipay for the benchmarks.

Why not the sandbox gateway or aiohttp.web: the throughput benchmark measures what a
*client* costs, so the server must cost as little as possible and run in its own
process (on its own core), where it cannot steal time from the client being measured.
It is a raw ``asyncio.Protocol`` that parses just enough HTTP/1.1 (request line,
``Content-Length``, keep-alive) and answers every request with one canned response
whose Alipay signature was made once, up front, by the parent process with
``protocol.sign_response``. Every client measured (the hand-written loop, this SDK, the
official Node.js SDK) therefore verifies a genuinely valid signature.

It also keeps the contenders honest: the first request on every connection has its
``Authorization`` signature checked against the app's public key (one RSA verify per
connection, negligible), and ``GET /__stats`` reports how many requests were served
and how many signatures were good or bad. A contender that skipped or botched signing
shows up there.

Run as ``python -m benchmarks._server`` with a JSON spec on stdin; it prints
``PORT <n>`` once listening and exits when its stdin closes (the parent went away).
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

_ROOT = Path(__file__).resolve().parents[1]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

_MAX_HEAD = 64 * 1024


class _Stats:
    """Counters shared by all connections of the server process."""

    def __init__(self) -> None:
        self.requests = 0
        self.connections = 0
        self.checked = 0
        self.bad_signatures = 0
        self.malformed = 0

    def as_json(self) -> bytes:
        # CPU seconds the server process has used: shows it is not the bottleneck.
        return json.dumps({**self.__dict__, "cpu_seconds": time.process_time()}).encode()


class _Checker:
    """Verifies a request's Authorization the way Alipay's gateway would."""

    def __init__(self, app_public_pem: str | None) -> None:
        self._key = None
        if app_public_pem:
            from alipay_voucher.credentials import load_public_key

            self._key = load_public_key(app_public_pem, what="app_public_key")

    def ok(self, method: str, target: str, headers: dict[str, str], body: bytes) -> bool:
        if self._key is None:
            return True
        from alipay_voucher import protocol

        try:
            auth = protocol.parse_authorization(headers.get("authorization"))
        except ValueError:
            return False
        token = headers.get("alipay-app-auth-token")
        return protocol.verify_request_signature(self._key, auth, method, target, body, token)


class _Connection(asyncio.Protocol):
    """One keep-alive connection; handles any number of (even pipelined) requests."""

    def __init__(self, canned: bytes, stats: _Stats, checker: _Checker) -> None:
        self._canned = canned
        self._stats = stats
        self._checker = checker
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None
        self._first = True

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._stats.connections += 1

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer
        buffer += data
        replies = []
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(buffer) > _MAX_HEAD:
                    self._abort()
                return self._flush(replies) if replies else None
            head = bytes(buffer[:end])
            length = 0
            lower = head.lower()
            at = lower.find(b"\r\ncontent-length:")
            if at >= 0:
                stop = lower.find(b"\r\n", at + 2)
                length = int(lower[at + 17 : stop if stop >= 0 else len(lower)])
            elif b"\r\ntransfer-encoding:" in lower:
                self._stats.malformed += 1  # chunked bodies are not expected from any client
                self._abort()
                return None
            total = end + 4 + length
            if len(buffer) < total:
                return self._flush(replies) if replies else None
            body = bytes(buffer[end + 4 : total])
            del buffer[:total]
            replies.append(self._answer(head, body))

    def _answer(self, head: bytes, body: bytes) -> bytes:
        request_line = head.split(b"\r\n", 1)[0]
        if request_line.startswith(b"GET /__stats "):
            payload = self._stats.as_json()
            return (
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                b"content-length: %d\r\n\r\n%s" % (len(payload), payload)
            )
        self._stats.requests += 1
        if self._first:
            self._first = False
            self._check(head, body)
        return self._canned

    def _check(self, head: bytes, body: bytes) -> None:
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        self._stats.checked += 1
        if not self._checker.ok(method, target, headers, body):
            self._stats.bad_signatures += 1

    def _flush(self, replies: list[bytes]) -> None:
        assert self._transport is not None
        self._transport.write(replies[0] if len(replies) == 1 else b"".join(replies))

    def _abort(self) -> None:
        if self._transport is not None:
            self._transport.close()


def canned_response(body: bytes, headers: dict[str, str]) -> bytes:
    """The complete HTTP/1.1 response the server repeats, headers in a fixed order."""
    lines = [b"HTTP/1.1 200 OK"]
    fixed = {
        "content-type": "application/json;charset=UTF-8",
        "content-length": str(len(body)),
        "connection": "keep-alive",
        **headers,
    }
    for name, value in fixed.items():
        lines.append(f"{name}: {value}".encode("latin-1"))
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


async def _serve(spec: dict[str, Any]) -> None:
    loop = asyncio.get_running_loop()
    canned = canned_response(spec["body"].encode(), spec["headers"])
    stats = _Stats()
    checker = _Checker(spec.get("app_public_key"))
    server = await loop.create_server(
        lambda: _Connection(canned, stats, checker), "127.0.0.1", 0, backlog=1024
    )
    port = server.sockets[0].getsockname()[1]
    sys.stdout.write(f"PORT {port}\n")
    sys.stdout.flush()
    # Stop when the parent closes our stdin (or dies): no orphan servers.
    closed = loop.create_future()
    loop.add_reader(sys.stdin.fileno(), lambda: closed.done() or closed.set_result(None))
    await closed
    loop.remove_reader(sys.stdin.fileno())
    server.close()


class ServerProcess:
    """Starts the server in a child process; use as a context manager.

    ``spec`` holds the canned ``body`` (text), its signature ``headers`` and optionally
    the ``app_public_key`` PEM used to check request signatures.
    """

    def __init__(self, spec: dict[str, Any]) -> None:
        self._spec = spec
        self._proc: subprocess.Popen[bytes] | None = None
        self.port = 0

    def __enter__(self) -> ServerProcess:
        env = dict(os.environ, PYTHONPATH=str(_ROOT))
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks._server"],
            cwd=_ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write(json.dumps(self._spec).encode() + b"\n")
        self._proc.stdin.flush()
        line = self._proc.stdout.readline().decode()
        if not line.startswith("PORT "):
            self.__exit__()
            raise RuntimeError(f"benchmark server did not start (said {line!r})")
        self.port = int(line.split()[1])
        return self

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stats(self) -> dict[str, int]:
        """The server's counters, fetched over a fresh blocking connection."""
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            conn.request("GET", "/__stats")
            return dict(json.loads(conn.getresponse().read()))
        finally:
            conn.close()

    def __exit__(self, *exc: object) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.stdin is not None:
            proc.stdin.close()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def main() -> None:
    spec = json.loads(sys.stdin.readline())
    asyncio.run(_serve(spec))


if __name__ == "__main__":
    main()
