"""Payloads (``biz_content``) of the asynchronous ``alipay.marketing.activity.message.*``.

``publish``, ``modify``, ``append`` and ``stop`` only answer "accepted"; the outcome
arrives later as one of these messages, and users' vouchers report receipt, use and
expiry the same way. No official schema exists for any of them (see
``voucher-messages.json``): the field sets come from Alipay's page for ``expired`` and
from one third-party implementation for the others, and the ``used`` payload was not
found at all. Every message is therefore open like the API models: whatever else
arrives is kept in ``extra`` and written back out, and an unknown ``msg_method`` still
parses, as :class:`GenericMessage`.

Every known payload carries ``id`` (the event id: de-duplicate on it, Alipay redelivers
for about a day), ``activity_id`` and ``event_time`` (order events by it, they can arrive
out of order).
"""

import json
from collections.abc import Mapping
from typing import Any, ClassVar

import attrs

from ..errors import MalformedResponseError
from ._base import Model
from ._convert import from_json
from ._unset import UNSET, Unset

__all__ = [
    "MESSAGE_TYPES",
    "ActivityAppendedMessage",
    "ActivityCreatedMessage",
    "ActivityEventMessage",
    "ActivityModifiedMessage",
    "ActivityStoppedMessage",
    "GenericMessage",
    "Message",
    "VoucherExpiredMessage",
    "VoucherReceivedMessage",
    "VoucherUsedMessage",
    "parse_message",
]

_PREFIX = "alipay.marketing.activity.message."


@attrs.frozen(kw_only=True, repr=False)
class Message(Model):
    """Base of every message payload: the fields all known voucher messages share.

    Attributes:
        id: Event id, unique per event: de-duplicate on it (the message's idempotency key).
        activity_id: Activity id the event refers to.
        event_time: Event time as a timestamp string (documented as milliseconds, yet the
            documented sample ``1619338271`` is in seconds); see :attr:`event_time_ms`.
    """

    MSG_METHOD: ClassVar[str] = ""

    id: str | Unset | None = UNSET
    activity_id: str | Unset | None = UNSET
    event_time: str | Unset | None = UNSET

    @property
    def msg_method(self) -> str:
        """The ``msg_method`` of the envelope this payload belongs to."""
        return type(self).MSG_METHOD

    @property
    def event_time_ms(self) -> int | None:
        """``event_time`` as epoch milliseconds, for ordering events.

        The unit is ambiguous in the sources, so a stamp of at most 10 digits is read as
        seconds (10 digits cover dates up to 2286) and a longer one as milliseconds.
        ``None`` when the stamp is missing or not a number.
        """
        stamp = self.event_time
        if not isinstance(stamp, str) or not stamp.isascii() or not stamp.isdigit():
            return None
        return int(stamp) * 1000 if len(stamp) <= 10 else int(stamp)


@attrs.frozen(kw_only=True, repr=False)
class ActivityEventMessage(Message):
    """An activity-level outcome; ``out_biz_no`` ties it to the request that caused it.

    Attributes:
        out_biz_no: ``out_biz_no`` of the API request (publish, modify, append, stop) that
            triggered the event.
    """

    out_biz_no: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class ActivityCreatedMessage(ActivityEventMessage):
    """``publish`` succeeded: the activity is active (the name says "created")."""

    MSG_METHOD: ClassVar[str] = _PREFIX + "created"


@attrs.frozen(kw_only=True, repr=False)
class ActivityModifiedMessage(ActivityEventMessage):
    """``modify`` was applied; only from now on is the change in effect."""

    MSG_METHOD: ClassVar[str] = _PREFIX + "modified"


@attrs.frozen(kw_only=True, repr=False)
class ActivityAppendedMessage(ActivityEventMessage):
    """``append`` was applied: the new total quantity is in effect."""

    MSG_METHOD: ClassVar[str] = _PREFIX + "appended"


@attrs.frozen(kw_only=True, repr=False)
class ActivityStoppedMessage(ActivityEventMessage):
    """``stop`` was applied: the activity has ended."""

    MSG_METHOD: ClassVar[str] = _PREFIX + "stopped"


@attrs.frozen(kw_only=True, repr=False)
class VoucherReceivedMessage(Message):
    """A user received a voucher (field set from a merchant-voucher implementation).

    Attributes:
        voucher_id: User voucher id assigned by Alipay.
        voucher_code: Voucher code (merchant-voucher code modes).
        receive_user_id: Alipay user id of the receiving user.
    """

    MSG_METHOD: ClassVar[str] = _PREFIX + "received"

    voucher_id: str | Unset | None = UNSET
    voucher_code: str | Unset | None = UNSET
    receive_user_id: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class VoucherUsedMessage(Message):
    """A voucher was redeemed. Its payload is undocumented: beyond the shared fields,
    everything it carries is in ``extra``."""

    MSG_METHOD: ClassVar[str] = _PREFIX + "used"


@attrs.frozen(kw_only=True, repr=False)
class VoucherExpiredMessage(Message):
    """A user's voucher expired; the owner is given by exactly one of the two user ids.

    Attributes:
        voucher_id: User voucher id assigned by Alipay.
        user_id: Alipay user_id of the voucher owner (being phased out in favour of
            open_id).
        open_id: Alipay open_id of the voucher owner.
    """

    MSG_METHOD: ClassVar[str] = _PREFIX + "expired"

    voucher_id: str | Unset | None = UNSET
    user_id: str | Unset | None = UNSET
    open_id: str | Unset | None = UNSET


@attrs.frozen(kw_only=True, repr=False)
class GenericMessage(Message):
    """A message this SDK does not know: the shared fields, and all the rest in ``extra``.

    Attributes:
        msg_method: The envelope's ``msg_method`` (not part of the payload).
    """

    _msg_method: str = attrs.field(default="", alias="msg_method", metadata={"wire": False})

    @property
    def msg_method(self) -> str:
        """The ``msg_method`` of the envelope, as received."""
        return self._msg_method


MESSAGE_TYPES: dict[str, type[Message]] = {
    cls.MSG_METHOD: cls
    for cls in (
        ActivityCreatedMessage,
        ActivityModifiedMessage,
        ActivityAppendedMessage,
        ActivityStoppedMessage,
        VoucherReceivedMessage,
        VoucherUsedMessage,
        VoucherExpiredMessage,
    )
}
"""``msg_method`` -> payload model of every known voucher message."""


def parse_message(msg_method: str, biz_content: Mapping[str, Any] | str | bytes) -> Message:
    """The typed payload of a verified message; unknown ``msg_method`` -> GenericMessage.

    ``biz_content`` is the decoded payload, or the JSON text the envelope carries.
    """
    if isinstance(biz_content, (str, bytes)):
        try:
            biz_content = json.loads(biz_content)
        except ValueError as error:
            raise MalformedResponseError(
                f"{msg_method}: biz_content is not JSON ({error})"
            ) from error
    if not isinstance(biz_content, Mapping):
        raise MalformedResponseError(
            f"{msg_method}: biz_content must be a JSON object, got {type(biz_content).__name__}"
        )
    cls = MESSAGE_TYPES.get(msg_method)
    if cls is None:
        return attrs.evolve(from_json(GenericMessage, biz_content), msg_method=msg_method)
    return from_json(cls, biz_content)
