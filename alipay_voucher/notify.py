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
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import attrs

from ._logging import redact
from .config import AlipayConfig
from .credentials import verify_sha256_rsa
from .errors import (
    NotificationError,
    NotificationTooLargeError,
    SignatureVerificationError,
    StaleNotificationError,
)
from .protocol import notification_sign_variants, strict_json_loads

if TYPE_CHECKING:
    from .dedupe import (
        Claim,
        DedupeStore,
        Held,
        MemoryDedupeStore,
        RedisDedupeStore,
        SQLiteDedupeStore,
    )
    from .receiver import NotificationReceiver, Reply, aiohttp_handler

__all__ = [
    "MAX_BODY",
    "MAX_PARAMS",
    "SUCCESS",
    "Claim",
    "DedupeStore",
    "Held",
    "MemoryDedupeStore",
    "Notification",
    "NotificationHub",
    "NotificationReceiver",
    "RedisDedupeStore",
    "Reply",
    "SQLiteDedupeStore",
    "aiohttp_handler",
    "parse_notification",
]

_RECEIVER = frozenset({"NotificationReceiver", "Reply", "aiohttp_handler"})
_STORES = frozenset(
    {"Claim", "DedupeStore", "Held", "MemoryDedupeStore", "RedisDedupeStore", "SQLiteDedupeStore"}
)

SUCCESS = "success"
"""The exact acknowledgement body: 7 ASCII bytes, no quotes, no newline."""

MAX_BODY = 64 * 1024
"""Bytes a message body may have; a real one is under 2 KiB."""

MAX_PARAMS = 64
"""Parameters a message may have; a real one has about ten."""

_SIGN_LENGTHS = range(88, 1025)
"""Base64 lengths of a plausible RSA signature (512- to 6144-bit keys)."""

_CHARSETS = {"utf-8": "utf-8", "utf8": "utf-8", "gbk": "gbk", "gb2312": "gbk"}
"""The charsets a message may declare, and the codec that decodes each."""

RawNotification = bytes | str | Mapping[str, Any]


@attrs.frozen(repr=False)
class Notification:
    """A verified message: its envelope, and the typed payload for its ``msg_method``.

    Its repr masks user ids, as the logs do."""

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

    def __repr__(self) -> str:
        return redact(
            f"Notification(notify_id={self.notify_id!r}, msg_method={self.msg_method!r}, "
            f"app_id={self.app_id!r}, utc_timestamp={self.utc_timestamp!r}, "
            f"biz_content={dict(self.biz_content)!r})"
        )

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


# --------------------------------------------------------------------------- parsing


def _decode_form(raw: bytes | str) -> dict[str, str]:
    """Decode the form body exactly once, in the charset the message declares.

    Every bound is checked before the work it protects: the size before anything,
    the parameter count before splitting, so a hostile body costs microseconds.
    """
    if len(raw) > MAX_BODY:
        raise NotificationTooLargeError(
            f"the message body is over {MAX_BODY} bytes; refused (a real one is under 2 KiB)."
        )
    separators = raw.count(b"&") if isinstance(raw, bytes) else raw.count("&")
    if separators >= MAX_PARAMS:
        raise NotificationError(f"the message has more than {MAX_PARAMS} parameters; refused.")
    # The declared charset decodes the body and its percent-escapes alike (a GBK
    # message's escapes are GBK bytes).
    charset = _declared_charset(raw if isinstance(raw, bytes) else raw.encode("utf-8", "replace"))
    if isinstance(raw, str):
        text = raw
    else:
        try:
            text = raw.decode(charset)
        except ValueError:  # UnicodeDecodeError
            raise NotificationError(
                f"the message body is not valid {charset} text; hand over the raw request "
                "body exactly as received."
            ) from None
    try:
        pairs = parse_qsl(
            text, keep_blank_values=True, strict_parsing=True, encoding=charset, errors="strict"
        )
    except (ValueError, UnicodeDecodeError):
        raise NotificationError(
            "the message body is not an application/x-www-form-urlencoded form; hand over "
            "the raw request body exactly as received."
        ) from None
    return _single_values(pairs)


def _declared_charset(raw: bytes) -> str:
    for part in raw.split(b"&"):
        if part.startswith(b"charset="):
            value = part[8:].decode("ascii", "replace").strip().lower()
            codec = _CHARSETS.get(value or "utf-8")
            if codec is None:
                raise NotificationError(
                    f"the message declares charset {shown(value)}; only UTF-8 and GBK are allowed."
                )
            return codec
    return "utf-8"


def shown(value: object, limit: int = 40) -> str:
    """``value`` fit for a log line: escaped by ``repr`` and cut to ``limit`` characters.

    Everything taken from an unverified body goes through here, so a sender can
    neither forge log lines nor write terminal escapes nor flood the log.
    """
    text = value if isinstance(value, str) else str(value)
    if len(text) > limit:
        return f"{text[:limit]!r}... ({len(text)} characters)"
    return repr(text)


def _single_values(pairs: Iterable[tuple[Any, Any]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in pairs:
        if isinstance(value, (list, tuple)):
            if len(value) != 1:
                raise NotificationError(
                    f"parameter {shown(key)} has {len(value)} values; expected one."
                )
            value = value[0]
        if not isinstance(key, str) or not isinstance(value, str):
            raise NotificationError(f"parameter {shown(key)} is not text.")
        if key in out:
            raise NotificationError(f"parameter {shown(key)} appears twice; refused.")
        out[key] = value
        if len(out) > MAX_PARAMS:
            raise NotificationError(f"the message has more than {MAX_PARAMS} parameters; refused.")
    return out


def _mapping_params(raw: Mapping[str, Any]) -> dict[str, str]:
    if len(raw) > MAX_PARAMS:
        raise NotificationError(f"the message has more than {MAX_PARAMS} parameters; refused.")
    # Django's QueryDict and Werkzeug's MultiDict expose every value through lists().
    lists: Callable[[], Iterable[tuple[str, list[str]]]] | None = getattr(raw, "lists", None)
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
    for content in notification_sign_variants(params):
        for key in keys:
            if verify_sha256_rsa(key, content, signature):
                return True
    return False


def parse_notification(
    raw: RawNotification,
    config: AlipayConfig,
    *,
    max_age: float | None = None,
    now: _dt.datetime | None = None,
) -> Notification:
    """Verify and parse one inbound message.

    ``raw`` is the request body as received (``bytes`` or ``str``), or an already
    parsed mapping. ``max_age`` (seconds) refuses messages older than that by their
    ``utc_timestamp`` (off by default: Alipay redelivers for about a day).

    It does not de-duplicate: a message is delivered at least once, and possibly to
    several workers at the same moment. :class:`NotificationReceiver` (and
    :func:`aiohttp_handler`) claim each message in a shared store before the callback.
    """
    params = _mapping_params(raw) if isinstance(raw, Mapping) else _decode_form(raw)
    if "sign" not in params:
        raise SignatureVerificationError(
            "the message carries no sign parameter, so it cannot be from Alipay."
        )
    if len(params["sign"]) not in _SIGN_LENGTHS:
        raise SignatureVerificationError(
            f"the message's sign is {len(params['sign'])} characters long, not an RSA "
            "signature; refused unverified."
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


def __getattr__(name: str) -> Any:
    # The receiver and the shared stores live in their own modules; importing them from
    # here is the documented spelling, and costs nothing until they are asked for.
    if name in _RECEIVER:
        from . import receiver

        return getattr(receiver, name)
    if name in _STORES:
        from . import dedupe

        return getattr(dedupe, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
