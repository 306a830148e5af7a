"""Inbound voucher messages: verify, parse, de-duplicate and acknowledge.

Four of the seven operations only answer "accepted"; the outcome arrives later as a
signed ``application/x-www-form-urlencoded`` POST. The commonest failure with other
SDKs is a web framework that re-decodes or re-orders the body before verification, so
this module wants the raw body: it decodes the form exactly once itself. An already
parsed mapping is accepted too, for frameworks that hide the raw body.

Nothing is ever returned unverified: a message either comes back as a typed
:class:`Notification` or an :class:`~alipay_voucher.errors.AlipayError` is raised.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qsl

import attrs

from .config import AlipayConfig
from .credentials import verify_sha256_rsa
from .errors import (
    DuplicateNotificationError,
    NotificationError,
    SignatureVerificationError,
    StaleNotificationError,
)
from .protocol import notification_sign_content, strict_json_loads

if TYPE_CHECKING:
    from aiohttp import web

__all__ = [
    "SUCCESS",
    "DedupeStore",
    "MemoryDedupeStore",
    "Notification",
    "NotificationHub",
    "aiohttp_handler",
    "parse_notification",
]

SUCCESS = "success"
"""The exact acknowledgement body: 7 ASCII bytes, no quotes, no newline."""

_log = logging.getLogger("alipay_voucher")
_MAX_BODY = 1024 * 1024

RawNotification = bytes | str | Mapping[str, Any]


@attrs.frozen
class Notification:
    """A verified message: its envelope, and the typed payload for its ``msg_method``."""

    notify_id: str
    msg_method: str
    app_id: str
    utc_timestamp: _dt.datetime | None
    """When Alipay sent it (aware, UTC); ``None`` if the envelope had no timestamp."""
    version: str | None
    charset: str | None
    sign_type: str | None
    biz_content: Mapping[str, Any]
    """The decoded ``biz_content`` JSON object."""
    message: Any
    """The typed message model for ``msg_method`` (a generic one for unknown methods)."""
    params: Mapping[str, str] = attrs.field(repr=False)
    """Every parameter as received (decoded once), ``sign`` included."""

    @property
    def message_id(self) -> str | None:
        """The event's own idempotency id (``biz_content.id``), if it has one."""
        value = self.biz_content.get("id")
        return value if isinstance(value, str) and value else None

    @property
    def activity_id(self) -> str | None:
        value = self.biz_content.get("activity_id")
        return value if isinstance(value, str) and value else None

    @property
    def dedupe_keys(self) -> tuple[str, ...]:
        """Keys under which a handled message is remembered."""
        keys = [f"notify:{self.notify_id}"] if self.notify_id else []
        if self.message_id:
            keys.append(f"{self.msg_method}:{self.message_id}")
        return tuple(keys)


# --------------------------------------------------------------------------- dedupe


class DedupeStore(Protocol):
    """Remembers handled messages. Back it with a shared store (Redis, a database) when
    several processes receive messages; the in-memory default serves one process.

    ``seen`` is asked before handling and ``remember`` called only after the handler
    succeeded, so a message whose handling failed is handled again on redelivery.
    """

    def seen(self, keys: Iterable[str]) -> bool: ...

    def remember(self, keys: Iterable[str]) -> None: ...


class MemoryDedupeStore:
    """A bounded in-memory store; entries expire after ``ttl`` seconds (default 2 days,
    longer than Alipay's redelivery window of about a day)."""

    def __init__(self, *, max_entries: int = 100_000, ttl: float = 2 * 86400) -> None:
        self._entries: OrderedDict[str, float] = OrderedDict()
        self._max = max_entries
        self._ttl = ttl

    def seen(self, keys: Iterable[str]) -> bool:
        now = time.monotonic()
        for key in keys:
            stamp = self._entries.get(key)
            if stamp is not None and now - stamp < self._ttl:
                return True
        return False

    def remember(self, keys: Iterable[str]) -> None:
        now = time.monotonic()
        for key in keys:
            self._entries[key] = now
            self._entries.move_to_end(key)
        while len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)


# --------------------------------------------------------------------------- parsing


def _decode_form(raw: bytes | str) -> dict[str, str]:
    """Decode the form body exactly once, in the charset the message declares."""
    if isinstance(raw, str):
        text = raw
    else:
        if len(raw) > _MAX_BODY:
            raise NotificationError("the message body is larger than 1 MiB; refused.")
        charset = _declared_charset(raw)
        try:
            text = raw.decode(charset)
        except (LookupError, ValueError):  # ValueError: UnicodeError, a NUL in the name
            raise NotificationError(
                f"the message body is not valid {charset} text; hand over the raw request "
                "body exactly as received."
            ) from None
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True, errors="strict")
    except (ValueError, UnicodeDecodeError):
        raise NotificationError(
            "the message body is not an application/x-www-form-urlencoded form."
        ) from None
    return _single_values(pairs)


def _declared_charset(raw: bytes) -> str:
    for part in raw.split(b"&"):
        if part.startswith(b"charset="):
            value = part[8:].decode("ascii", "replace").strip().lower()
            return {"utf8": "utf-8", "gbk": "gbk", "gb2312": "gbk"}.get(value, value or "utf-8")
    return "utf-8"


def _single_values(pairs: Iterable[tuple[str, Any]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in pairs:
        if isinstance(value, (list, tuple)):
            if len(value) != 1:
                raise NotificationError(f"parameter {key!r} has {len(value)} values; expected one.")
            value = value[0]
        if not isinstance(key, str) or not isinstance(value, str):
            raise NotificationError(f"parameter {key!r} is not text.")
        if key in out:
            raise NotificationError(f"parameter {key!r} appears twice; refused.")
        out[key] = value
    return out


def _mapping_params(raw: Mapping[str, Any]) -> dict[str, str]:
    # Django's QueryDict and Werkzeug's MultiDict expose every value through lists().
    lists = getattr(raw, "lists", None)
    if callable(lists):
        return _single_values(lists())
    return _single_values(raw.items())


def verify_params(params: Mapping[str, str], config: AlipayConfig) -> bool:
    """Check ``sign`` under every rule Alipay is known to use (PROTOCOL section 8).

    Rule V1 leaves ``sign_type`` out, rule V2 keeps it; empty values are dropped first
    and kept second. Every variant needs Alipay's signature, so accepting any is safe.
    """
    signature = params.get("sign")
    if not signature:
        return False
    keys = list(config.alipay_public_keys.values())
    preferred = config.alipay_public_keys.get(params.get("alipay_cert_sn", ""))
    if preferred is not None:
        keys.remove(preferred)
        keys.insert(0, preferred)
    has_empty = any(value == "" for value in params.values())
    variants = [(False, False), (True, False)]
    if has_empty:
        variants += [(False, True), (True, True)]
    for include_sign_type, keep_empty in variants:
        content = notification_sign_content(
            params, include_sign_type=include_sign_type, keep_empty=keep_empty
        ).encode("utf-8", "surrogatepass")  # a lone surrogate is simply a mismatch
        for key in keys:
            if verify_sha256_rsa(key, content, signature):
                return True
    return False


def parse_notification(
    raw: RawNotification,
    config: AlipayConfig,
    *,
    max_age: float | None = None,
    dedupe: DedupeStore | None = None,
    now: _dt.datetime | None = None,
) -> Notification:
    """Verify and parse one inbound message.

    ``raw`` is the request body as received (``bytes`` or ``str``), or an already
    parsed mapping. ``max_age`` (seconds) refuses messages older than that by their
    ``utc_timestamp`` (off by default: Alipay redelivers for about a day). With
    ``dedupe``, a message already handled raises :class:`DuplicateNotificationError`.
    """
    params = _mapping_params(raw) if isinstance(raw, Mapping) else _decode_form(raw)
    if "sign" not in params:
        raise SignatureVerificationError(
            "the message carries no sign parameter, so it cannot be from Alipay."
        )
    if not verify_params(params, config):
        raise SignatureVerificationError(
            "the message signature does not verify with Alipay's key. If it came from "
            "Alipay, the body was changed on the way: pass the raw request body (bytes), "
            "not a re-encoded or re-parsed form, and check the configured Alipay key."
        )
    notification = _build(params)
    if notification.app_id != config.app_id:
        raise NotificationError(
            f"the message is for app {notification.app_id!r}, not this config's "
            f"{config.app_id!r}; check which app's message-service URL points here."
        )
    if max_age is not None and notification.utc_timestamp is not None:
        moment = now or _dt.datetime.now(_dt.timezone.utc)
        age = (moment - notification.utc_timestamp).total_seconds()
        if age > max_age:
            raise StaleNotificationError(
                f"the message is {age:.0f} s old, more than max_age={max_age:.0f} s; refused "
                "as a possible replay."
            )
    if dedupe is not None and dedupe.seen(notification.dedupe_keys):
        raise DuplicateNotificationError(
            f"message {notification.notify_id!r} was already handled.",
            notification=notification,
        )
    return notification


def _build(params: Mapping[str, str]) -> Notification:
    from .models.messages import parse_message

    missing = [name for name in ("notify_id", "msg_method", "app_id") if not params.get(name)]
    if missing:
        raise NotificationError(f"the message lacks {', '.join(missing)}.")
    raw_biz = params.get("biz_content", "")
    try:
        biz = strict_json_loads(raw_biz) if raw_biz else {}
    except (ValueError, RecursionError):
        raise NotificationError("biz_content is not JSON.") from None
    if not isinstance(biz, dict):
        raise NotificationError("biz_content is not a JSON object.")
    timestamp: _dt.datetime | None = None
    raw_ts = params.get("utc_timestamp")
    if raw_ts:
        try:
            timestamp = _dt.datetime.fromtimestamp(int(raw_ts) / 1000, _dt.timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise NotificationError(
                f"utc_timestamp {raw_ts[:20]!r} is not epoch milliseconds."
            ) from None
    try:
        message = parse_message(params["msg_method"], biz)
    except Exception as exc:  # a payload of the wrong shape for its type
        raise NotificationError(f"biz_content does not fit {params['msg_method']}: {exc}") from None
    return Notification(
        notify_id=params["notify_id"],
        msg_method=params["msg_method"],
        app_id=params["app_id"],
        utc_timestamp=timestamp,
        version=params.get("version"),
        charset=params.get("charset"),
        sign_type=params.get("sign_type"),
        biz_content=biz,
        message=message,
        params=dict(params),
    )


# --------------------------------------------------------------------------- waiting


class NotificationHub:
    """Fans verified messages out to whoever waits for an activity to change.

    Wire it into the web handler (``aiohttp_handler(..., hub=hub)``) and pass it to
    the client's ``wait_for_status``: a message about the activity then triggers an
    immediate ``query`` instead of waiting for the next poll.
    """

    def __init__(self) -> None:
        self._waiters: dict[str, set[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = {}

    def publish(self, notification: Notification) -> None:
        """Wake every waiter of the message's activity (safe from any thread or loop)."""
        activity_id = notification.activity_id
        if activity_id is None:
            return
        for loop, event in list(self._waiters.get(activity_id, ())):
            if not loop.is_closed():
                loop.call_soon_threadsafe(event.set)

    def subscribe(self, activity_id: str) -> asyncio.Event:
        """An event set whenever a message about ``activity_id`` arrives (call on a loop)."""
        entry = (asyncio.get_running_loop(), asyncio.Event())
        self._waiters.setdefault(activity_id, set()).add(entry)
        return entry[1]

    def unsubscribe(self, activity_id: str, event: asyncio.Event) -> None:
        waiters = self._waiters.get(activity_id, set())
        for entry in [e for e in waiters if e[1] is event]:
            waiters.discard(entry)
        if not waiters:
            self._waiters.pop(activity_id, None)


# --------------------------------------------------------------------------- web handler

Callback = Callable[[Notification], Awaitable[None]]


def aiohttp_handler(
    config: AlipayConfig,
    callback: Callback,
    *,
    dedupe: DedupeStore | None = None,
    max_age: float | None = None,
    hub: NotificationHub | None = None,
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """An aiohttp.web handler: verify, await ``callback``, then answer ``success``.

    ``success`` is sent only after the callback returned, so an exception in it makes
    Alipay redeliver. A duplicate is acknowledged again without calling the callback.
    A message that fails verification gets HTTP 400 and is never passed on.
    """
    from aiohttp import web

    store: DedupeStore = dedupe if dedupe is not None else MemoryDedupeStore()

    async def handle(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        try:
            notification = parse_notification(body, config, max_age=max_age, dedupe=store)
        except DuplicateNotificationError:
            return web.Response(text=SUCCESS, content_type="text/plain")
        except (SignatureVerificationError, NotificationError) as exc:
            _log.warning("refused an inbound message: %s", exc)
            return web.Response(status=400, text="fail", content_type="text/plain")
        try:
            await callback(notification)
        except Exception:
            _log.exception(
                "the notification callback failed for %s %s; Alipay will redeliver",
                notification.msg_method,
                notification.notify_id,
            )
            return web.Response(status=500, text="fail", content_type="text/plain")
        store.remember(notification.dedupe_keys)
        if hub is not None:
            hub.publish(notification)
        return web.Response(text=SUCCESS, content_type="text/plain")

    return handle
