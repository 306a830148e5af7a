"""Pushing ``alipay.marketing.activity.message.*`` to the merchant, as Alipay does.

A message is a signed ``application/x-www-form-urlencoded`` POST (PROTOCOL section 8)
delivered *after* the API call that caused it has been answered, and delivered again,
with backoff, until the receiver answers HTTP 200 with exactly ``success``. Every
message and every attempt is kept in the :class:`Outbox`, so tests can assert on what
was delivered and how often, and wait for a message without polling.

Signing uses :func:`alipay_voucher.protocol.sign_notification` and the form body
:func:`alipay_voucher.protocol.encode_query`; nothing here knows a byte rule.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal

import aiohttp
import attrs

from .. import protocol
from ..credentials import Signer
from ._state import MESSAGE_PREFIX, Event

__all__ = [
    "MESSAGE_METHODS",
    "Attempt",
    "Delivery",
    "Notifier",
    "Outbox",
    "SignedMessage",
    "encode_form",
    "make_message",
    "sample_biz_content",
]

MESSAGE_METHODS = tuple(
    MESSAGE_PREFIX + kind
    for kind in ("created", "modified", "appended", "stopped", "received", "used", "expired")
)
DEFAULT_RETRY_DELAYS = (0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0)
"""Pauses before attempts 2..8: Alipay's schedule (minutes to hours) shrunk to seconds."""

_SAMPLE_ACTIVITY = "2016042700826004508401111111"


def _full_method(msg_method: str) -> str:
    return msg_method if "." in msg_method else MESSAGE_PREFIX + msg_method


def sample_biz_content(msg_method: str, **fields: Any) -> dict[str, Any]:
    """A plausible ``biz_content`` for any voucher message; ``fields`` override or add.

    Shapes follow voucher-messages.json. The ``used`` payload is undocumented; the
    sandbox gives it the fields of ``expired`` (voucher and user).
    """
    kind = _full_method(msg_method).rsplit(".", 1)[-1]
    content: dict[str, Any] = {
        "id": f"{kind}_{uuid.uuid4().hex}",
        "activity_id": _SAMPLE_ACTIVITY,
        "event_time": str(time.time_ns() // 1_000_000),
    }
    if kind in ("created", "modified", "appended", "stopped"):
        content["out_biz_no"] = uuid.uuid4().hex
    elif kind == "received":
        content.update(
            voucher_id="2021072600073002785300065Q39", receive_user_id="2088512417841101"
        )
    else:
        content.update(voucher_id="2021072900073002214009F8QHR3", user_id="2088512417841101")
    content.update(fields)
    return content


class SignedMessage(dict[str, str]):
    """A message's signed form fields (a ``dict``), and :attr:`body`, the raw
    ``application/x-www-form-urlencoded`` bytes a notification handler receives."""

    @property
    def body(self) -> bytes:
        return encode_form(self)


def make_message(
    signer: Signer,
    app_id: str,
    msg_method: str,
    biz_content: Mapping[str, Any] | str,
    *,
    notify_id: str | None = None,
    utc_timestamp: str | None = None,
    version: str = "1.1",
    charset: str = "UTF-8",
    include_sign_type: bool = False,
    extra: Mapping[str, str] | None = None,
) -> SignedMessage:
    """The signed form fields of one message (``biz_content`` as a mapping or JSON text);
    ``.body`` is the form body that carries them.

    ``include_sign_type`` signs under rule V2 (``sign_type`` in the signed text) instead
    of V1; ``extra`` adds envelope fields, which are signed like the rest.
    """
    params = {
        "notify_id": notify_id or uuid.uuid4().hex,
        "utc_timestamp": utc_timestamp or str(time.time_ns() // 1_000_000),
        "msg_method": _full_method(msg_method),
        "app_id": app_id,
        "version": version,
        "biz_content": (
            biz_content if isinstance(biz_content, str) else protocol.encode_json(biz_content)
        ),
        "charset": charset,
        "sign_type": "RSA2",
        **(extra or {}),
    }
    return SignedMessage(
        protocol.sign_notification(signer, params, include_sign_type=include_sign_type)
    )


def encode_form(params: Mapping[str, str]) -> bytes:
    """The ``application/x-www-form-urlencoded`` body that carries a message."""
    return protocol.encode_query(params).encode("ascii")


@attrs.frozen
class Attempt:
    """One POST of a message: the answer's status and first bytes, or the error."""

    number: int
    at: float
    status: int | None = None
    answer: str | None = None
    error: str | None = None


DeliveryState = Literal["pending", "delivered", "failed", "unaddressed"]


@attrs.define(eq=False)
class Delivery:
    """A message and its delivery so far. ``state`` is ``pending`` while attempts remain,
    ``delivered`` once answered ``success``, ``failed`` when they ran out, and
    ``unaddressed`` when the sandbox had no notify URL."""

    params: dict[str, str]
    notify_url: str | None
    state: DeliveryState = "pending"
    attempts: list[Attempt] = attrs.Factory(list)

    @property
    def msg_method(self) -> str:
        return self.params["msg_method"]

    @property
    def notify_id(self) -> str:
        return self.params["notify_id"]

    @property
    def biz_content(self) -> dict[str, Any]:
        content: dict[str, Any] = json.loads(self.params["biz_content"])
        return content

    @property
    def body(self) -> bytes:
        return encode_form(self.params)

    @property
    def delivered(self) -> bool:
        return self.state == "delivered"


def _matches(
    delivery: Delivery, msg_method: str | None, activity_id: str | None, delivered: bool
) -> bool:
    if msg_method is not None and delivery.msg_method != _full_method(msg_method):
        return False
    if activity_id is not None and delivery.biz_content.get("activity_id") != activity_id:
        return False
    return delivery.delivered or not delivered


class Outbox:
    """Every message the sandbox produced, in order, with its attempts."""

    def __init__(self) -> None:
        self._items: list[Delivery] = []
        self._waiters: list[tuple[Callable[[Delivery], bool], asyncio.Future[Delivery]]] = []
        self._idle: list[asyncio.Future[None]] = []

    def __iter__(self) -> Iterator[Delivery]:
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, index: int) -> Delivery:
        return self._items[index]

    def messages(
        self, msg_method: str | None = None, *, activity_id: str | None = None
    ) -> list[Delivery]:
        """Messages produced so far, optionally of one kind (``"created"`` or full name)."""
        return [d for d in self._items if _matches(d, msg_method, activity_id, False)]

    def delivered(
        self, msg_method: str | None = None, *, activity_id: str | None = None
    ) -> list[Delivery]:
        """Messages the receiver acknowledged with ``success``."""
        return [d for d in self._items if _matches(d, msg_method, activity_id, True)]

    async def wait_for(
        self,
        msg_method: str | None = None,
        *,
        activity_id: str | None = None,
        delivered: bool = True,
        timeout: float = 5.0,
    ) -> Delivery:
        """The first matching message (already there or still to come); by default it
        must also have been acknowledged. ``TimeoutError`` when none arrives in time."""

        def wanted(delivery: Delivery) -> bool:
            return _matches(delivery, msg_method, activity_id, delivered)

        for delivery in self._items:
            if wanted(delivery):
                return delivery
        future: asyncio.Future[Delivery] = asyncio.get_running_loop().create_future()
        entry = (wanted, future)
        self._waiters.append(entry)
        try:
            return await asyncio.wait_for(future, timeout)
        finally:
            if entry in self._waiters:
                self._waiters.remove(entry)

    async def settle(self, timeout: float = 10.0) -> None:
        """Wait until no message is pending (each delivered, failed or unaddressed)."""
        if not any(d.state == "pending" for d in self._items):
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._idle.append(future)
        try:
            await asyncio.wait_for(future, timeout)
        finally:
            if future in self._idle:
                self._idle.remove(future)

    def _add(self, delivery: Delivery) -> None:
        self._items.append(delivery)
        self._changed(delivery)

    def _changed(self, delivery: Delivery) -> None:
        for wanted, future in list(self._waiters):
            if not future.done() and wanted(delivery):
                future.set_result(delivery)
        if self._idle and not any(d.state == "pending" for d in self._items):
            for idle in self._idle:
                if not idle.done():
                    idle.set_result(None)


class Notifier:
    """Delivers messages to ``notify_url`` in the background, one task per message."""

    def __init__(
        self,
        *,
        signer: Signer,
        app_id: str,
        outbox: Outbox,
        notify_url: str | None = None,
        retry_delays: Sequence[float] = DEFAULT_RETRY_DELAYS,
        timeout: float = 5.0,
    ) -> None:
        self.notify_url = notify_url
        self.retry_delays = tuple(retry_delays)
        self.outbox = outbox
        self._signer = signer
        self._app_id = app_id
        self._timeout = timeout
        self._session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def make(
        self, msg_method: str, biz_content: Mapping[str, Any] | str, **options: Any
    ) -> SignedMessage:
        return make_message(self._signer, self._app_id, msg_method, biz_content, **options)

    def push(self, events: Iterable[Event]) -> list[Delivery]:
        """Sign each event and start delivering it; returns the outbox entries."""
        out = []
        for event in events:
            delivery = Delivery(self.make(event.msg_method, event.biz_content), self.notify_url)
            self.outbox._add(delivery)
            self._start(delivery)
            out.append(delivery)
        return out

    def redeliver(self, delivery: Delivery) -> None:
        """Deliver a message once more from the top, as Alipay's duplicates do."""
        delivery.state = "pending"
        delivery.notify_url = self.notify_url
        self._start(delivery)

    def _start(self, delivery: Delivery) -> None:
        if delivery.notify_url is None:
            delivery.state = "unaddressed"
            self.outbox._changed(delivery)
            return
        task = asyncio.get_running_loop().create_task(self._deliver(delivery, delivery.notify_url))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _deliver(self, delivery: Delivery, url: str) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self._timeout)
            )
        body = delivery.body
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
        for pause in (0.0, *self.retry_delays):
            if pause:
                await asyncio.sleep(pause)
            number = len(delivery.attempts) + 1
            try:
                async with self._session.post(url, data=body, headers=headers) as response:
                    answer = await response.read()
                attempt = Attempt(
                    number, time.time(), response.status, answer[:200].decode("utf-8", "replace")
                )
                acknowledged = response.status == 200 and answer == b"success"
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                attempt = Attempt(number, time.time(), error=f"{type(exc).__name__}: {exc}")
                acknowledged = False
            delivery.attempts.append(attempt)
            if acknowledged:
                delivery.state = "delivered"
                self.outbox._changed(delivery)
                return
            self.outbox._changed(delivery)
        delivery.state = "failed"
        self.outbox._changed(delivery)

    async def close(self) -> None:
        """Stop delivering (pending messages stay ``pending``) and close the session."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None
