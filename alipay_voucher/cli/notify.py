"""``alipay-voucher notify``: why does my handler refuse Alipay's message?

``verify`` answers that for one body saved from a request (a log, a capture, a failing
test): it runs the SDK's own check, :func:`alipay_voucher.notify.parse_notification`,
with the configuration from ``ALIPAY_*``, and prints the message as JSON, or one line
naming the cause and the fix. ``listen`` is a receiver to point a tunnel or proxy at
while developing: the SDK's :func:`~alipay_voucher.notify.aiohttp_handler` (verify,
claim, acknowledge) printing each verified first-time message as one JSON line.
Neither verifies anything itself: what they accept is what an application accepts.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from typing import TYPE_CHECKING, Any

from ._common import UsageError, json_text, load_config, printable, stop_on_signals

if TYPE_CHECKING:
    from ..config import AlipayConfig
    from ..dedupe import DedupeStore
    from ..notify import Notification

__all__ = ["register", "run_listen", "run_verify"]

_STORES = "memory, sqlite:PATH or redis:URL"


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "notify",
        help="verify a saved notification body, or receive notifications and print them "
        "(config from ALIPAY_*)",
        description="Debug Alipay's signed messages with the SDK's own verification and the "
        "configuration from ALIPAY_* variables.",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    verify = actions.add_parser(
        "verify",
        help="verify one raw message body and print the message as JSON",
        description="Verify one message body exactly as the web server received it (the "
        "application/x-www-form-urlencoded bytes, not a framework's parsed form) and print "
        "the message as JSON. When it does not verify, one line says why and what to do; "
        "exit status 1.",
    )
    verify.add_argument(
        "file",
        nargs="?",
        default="-",
        metavar="FILE",
        help="the raw body (default: read from stdin, also with -)",
    )
    verify.set_defaults(handler=run_verify)
    listen = actions.add_parser(
        "listen",
        help="receive messages and print each verified first-time one as a JSON line",
        description="Answer Alipay's message POSTs as an application does (verify, "
        "de-duplicate, acknowledge with 'success') and print each verified message the "
        "first time it arrives, as one JSON line on stdout; -v shows each refused delivery "
        "on stderr. Alipay delivers only to an HTTPS address: put this behind your own "
        "HTTPS proxy or tunnel, and give that address as the app's message URL "
        "(应用网关/消息服务地址). Ctrl-C stops it.",
    )
    listen.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    listen.add_argument("--port", type=int, default=0, help="port to bind (default: a free one)")
    listen.add_argument(
        "--path", default="/notify", type=_url_path, help="the URL path to answer (/notify)"
    )
    listen.add_argument(
        "--dedupe",
        default="memory",
        type=_store_spec,
        metavar="STORE",
        help=f"where handled messages are remembered: {_STORES} (default memory: "
        "forgotten when it stops)",
    )
    listen.set_defaults(handler=run_listen)


def _url_path(text: str) -> str:
    if not text.startswith("/"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a URL path; start it with /")
    return text


def _store_spec(text: str) -> tuple[str, str]:
    """``(kind, where)`` of a ``--dedupe`` value; a bare ``redis://`` URL is accepted too."""
    if text == "memory":
        return "memory", ""
    if text.startswith(("redis://", "rediss://")):
        return "redis", text
    kind, _, where = text.partition(":")
    if kind not in ("sqlite", "redis") or not where:
        raise argparse.ArgumentTypeError(f"{text!r} is not {_STORES}")
    return kind, where


# --------------------------------------------------------------------------- verify


def run_verify(args: argparse.Namespace) -> int:
    from ..errors import AlipayError, SignatureVerificationError
    from ..notify import MAX_BODY, parse_notification

    body = _read_body(args.file, MAX_BODY + 1)  # one byte over: parse_notification says so
    if not body.strip():
        return _failed("the input is empty; give the raw message body as FILE or on stdin")
    try:
        config = load_config(os.environ)
    except AlipayError as exc:
        return _failed(exc)
    try:
        notification = parse_notification(body, config)
    except SignatureVerificationError as exc:
        return _failed(f"{exc} {_checked_with(config)}{_line_break_hint(body)}")
    except AlipayError as exc:
        return _failed(exc)
    print(json_text(_document(notification)))
    return 0


def _failed(reason: object) -> int:
    print(f"notify verify failed: {printable(reason)}", file=sys.stderr)
    return 1


def _read_body(name: str, limit: int) -> bytes:
    """At most ``limit`` bytes of the file (``-``: stdin), as they are."""
    if name == "-":
        if sys.stdin.isatty():
            print("reading the message body from stdin (end it with Ctrl-D)", file=sys.stderr)
        return sys.stdin.buffer.read(limit)
    with open(name, "rb") as file:  # an OSError is the file the user named: main says so
        return file.read(limit)


def _checked_with(config: AlipayConfig) -> str:
    """Which of Alipay's keys the signature was checked with: public fingerprints and
    certificate serial numbers only, to compare with ``alipay-voucher doctor``."""
    from ..credentials import public_key_fingerprint

    keys = config.alipay_public_keys
    if config.mode == "key":
        fingerprints = ", ".join(public_key_fingerprint(key) for key in keys.values())
        return (
            "(Checked in key mode with the Alipay public key of ALIPAY_PUBLIC_KEY, "
            f"fingerprint {fingerprints}: it must be the 支付宝公钥 of this app's environment, "
            "sandbox or production.)"
        )
    certificates = ", ".join(
        f"SN {sn} (key fingerprint {public_key_fingerprint(key)})" for sn, key in keys.items()
    )
    return (
        "(Checked in cert mode with the Alipay certificate of ALIPAY_ALIPAY_CERT: "
        f"{certificates}; after Alipay renews its certificate, list the new one there too.)"
    )


def _line_break_hint(body: bytes) -> str:
    if not body.endswith(b"\n"):
        return ""
    return (
        " The input ends with a line break, which a body as Alipay sends it does not have: "
        "save the body without one (printf '%s', not echo)."
    )


def _document(notification: Notification) -> dict[str, Any]:
    """The envelope and the typed payload, the payload as ``activity query`` prints a model
    (the signature and the raw fields left out)."""
    from ..models._convert import to_json

    stamp = notification.utc_timestamp
    return {
        "notify_id": notification.notify_id,
        "msg_method": notification.msg_method,
        "app_id": notification.app_id,
        "utc_timestamp": None if stamp is None else stamp.isoformat(),
        "version": notification.version,
        "charset": notification.charset,
        "sign_type": notification.sign_type,
        "message": to_json(notification.message),
    }


# --------------------------------------------------------------------------- listen


def run_listen(args: argparse.Namespace) -> int:
    import asyncio

    from ..errors import AlipayError

    try:
        config = load_config(os.environ)
    except AlipayError as exc:
        print(f"notify listen failed: {printable(exc)}", file=sys.stderr)
        return 1
    printer = _Printer()
    try:
        asyncio.run(_listen(args, config, printer))
    except KeyboardInterrupt:  # where the loop has no signal handlers (Windows)
        pass
    except AlipayError as exc:  # the store cannot be made (redis is not installed, ...)
        print(f"notify listen failed: {printable(exc)}", file=sys.stderr)
        return 1
    print(f"stopped; {printer.count} message(s) printed", file=sys.stderr)
    return 0


class _Printer:
    """The receiver's callback: each verified first-time message as one JSON line."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, notification: Notification) -> None:
        print(json_text(_document(notification), one_line=True), flush=True)
        self.count += 1


async def _listen(args: argparse.Namespace, config: AlipayConfig, printer: _Printer) -> None:
    """Serve until SIGINT or SIGTERM; an OSError from binding goes to ``main``."""
    from aiohttp import web

    from ..notify import aiohttp_handler

    stop = stop_on_signals()
    async with contextlib.AsyncExitStack() as stack:
        store = _open_store(args.dedupe, stack)
        app = web.Application()
        app.router.add_post(args.path, aiohttp_handler(config, printer, dedupe=store))
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        stack.push_async_callback(runner.cleanup)
        await web.TCPSite(runner, args.host, args.port).start()
        host, port = runner.addresses[0][:2]
        where = f"[{host}]" if ":" in host else host
        print(
            f"listening on http://{where}:{port}{printable(args.path)} (app {config.app_id}, "
            f"{config.mode} mode); Ctrl-C stops",
            file=sys.stderr,
            flush=True,
        )
        await stop.wait()


def _open_store(spec: tuple[str, str], stack: contextlib.AsyncExitStack) -> DedupeStore:
    """The ``--dedupe`` store, closed when ``stack`` is."""
    from pathlib import Path

    from ..dedupe import MemoryDedupeStore

    kind, where = spec
    if kind == "sqlite":
        from ..dedupe import SQLiteDedupeStore

        path = Path(where)
        if not path.parent.is_dir():
            raise UsageError(
                f"--dedupe sqlite:{printable(where)}: the directory {printable(path.parent)} "
                "does not exist; create it or choose another path"
            )
        sqlite_store = SQLiteDedupeStore(path)
        stack.callback(sqlite_store.close)
        return sqlite_store
    if kind == "redis":
        from ..dedupe import RedisDedupeStore

        redis_store = RedisDedupeStore(where)
        stack.push_async_callback(redis_store.aclose)
        return redis_store
    return MemoryDedupeStore()
