"""Message payloads: every documented message parses the examples of voucher-messages.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import pytest

from alipay_voucher.errors import MalformedResponseError
from alipay_voucher.models import (
    MESSAGE_TYPES,
    UNSET,
    ActivityCreatedMessage,
    ActivityEventMessage,
    GenericMessage,
    Message,
    VoucherExpiredMessage,
    VoucherReceivedMessage,
    VoucherUsedMessage,
    parse_message,
    to_json,
)

SCHEMA = json.loads(
    (Path(__file__).parent / "data" / "spec" / "voucher-messages.json").read_text("utf-8")
)
MESSAGES: dict[str, Any] = SCHEMA["x-messages"]


def definition(msg_method: str) -> dict[str, Any]:
    ref = MESSAGES[msg_method]["biz_content"]["$ref"]
    result: dict[str, Any] = SCHEMA["$defs"][ref.rsplit("/", 1)[-1]]
    return result


def example_payload(msg_method: str) -> dict[str, Any]:
    """A biz_content built from the examples of the message's schema (ids otherwise)."""
    payload = {}
    for name, prop in definition(msg_method).get("properties", {}).items():
        examples = prop.get("examples")
        payload[name] = examples[0] if examples else f"{name}-example"
    return payload


def test_every_documented_message_has_a_model() -> None:
    assert set(MESSAGES) == set(MESSAGE_TYPES)
    assert len(MESSAGE_TYPES) == 7
    for msg_method, cls in MESSAGE_TYPES.items():
        assert msg_method == cls.MSG_METHOD
        assert issubclass(cls, Message)


@pytest.mark.parametrize("msg_method", sorted(MESSAGES))
def test_each_message_parses_its_example_and_exposes_every_field(msg_method: str) -> None:
    payload = example_payload(msg_method)
    message = parse_message(msg_method, payload)
    assert type(message) is MESSAGE_TYPES[msg_method]
    assert message.msg_method == msg_method
    for name, value in payload.items():
        assert getattr(message, name) == value, name
    assert message.extra == {}
    assert to_json(message) == payload


@pytest.mark.parametrize("msg_method", sorted(MESSAGES))
def test_each_message_model_declares_exactly_the_documented_fields(msg_method: str) -> None:
    cls = MESSAGE_TYPES[msg_method]
    declared = {f.name for f in attrs.fields(cls)} - {"extra"}
    documented = set(definition(msg_method).get("properties", {}))
    shared = {"id", "activity_id", "event_time"}
    if documented:
        assert declared == documented
    else:  # "used": payload not found; only the fields every other message shares
        assert declared == shared


def test_activity_events_carry_out_biz_no() -> None:
    for msg_method in ("created", "modified", "appended", "stopped"):
        cls = MESSAGE_TYPES[f"alipay.marketing.activity.message.{msg_method}"]
        assert issubclass(cls, ActivityEventMessage)
    created = parse_message(
        "alipay.marketing.activity.message.created",
        {"id": "e1", "activity_id": "A1", "event_time": "1619338271", "out_biz_no": "B1"},
    )
    assert isinstance(created, ActivityCreatedMessage) and created.out_biz_no == "B1"


def test_unknown_fields_of_a_known_message_are_kept() -> None:
    payload = {**example_payload("alipay.marketing.activity.message.expired"), "new": {"x": 1}}
    message = parse_message("alipay.marketing.activity.message.expired", json.dumps(payload))
    assert isinstance(message, VoucherExpiredMessage)
    assert message.extra == {"new": {"x": 1}}
    assert to_json(message) == payload


def test_the_used_message_keeps_its_undocumented_payload() -> None:
    payload = {"id": "u1", "activity_id": "A1", "voucher_id": "V1", "use_amount": "5.00"}
    message = parse_message("alipay.marketing.activity.message.used", payload)
    assert isinstance(message, VoucherUsedMessage)
    assert message.id == "u1" and message.extra == {"voucher_id": "V1", "use_amount": "5.00"}
    assert to_json(message) == payload


def test_an_unknown_msg_method_gives_a_generic_message_with_every_field() -> None:
    payload = {"id": "e9", "activity_id": "A1", "something": [1, 2], "flag": False}
    message = parse_message("alipay.marketing.activity.message.refunded", payload)
    assert type(message) is GenericMessage
    assert message.msg_method == "alipay.marketing.activity.message.refunded"
    assert message.id == "e9"
    assert message.extra == {"something": [1, 2], "flag": False}
    assert to_json(message) == payload  # msg_method is not part of the payload


def test_missing_fields_are_unset() -> None:
    message = parse_message("alipay.marketing.activity.message.received", {"id": "r1"})
    assert isinstance(message, VoucherReceivedMessage)
    assert message.voucher_id is UNSET and message.receive_user_id is UNSET


@pytest.mark.parametrize(
    "stamp, millis",
    [
        ("1619338271", 1_619_338_271_000),
        ("1619338271123", 1_619_338_271_123),
        ("x", None),
        (None, None),
    ],
)
def test_event_time_ms_reads_seconds_or_milliseconds(stamp: str | None, millis: int | None) -> None:
    payload = {} if stamp is None else {"event_time": stamp}
    message = parse_message("alipay.marketing.activity.message.stopped", payload)
    assert message.event_time_ms == millis


@pytest.mark.parametrize("bad", ["not json", "[1, 2]", b"\xff", 5])
def test_a_payload_that_is_not_a_json_object_is_refused(bad: Any) -> None:
    with pytest.raises(MalformedResponseError, match="biz_content"):
        parse_message("alipay.marketing.activity.message.created", bad)


def test_a_payload_with_a_wrong_field_type_names_the_field() -> None:
    with pytest.raises(MalformedResponseError, match="VoucherExpiredMessage.voucher_id"):
        parse_message("alipay.marketing.activity.message.expired", {"voucher_id": {"a": 1}})
