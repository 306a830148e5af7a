"""The generated models match the spec and the generator that made them."""

from __future__ import annotations

import copy
import importlib.util
import inspect
import json
import sys
import typing
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import attrs
import pytest

from alipay_voucher import models
from alipay_voucher.models import _generated

ROOT = Path(__file__).resolve().parent.parent
SHARED_SPEC = ROOT.parent / "shared" / "spec" / "voucher-openapi.json"
SPEC_COPY = Path(__file__).parent / "data" / "spec" / "voucher-openapi.json"
PACKAGE = ROOT / "alipay_voucher"
MODELS = PACKAGE / "models"


def committed(names: Any) -> dict[str, str]:
    """The committed text of the named generated modules ('' for one that is missing);
    names are relative to the package folder."""
    return {
        name: (PACKAGE / name).read_text(encoding="utf-8") if (PACKAGE / name).exists() else ""
        for name in names
    }


def generated_files() -> set[str]:
    """The generated modules of the package, relative to its folder."""
    found = {path.name for path in PACKAGE.glob("_generated*.py")}
    return found | {f"models/{path.name}" for path in MODELS.glob("_generated*.py")}


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_models", ROOT / "tools" / "gen_models.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("gen_models", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    return load_generator()


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SPEC_COPY.read_text(encoding="utf-8"))
    return data


@pytest.mark.skipif(not SHARED_SPEC.exists(), reason="../shared/spec/voucher-openapi.json absent")
def test_committed_modules_are_what_the_shared_spec_generates(gen: ModuleType) -> None:
    sources = gen.generate(json.loads(SHARED_SPEC.read_text(encoding="utf-8")))
    assert sources == committed(sources), "stale: run python tools/gen_models.py"


@pytest.mark.skipif(not SHARED_SPEC.exists(), reason="../shared/spec/voucher-openapi.json absent")
def test_test_copy_of_the_spec_is_current() -> None:
    for name in ("voucher-openapi.json", "voucher-messages.json"):
        shared = SHARED_SPEC.parent / name
        copy_ = SPEC_COPY.parent / name
        assert json.loads(copy_.read_text("utf-8")) == json.loads(shared.read_text("utf-8")), name


def test_committed_modules_are_what_the_spec_copy_generates(
    gen: ModuleType, document: dict[str, Any]
) -> None:
    sources = gen.generate(document)
    assert sources == committed(sources)
    assert generated_files() == set(sources)


def test_generation_is_deterministic(gen: ModuleType, document: dict[str, Any]) -> None:
    shuffled = copy.deepcopy(document)
    shuffled["paths"] = dict(reversed(list(shuffled["paths"].items())))
    assert gen.generate(document) == gen.generate(document)
    assert gen.generate(shuffled) == gen.generate(document)


def test_check_flag_reports_a_stale_module(gen: ModuleType, tmp_path: Path) -> None:
    (tmp_path / "models").mkdir()
    for name in generated_files():
        text = (PACKAGE / name).read_text(encoding="utf-8")
        (tmp_path / name).write_text(text, encoding="utf-8")
    args = ["--spec", str(SPEC_COPY), "--output-dir", str(tmp_path), "--check"]
    assert gen.main(args) == 0
    for edited in ("models/_generated_send.py", "_generated_operations.py"):
        (tmp_path / edited).write_text("# edited by hand\n", encoding="utf-8")
        assert gen.main(args) == 1
        assert gen.main(args[:-1]) == 0
        assert gen.main(args) == 0
    (tmp_path / "models/_generated_send.py").unlink()  # a module missing
    assert gen.main(args) == 1
    (tmp_path / "models/_generated_old_group.py").write_text("# left over\n", encoding="utf-8")
    assert gen.main(args[:-1]) == 0  # writes the missing module, removes the left-over one
    assert not (tmp_path / "models/_generated_old_group.py").exists()
    assert gen.main(args) == 0


def test_generator_refuses_a_field_that_shadows_the_model_base(
    gen: ModuleType, document: dict[str, Any]
) -> None:
    changed = copy.deepcopy(document)
    schema = changed["components"]["schemas"]["VoucherSummary"]
    schema["properties"]["extra"] = {"type": "string", "description": "new"}
    with pytest.raises(SystemExit, match="extra"):
        gen.generate(changed)


def test_generator_refuses_known_values_without_an_enum(
    gen: ModuleType, document: dict[str, Any]
) -> None:
    changed = copy.deepcopy(document)
    prop = changed["components"]["schemas"]["VoucherSummary"]["properties"]
    prop["new_status"] = {"type": "string", "x-known-values": ["A", "B"]}
    with pytest.raises(SystemExit, match="ENUM_BY_FIELD"):
        gen.generate(changed)


def test_generator_refuses_an_amount_it_cannot_classify(
    gen: ModuleType, document: dict[str, Any]
) -> None:
    changed = copy.deepcopy(document)
    prop = changed["components"]["schemas"]["VoucherSummary"]["properties"]
    prop["refund_amount"] = {"type": "string", "description": "Refunded sum."}
    with pytest.raises(SystemExit, match="refund_amount"):
        gen.generate(changed)


def spec_properties(document: dict[str, Any], schema: str) -> set[str]:
    body = document["components"]["schemas"][schema]
    if "anyOf" in body:
        names: set[str] = set()
        for option in body["anyOf"]:
            names |= spec_properties(document, option["$ref"].rsplit("/", 1)[-1])
        return names
    return set(body.get("properties", {}))


def test_every_schema_has_a_model_with_exactly_its_fields(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    assert len(schemas) == 98
    assert set(_generated.SCHEMAS) == set(schemas)
    total = 0
    for name, cls in _generated.SCHEMAS.items():
        assert name == cls.SCHEMA
        assert attrs.has(cls)
        fields = {f.name for f in attrs.fields(cls) if f.init} - {"extra"}
        assert fields == spec_properties(document, name), name
        if "properties" in schemas[name]:
            total += len(fields)
    assert total == 327


def test_every_field_is_documented_in_the_class_docstring(document: dict[str, Any]) -> None:
    for name, cls in _generated.SCHEMAS.items():
        # cleandoc: Python 3.13 strips docstring indentation at compile time, older
        # versions keep it
        doc = inspect.cleandoc(cls.__doc__ or "")
        for field in attrs.fields(cls):
            if field.init and field.name != "extra":
                assert f"\n    {field.name}: " in doc, f"{name}.{field.name}"


def test_models_are_frozen_and_keyword_only() -> None:
    summary = models.VoucherSummary(publish_count=1)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        summary.publish_count = 2  # type: ignore[misc]
    with pytest.raises(TypeError):
        models.VoucherSummary(1)  # type: ignore[arg-type, call-arg]


SHORT_NAMES = {
    "VoucherCreateRequest": "AlipayMarketingActivityVoucherCreateModel",
    "VoucherCreateResponse": "AlipayMarketingActivityVoucherCreateResponseModel",
    "VoucherPublishRequest": "AlipayMarketingActivityVoucherPublishModel",
    "VoucherPublishResponse": "AlipayMarketingActivityVoucherPublishResponseModel",
    "VoucherSendRequest": "AlipayMarketingActivityVoucherSendModel",
    "VoucherSendResponse": "AlipayMarketingActivityVoucherSendResponseModel",
    "VoucherModifyRequest": "AlipayMarketingActivityVoucherModifyModel",
    "VoucherModifyResponse": "AlipayMarketingActivityVoucherModifyResponseModel",
    "VoucherAppendRequest": "AlipayMarketingActivityVoucherAppendModel",
    "VoucherAppendResponse": "AlipayMarketingActivityVoucherAppendResponseModel",
    "VoucherStopRequest": "AlipayMarketingActivityVoucherStopModel",
    "VoucherStopResponse": "AlipayMarketingActivityVoucherStopResponseModel",
    "VoucherQueryResponse": "AlipayMarketingActivityVoucherQueryResponseModel",
    "VoucherSendErrorResponse": "AlipayMarketingActivityVoucherSendErrorResponseModel",
    "VoucherSendDefaultResponse": "alipay_marketing_activity_voucher_send_default_response",
}


@pytest.mark.parametrize("short, long", sorted(SHORT_NAMES.items()))
def test_short_names_and_the_spec_names_are_the_same_class(short: str, long: str) -> None:
    assert getattr(models, short) is getattr(models, long)
    assert long == getattr(models, short).SCHEMA


def test_registries_map_every_operation() -> None:
    operations = ("append", "create", "modify", "publish", "query", "send", "stop")
    assert tuple(models.REQUEST_TYPES) == operations  # name order, as every table
    assert set(models.RESPONSE_TYPES) == set(operations)
    assert set(models.ERROR_TYPES) == set(operations)
    for name in operations:
        assert name == models.REQUEST_TYPES[name].OPERATION
        assert name == models.RESPONSE_TYPES[name].OPERATION
        assert issubclass(models.REQUEST_TYPES[name], models.RequestModel)
        assert issubclass(models.RESPONSE_TYPES[name], models.ResponseModel)
    assert models.REQUEST_TYPES["query"] is models.VoucherQueryRequest
    query_fields = {f.name for f in attrs.fields(models.VoucherQueryRequest)} - {"extra"}
    assert query_fields == {"activity_id", "merchant_access_mode"}


def test_nested_types_keep_the_spec_names() -> None:
    for name in ("PaymentVoucherUseRule", "ActivityBaseInfo", "VoucherDeductInfo", "TimeRangeInfo"):
        assert getattr(models, name).__name__ == name


def test_every_coded_field_is_an_open_enum(document: dict[str, Any]) -> None:
    coded = 0
    for name, body in document["components"]["schemas"].items():
        cls = _generated.SCHEMAS[name]
        for field, prop in body.get("properties", {}).items():
            if prop.get("x-known-values") or prop.get("enum"):
                coded += 1
                annotation = str(attrs.fields_dict(cls)[field].type)
                enum_names = [e.__name__ for e in _generated.ENUMS]
                assert any(e in annotation for e in enum_names), f"{name}.{field}"
    assert coded == 37 + 8


def test_enum_members_cover_every_known_value(document: dict[str, Any]) -> None:
    for name, body in document["components"]["schemas"].items():
        cls = _generated.SCHEMAS[name]
        for field, prop in body.get("properties", {}).items():
            values = prop.get("x-known-values") or prop.get("enum")
            if not values:
                continue
            for value in values:
                given = [value] if prop.get("type") == "array" else value
                got = getattr(typing.cast(Any, cls)(**{field: given}), field)
                member = got[0] if isinstance(got, list) else got
                assert member.is_known, f"{name}.{field} = {value}"
                assert member == value


def test_money_and_datetime_fields_are_listed_in_the_module_docstring() -> None:
    doc = _generated.__doc__ or ""
    for money in ("PaymentFixVoucher.amount", "VoucherSaleModeInfo.sale_amount"):
        assert f"``{money}``" in doc
    assert "``DiscountVoucherInfo.discount``" in doc  # named as the exception
    for field in (
        "VoucherCreateRequest.publish_start_time",
        "VoucherSendRuleInfo.publish_end_time",
    ):
        assert f"``{field}``" in doc
    assert "TimeRangeInfo.begin_time" not in doc  # a time of day, not a date-time


def test_the_index_names_the_module_that_defines_each_name() -> None:
    from alipay_voucher.models import _generated_index

    assert list(_generated_index.MODULES) == _generated.__all__
    for name, module in _generated_index.MODULES.items():
        value = getattr(importlib.import_module(f"alipay_voucher.models.{module}"), name)
        assert value is getattr(_generated, name) is getattr(models, name)
        if isinstance(value, type):
            assert value.__module__ == f"alipay_voucher.models.{module}", name


def test_a_model_refers_only_to_models_of_its_own_module_or_of_wider_ones(
    gen: ModuleType, document: dict[str, Any]
) -> None:
    from alipay_voucher.models._generated_index import MODULES

    def operations(module: str) -> set[str]:
        if module == "_generated_shared":  # as wide as any: what it refers to is shared too
            return set(models.REQUEST_TYPES)
        return {module.removeprefix("_generated_")}

    def referred(annotation: Any) -> Iterator[type[models.Model]]:
        if isinstance(annotation, type) and issubclass(annotation, models.Model):
            yield annotation
        for argument in typing.get_args(annotation):
            yield from referred(argument)

    checked = 0
    for cls in {*_generated.SCHEMAS.values(), models.VoucherQueryRequest}:
        for field in attrs.fields(cls):
            for target in referred(field.type):
                home, used = MODULES[cls.__name__], MODULES[target.__name__]
                assert operations(used) >= operations(home), f"{cls.__name__}.{field.name}"
                checked += 1
    assert checked > 50  # the walk found the references
