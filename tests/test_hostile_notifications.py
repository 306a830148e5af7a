"""Hostile notifications: ``parse_notification`` returns only what Alipay's key signed.

It gets random bytes, text forms and mappings, and forms signed with Alipay's key (or
another) around junk; each must end in a truly signed message or an ``AlipayError``.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from alipay_voucher.config import AlipayConfig
from alipay_voucher.errors import (
    AlipayError,
    NotificationError,
    SignatureVerificationError,
)
from alipay_voucher.notify import parse_notification
from tests.hostile_oracle import check_notification, notify_sign_content
from tests.hostile_strategies import ACTIVITY, ALIPAY_KEY, WRONG_KEY, json_values
from tests.vectors import APP_ID

# --------------------------------------------------------------------------- notifications

MSG_METHODS = [
    "alipay.marketing.activity.message.created",
    "alipay.marketing.activity.message.stopped",
    "alipay.marketing.activity.message.received",
    "alipay.marketing.activity.message.used",
    "alipay.marketing.activity.message.expired",
    "alipay.marketing.activity.message.someday",
]
_ENVELOPE_KEYS = ["notify_id", "utc_timestamp", "msg_method", "app_id", "version", "biz_content",
                  "charset", "sign_type"]  # fmt: skip
_CODECS = ["UTF-8", "utf8", "GBK", "gb2312", "latin-1", "utf-16", "utf-7", "idna", "punycode",
           "rot13", "base64", "undefined", "unicode_escape", "a\x00b", "", "x" * 80]  # fmt: skip
_ANY_TEXT = st.text(max_size=20)  # lone surrogates included
_BIZ_JUNK = st.one_of(
    st.sampled_from(
        [
            "[]",
            "[1, 2]",
            "null",
            "7",
            '"text"',
            "{",
            "not json",
            '{"id": 5, "activity_id": {"x": 1}, "event_time": [1]}',
            '{"event_time": 1e400}',
            '{"n": ' + "1" * 5000 + "}",
            "x" * 300_000,
            '{"id": "' + "x" * 600_000 + '"}',
        ]
    ),
    st.sampled_from(
        [
            '{"a": ' + "[" * 900 + "]" * 900 + "}",
            "[" * 50_000,
            '{"a": ' + "[" * 50_000 + "]" * 50_000 + "}",
        ]
    ),
    st.builds(json.dumps, json_values),
    st.builds(
        json.dumps,
        st.dictionaries(
            st.sampled_from(["id", "activity_id", "event_time", "voucher_id", "out_biz_no"]),
            json_values,
        ),
    ),
    _ANY_TEXT,
)


@st.composite
def signed_messages(draw: st.DrawFn) -> dict[str, str]:
    """An envelope signed with Alipay's key (or not) around parameters of any quality."""
    params: dict[str, str] = {
        "notify_id": "2024060100222105131062921023025563",
        "utc_timestamp": str(int(time.time() * 1000)),
        "msg_method": draw(st.sampled_from(MSG_METHODS)),
        "app_id": APP_ID,
        "version": "1.1",
        "biz_content": json.dumps({"id": "e1", "activity_id": ACTIVITY, "event_time": "1"}),
        "charset": "UTF-8",
        "sign_type": "RSA2",
    }
    for key in draw(st.lists(st.sampled_from(_ENVELOPE_KEYS), max_size=3, unique=True)):
        change = draw(st.sampled_from(["drop", "empty", "junk"]))
        if change == "drop":
            params.pop(key, None)
        elif change == "empty":
            params[key] = ""
        elif key == "biz_content":
            params[key] = draw(_BIZ_JUNK)
        elif key == "utc_timestamp":
            params[key] = draw(st.sampled_from(["1e3", "-1", "nan", "١٢٣", "9" * 30, "1" * 5000]))
        elif key == "app_id":
            params[key] = draw(st.sampled_from(["2021000000000002", APP_ID + " ", "x"]))
        else:
            params[key] = draw(_ANY_TEXT)
    if draw(st.booleans()):
        params["biz_content"] = draw(_BIZ_JUNK)
    for key, value in draw(st.dictionaries(st.text(max_size=6), _ANY_TEXT, max_size=2)).items():
        params.setdefault(key, value)
    params.pop("sign", None)
    v2 = draw(st.booleans())
    signer = draw(st.sampled_from([ALIPAY_KEY, ALIPAY_KEY, ALIPAY_KEY, WRONG_KEY]))
    content = notify_sign_content(params, v2=v2, keep_empty=draw(st.booleans()))
    signature = signer.sign(content, padding.PKCS1v15(), hashes.SHA256())
    params["sign"] = base64.b64encode(signature).decode()
    if draw(st.integers(0, 5)) == 0:  # changed on the way
        key = draw(st.sampled_from(sorted(params)))
        params[key] = params[key] + draw(st.sampled_from(["x", " ", "%20", "\ud800"]))
    return params


class _ListsMapping(dict):  # type: ignore[type-arg]
    """Like Django's QueryDict / Werkzeug's MultiDict: every value through lists()."""

    def lists(self) -> Any:
        return [(k, v if isinstance(v, list) else [v]) for k, v in self.items()]


@st.composite
def deliveries(draw: st.DrawFn, params: dict[str, Any]) -> Any:
    """The same parameters as a raw body (bytes or str) or as a parsed mapping."""
    how = draw(st.sampled_from(["bytes", "bytes", "str", "mapping", "lists", "gbk"]))
    if how in ("bytes", "str", "gbk"):
        items = list(params.items())
        if draw(st.integers(0, 5)) == 0 and items:  # a parameter twice
            items.append(draw(st.sampled_from(items)))
        try:
            text = urlencode(items, encoding="gbk" if how == "gbk" else "utf-8")
        except UnicodeEncodeError:
            text = urlencode(items, encoding="utf-8", errors="surrogatepass")
        if how == "str":
            return text
        return text.encode("ascii")
    if how == "lists":
        return _ListsMapping({k: [v] for k, v in params.items()})
    return dict(params)


_KEYS = st.one_of(
    _ANY_TEXT,
    st.sampled_from(["sign", "sign_type", "app_id", "biz_content", "charset", "notify_id"]),
    st.integers(),
    st.binary(max_size=4),
    st.none(),
    st.tuples(st.text(max_size=2)),
)
_VALUES = st.one_of(
    _ANY_TEXT,
    st.lists(_ANY_TEXT, max_size=3),
    st.tuples(_ANY_TEXT),
    st.integers(),
    st.none(),
    st.binary(max_size=4),
    st.floats(),
)


def _text_forms() -> st.SearchStrategy[Any]:
    pair = st.tuples(
        st.sampled_from(["sign", "charset", "app_id", "biz_content"]) | _ANY_TEXT,
        st.sampled_from(_CODECS) | _ANY_TEXT,
    )
    form = st.lists(pair, max_size=5).map(
        lambda pairs: "&".join(f"{quote(k, safe='', errors='surrogatepass')}={v}" for k, v in pairs)
    )
    return st.one_of(
        form,
        form.map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.lists(st.sampled_from(_CODECS), min_size=1, max_size=1).map(
            lambda cs: b"charset=" + cs[0].encode() + b"&sign=x&a=%FF"
        ),
    )


hostile_notifications = st.one_of(
    st.binary(max_size=300),
    _ANY_TEXT,
    _text_forms(),
    st.dictionaries(_KEYS, _VALUES, max_size=5),
    st.dictionaries(_KEYS, _VALUES, max_size=5).map(lambda d: {"sign": "AAAA", **d}),
    signed_messages().flatmap(deliveries),
)


NOTIFY_SETTINGS = settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@NOTIFY_SETTINGS
@given(raw=hostile_notifications)
def test_parse_notification_returns_only_what_alipay_signed(
    raw: Any, key_config: AlipayConfig
) -> None:
    event(f"outcome: {check_notification(raw, key_config)}")


@NOTIFY_SETTINGS
@given(raw=signed_messages().flatmap(deliveries))
def test_signed_envelopes_around_junk(raw: Any, key_config: AlipayConfig) -> None:
    event(f"outcome: {check_notification(raw, key_config)}")


@pytest.mark.long
@settings(NOTIFY_SETTINGS, max_examples=5000)
@given(raw=hostile_notifications)
def test_parse_notification_long(raw: Any, key_config: AlipayConfig) -> None:
    check_notification(raw, key_config)


def _signed_form(**changes: str) -> dict[str, str]:
    params = {
        "notify_id": "n-1",
        "utc_timestamp": "1717200000000",
        "msg_method": MSG_METHODS[0],
        "app_id": APP_ID,
        "biz_content": '{"id": "e1"}',
        "charset": "UTF-8",
        "sign_type": "RSA2",
        **changes,
    }
    content = notify_sign_content(params, v2=False, keep_empty=False)
    signature = ALIPAY_KEY.sign(content, padding.PKCS1v15(), hashes.SHA256())
    return {**params, "sign": base64.b64encode(signature).decode()}


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        # _decode_form: a declared charset whose codec raises UnicodeError or ValueError
        (b"charset=punycode", NotificationError),
        (b"charset=undefined&sign=x", NotificationError),
        (b"charset=\x00", NotificationError),
        # _single_values: keys that are not text (sorting them raised TypeError)
        ({"sign": "AAAA", "": "", 0: ""}, NotificationError),
        ({"sign": "AAAA", b"a": "1", "b": "2"}, NotificationError),
        # verify_params: lone surrogates (encoding the signed content raised)
        ("sign=AAAA&a=\ud800", SignatureVerificationError),
        ({"sign": "AAAA", "a": "\udcff"}, SignatureVerificationError),
        # _build: biz_content nested too deeply for json (RecursionError)
        (_signed_form(biz_content="[" * 50_000), NotificationError),
        (_signed_form(biz_content='{"a": ' + "[" * 50_000 + "]" * 50_000 + "}"), NotificationError),
    ],
    ids=[
        "punycode",
        "undefined",
        "nul-charset",
        "int-key",
        "bytes-key",
        "surrogate-text",
        "surrogate-mapping",
        "deep-array",
        "deep-object",
    ],
)
def test_regression_notification_guards(
    key_config: AlipayConfig, raw: Any, error: type[AlipayError]
) -> None:
    """Fixed in notify.py: each of these escaped as a non-AlipayError."""
    with pytest.raises(error):
        parse_notification(raw, key_config)
    if isinstance(raw, dict) and "biz_content" in raw:
        form = urlencode(raw).encode()
        with pytest.raises(error):
            parse_notification(form, key_config)
