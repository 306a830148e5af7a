"""Every schema survives JSON -> model -> JSON unchanged (hypothesis, strategies from the spec).

The documents are derived from the test copy of the spec, not from the models, so a
generator mistake (a field missing, the wrong type) shows up as a failed round trip.
Which strings are money or date-times is a decision of the generator; that part is read
from the models and checked separately in test_models_generated.
"""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alipay_voucher.models import VoucherQueryRequest, _generated, from_json, to_json

SPEC = json.loads(
    (Path(__file__).parent / "data" / "spec" / "voucher-openapi.json").read_text("utf-8")
)
SCHEMAS: dict[str, Any] = SPEC["components"]["schemas"]

# Unknown members: named so they can never be a spec field, valued with any JSON.
EXTRA_KEYS = st.from_regex(r"zz_[a-z_]{1,8}", fullmatch=True)
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
# Money as Alipay writes it: a plain decimal with at least two places. (Other spellings
# parse too but are normalised on output, which test_models_values covers.)
MONEY = st.from_regex(r"-?(0|[1-9][0-9]{0,7})\.[0-9]{2,4}", fullmatch=True)
WIRE_DATETIMES = st.datetimes(min_value=datetime(1, 1, 1)).map(
    lambda moment: moment.replace(microsecond=0).isoformat(sep=" ")
)
LINKS = st.text(max_size=20) | st.lists(
    st.fixed_dictionaries({"link": st.text(max_size=20), "desc": st.text(max_size=10)}),
    max_size=2,
)


def properties(name: str) -> dict[str, Any]:
    body = SCHEMAS[name]
    if "anyOf" in body:
        merged: dict[str, Any] = {}
        for option in body["anyOf"]:
            merged.update(properties(option["$ref"].rsplit("/", 1)[-1]))
        return merged
    return dict(body.get("properties", {}))


def model_kind(cls: type, field: str) -> str:
    annotation = attrs.fields_dict(cls)[field].type
    if Decimal in getattr(annotation, "__args__", ()):
        return "money"
    if datetime in getattr(annotation, "__args__", ()):
        return "datetime"
    return "other"


def value_of(cls: type, field: str, prop: dict[str, Any]) -> st.SearchStrategy[Any]:
    known = prop.get("x-known-values") or prop.get("enum")
    base: st.SearchStrategy[Any]
    if "$ref" in prop:
        base = document(prop["$ref"].rsplit("/", 1)[-1])
    elif prop.get("type") == "array":
        items = prop["items"]
        if "$ref" in items:
            item = document(items["$ref"].rsplit("/", 1)[-1])
            base = st.lists(item | st.none(), max_size=3)
        elif known:
            base = st.lists(st.sampled_from(known) | st.text(max_size=10), max_size=3)
        else:
            base = st.lists(st.text(max_size=10), max_size=3)
    elif prop.get("type") == "integer":
        base = st.integers(-(2**31), 2**31)
    elif prop.get("type") == "boolean":
        base = st.booleans()
    elif field == "links":
        base = LINKS
    elif model_kind(cls, field) == "money":
        base = MONEY
    elif model_kind(cls, field) == "datetime":
        base = WIRE_DATETIMES | st.text(max_size=20)
    elif known:
        base = st.sampled_from(known) | st.text(max_size=10)
    else:
        base = st.text(max_size=12)
    return base | st.none()


@cache
def document(name: str) -> st.SearchStrategy[dict[str, Any]]:
    cls = _generated.SCHEMAS[name]
    fields = {field: value_of(cls, field, prop) for field, prop in properties(name).items()}
    # A field without a default (an id the client guarantees) is always there, never null.
    required = {
        field.name: st.text(min_size=1, max_size=12)
        for field in attrs.fields(cls)
        if field.default is attrs.NOTHING
    }
    optional = {key: value for key, value in fields.items() if key not in required}
    known = st.fixed_dictionaries(required, optional=optional)
    extra = st.dictionaries(EXTRA_KEYS, JSON_VALUES, max_size=2)
    return st.tuples(known, extra).map(lambda pair: {**pair[0], **pair[1]})


def assert_plain_json(value: Any) -> None:
    """Only the types json.loads produces: no Decimal, datetime, enum or model left."""
    assert type(value) in (dict, list, str, int, float, bool, type(None)), type(value)
    if type(value) is dict:
        for key, item in value.items():
            assert type(key) is str
            assert_plain_json(item)
    elif type(value) is list:
        for item in value:
            assert_plain_json(item)


def round_trip(cls: type, doc: dict[str, Any]) -> None:
    model: Any = from_json(cls, doc)
    out = to_json(model)
    assert out == doc
    assert_plain_json(out)
    assert json.loads(json.dumps(out)) == doc
    assert from_json(cls, out) == model


@pytest.mark.parametrize("schema", sorted(SCHEMAS))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_schema_round_trips(schema: str, data: st.DataObject) -> None:
    round_trip(_generated.SCHEMAS[schema], data.draw(document(schema)))


QUERY_PARAMETERS = st.fixed_dictionaries(
    {},
    optional={
        "activity_id": st.text(max_size=30) | st.none(),
        "merchant_access_mode": st.sampled_from(["SELF_MODE", "AGENCY_MODE"])
        | st.text(max_size=10),
    },
)


@settings(max_examples=30, deadline=None)
@given(doc=QUERY_PARAMETERS)
def test_query_parameters_round_trip(doc: dict[str, Any]) -> None:
    round_trip(VoucherQueryRequest, doc)


QUERY_RESPONSE = "AlipayMarketingActivityVoucherQueryResponseModel"


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=document(QUERY_RESPONSE))
def test_round_trip_keeps_key_order_of_known_fields(doc: dict[str, Any]) -> None:
    cls = _generated.SCHEMAS[QUERY_RESPONSE]
    out = to_json(from_json(cls, doc))
    known = [key for key in properties(QUERY_RESPONSE) if key in doc]
    assert list(out)[: len(known)] == known  # spec order first, unknown members after
