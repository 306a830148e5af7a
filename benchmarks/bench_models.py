"""How much the model layer adds to plain JSON, on the two heaviest documents.

* parse: a full ``query`` response (every nested object filled, lists of a few items):
  ``json.loads`` + ``from_json``, against ``json.loads`` alone;
* serialise: a full ``create`` request model: ``request_to_json`` (unstructure + checks)
  + ``json.dumps``, against ``json.dumps`` of the same dict alone.

Both baselines run in the same process, so the ratios hold across machines. Targets:
the converter costs at most 10x plain json, and a full query response parses in under
100 us.

    python benchmarks/bench_models.py [--seconds 0.5]
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
import types
import typing
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alipay_voucher.models import (
    Model,
    OpenEnum,
    Unset,
    VoucherCreateRequest,
    VoucherQueryResponse,
    from_json,
    request_to_json,
)

LIST_ITEMS = 2
EARLY = "2024-06-01 00:00:00"
LATE = "2024-06-30 23:59:59"
LATER = "2024-07-31 23:59:59"
LEFT_OUT = ("unavailable_goods_ids",)
"""Fields that exclude one already filled (``available_goods``), so the create passes
its checks."""


def _members(tp: Any) -> list[Any]:
    if isinstance(tp, types.UnionType):
        return [a for a in typing.get_args(tp) if a not in (type(None), Unset)]
    return [tp]


def _sample(tp: Any, depth: int) -> Any:
    members = _members(tp)
    first = members[0]
    if Decimal in members:
        return "99.99"
    if datetime in members:
        return LATE
    if isinstance(first, type) and issubclass(first, OpenEnum):
        return next(iter(first)).value
    if typing.get_origin(first) is list:
        (item,) = typing.get_args(first)
        count = LIST_ITEMS if depth < 8 else 1
        return [_sample(item, depth + 1) for _ in range(count)]
    if isinstance(first, type) and issubclass(first, Model):
        return full_document(first, depth + 1)
    if first is int:
        return 100
    if first is bool:
        return True
    return "2088102111111111"


def _sample_field(field: attrs.Attribute[Any], depth: int) -> Any:
    value = _sample(field.type, depth)
    if value == LATE and field.name.endswith(("start_time", "begin_time")):
        return EARLY  # every window opens before it closes, as the request checks demand
    if value == LATE and field.name == "valid_end_time":
        return LATER  # a voucher stays usable after the last day it can be issued
    return value


def full_document(cls: type[Model], depth: int = 0) -> dict[str, Any]:
    """A JSON document for ``cls`` with every field of every nested object set."""
    return {
        field.name: _sample_field(field, depth)
        for field in attrs.fields(cls)
        if field.init and field.name not in ("extra", *LEFT_OUT)
    }


def per_op(function: Callable[[], object], seconds: float) -> float:
    """Best-of-5 time per call in microseconds."""
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            function()
        if time.perf_counter() - start > seconds / 10:
            break
        number *= 2
    best = float("inf")
    gc.disable()
    try:
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(number):
                function()
            best = min(best, (time.perf_counter() - start) / number)
    finally:
        gc.enable()
    return best * 1e6


def count_objects(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + sum(count_objects(v) for v in value.values())
    if isinstance(value, list):
        return sum(count_objects(v) for v in value)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=0.5, help="time per measurement")
    args = parser.parse_args()

    query_text = json.dumps(full_document(VoucherQueryResponse), ensure_ascii=False)
    create = from_json(VoucherCreateRequest, full_document(VoucherCreateRequest))
    create_json = request_to_json("create", create)
    assert from_json(VoucherQueryResponse, json.loads(query_text)).activity_id

    parse_plain = per_op(lambda: json.loads(query_text), args.seconds)
    query_doc = json.loads(query_text)
    parse_only = per_op(lambda: from_json(VoucherQueryResponse, query_doc), args.seconds)
    parse_models = per_op(
        lambda: from_json(VoucherQueryResponse, json.loads(query_text)), args.seconds
    )
    dump_plain = per_op(lambda: json.dumps(create_json, ensure_ascii=False), args.seconds)
    dump_only = per_op(lambda: request_to_json("create", create), args.seconds)
    dump_models = per_op(
        lambda: json.dumps(request_to_json("create", create), ensure_ascii=False), args.seconds
    )
    calibration = per_op(lambda: sum(range(1000)), args.seconds / 5)

    print(
        f"query response: {len(query_text)} bytes, {count_objects(query_doc)} objects; "
        f"create request: {len(json.dumps(create_json))} bytes, "
        f"{count_objects(create_json)} objects"
    )
    print(f"machine: sum(range(1000)) takes {calibration:.1f} us (about 5 us on a fast desktop)")
    print()
    print(f"{'case':<46}{'us/op':>9}{'vs json':>9}")
    rows = [
        ("parse query: json.loads", parse_plain),
        ("parse query: from_json (converter only)", parse_only),
        ("parse query: json.loads + from_json", parse_models),
        ("serialise create: json.dumps", dump_plain),
        ("serialise create: request_to_json (only)", dump_only),
        ("serialise create: request_to_json + json.dumps", dump_models),
    ]
    for name, micros in rows:
        base = parse_plain if name.startswith("parse") else dump_plain
        print(f"{name:<46}{micros:>9.1f}{micros / base:>8.1f}x")
    print()
    parse_ratio, dump_ratio = parse_models / parse_plain, dump_models / dump_plain
    verdict = "met" if max(parse_ratio, dump_ratio) <= 10 else "MISSED"
    print(
        f"converter vs plain json: parse {parse_ratio:.1f}x, serialise {dump_ratio:.1f}x "
        f"(target <= 10x): {verdict}"
    )
    verdict = "met" if parse_models < 100 else "MISSED on this machine"
    print(
        f"full query response parse: {parse_models:.0f} us (target < 100 us): {verdict}; "
        f"from_json alone {parse_only:.0f} us, json.loads alone {parse_plain:.0f} us"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
