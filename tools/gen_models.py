"""Generate ``alipay_voucher/models/_generated.py`` from the voucher OpenAPI document.

    python tools/gen_models.py                 # write the module
    python tools/gen_models.py --check         # exit 1 if the committed module is stale
    python tools/gen_models.py --spec PATH     # read another copy of the spec

The spec is the single source of the field lists and their documentation; this script
only adds what the spec cannot say: which strings are money or date-times, which coded
strings share one open enum, short class names for the operation models, and two
documented type quirks. Every such decision is a table below, so a new spec version that
needs a new decision fails loudly here instead of producing a silently wrong model.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
import textwrap
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPEC = ROOT.parent / "shared" / "spec" / "voucher-openapi.json"
OUTPUT = ROOT / "alipay_voucher" / "models" / "_generated.py"
LINE = 100

OPERATIONS = ("create", "publish", "send", "modify", "append", "stop", "query")

# Field names the hand-written bases use; a spec field with one of these names would
# shadow them, so the generator refuses it and a human has to pick a new name.
RESERVED = frozenset(
    {"extra", "response_info", "http_status", "trace_id", "request_id", "SCHEMA", "OPERATION"}
)

# Coded strings (fields with ``x-known-values``) -> the open enum that holds their codes.
# Fields sharing a meaning share an enum; the members are the union of their values.
ENUM_BY_FIELD = {
    "merchant_access_mode": "MerchantAccessMode",
    "voucher_type": "VoucherType",
    "activity_status": "ActivityStatus",
    "code_mode": "CodeMode",
    "business_type": "BusinessType",
    "merchant_id_type": "MerchantIdType",
    "budget_type": "BudgetType",
    "recharge_type": "RechargeType",
    "use_guide_mode": "UseGuideMode",
    "directional_type": "DirectionalType",
    "biz_type": "ExchangeBizType",
    "voucher_send_mode": "VoucherSendMode",
    "quantity_limit_per_user_period_type": "LimitPeriodType",
    "voucher_quantity_limit_per_user_period_type": "LimitPeriodType",
    "use_mode": "UseMode",
    "type": "ValidPeriodType",
    "period_type": "ValidPeriodType",
    "rule_type": "TimeRuleType",
    "end_time_type": "EndTimeType",
    "valid_days_relative_type": "ValidDaysRelativeType",
    "audit_result": "AuditResult",
    "audit_type": "AuditType",
}
COMMON_ERROR_CODE = "CommonErrorCode"

# The spec types these as ``string`` although they hold a JSON array of ids (MODELS.md,
# "Type quirk"); a list given in Python is encoded as that JSON text.
JSON_STRING_LISTS = frozenset(
    {
        ("PaymentVoucherUseRuleModify", "available_app_ids"),
        ("PaymentVoucherUseRuleModify", "available_store_ids"),
    }
)

_SPEC_PREFIX = "AlipayMarketingActivityVoucher"


# --------------------------------------------------------------------------- reading


def is_money(name: str, prop: Mapping[str, Any]) -> bool:
    """An amount of CNY yuan: named ``*amount`` and described as yuan.

    ``DiscountVoucherInfo.discount`` is a rate and stays a string. Every ``*amount``
    string must be described as yuan, so a new amount field forces a decision here.
    """
    if prop.get("type") != "string" or not name.endswith("amount"):
        return False
    if "CNY" not in prop.get("description", ""):
        raise SystemExit(f"{name}: an amount not described as CNY yuan; decide and update")
    return True


def is_datetime(name: str, prop: Mapping[str, Any]) -> bool:
    """A ``yyyy-MM-dd HH:mm:ss`` field; times of day and dates stay strings."""
    return (
        prop.get("type") == "string"
        and name.endswith("_time")
        and "yyyy-MM-dd HH:mm:ss" in prop.get("description", "")
    )


def short_name(schema: str) -> str:
    """Short public names for the operation models; nested types keep their spec name."""
    pattern = _SPEC_PREFIX + r"([A-Z][a-z]+)(Model|ResponseModel|ErrorResponseModel)"
    match = re.fullmatch(pattern, schema)
    if match:
        suffix = {"Model": "Request", "ResponseModel": "Response"}.get(
            match.group(2), "ErrorResponse"
        )
        return f"Voucher{match.group(1)}{suffix}"
    match = re.fullmatch(r"alipay_marketing_activity_voucher_([a-z]+)_default_response", schema)
    if match:
        return f"Voucher{match.group(1).capitalize()}DefaultResponse"
    return schema


def ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def describe(prop: Mapping[str, Any]) -> str:
    return str(prop.get("description") or prop.get("x-description") or "").strip()


class Spec:
    """The parts of the OpenAPI document the generator needs, in a stable order."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        self.schemas: dict[str, Mapping[str, Any]] = dict(document["components"]["schemas"])
        self.operations: dict[str, dict[str, Any]] = {}
        for path, methods in document["paths"].items():
            for method, operation in methods.items():
                name = operation["operationId"].rsplit(".", 1)[-1]
                if name not in OPERATIONS:
                    raise SystemExit(f"unknown operation {operation['operationId']}")
                self.operations[name] = {"path": path, "method": method.upper(), **operation}

    def properties(self, schema: str) -> dict[str, Mapping[str, Any]]:
        """Properties of a schema; an ``anyOf`` of error bodies gets the union of them."""
        body = self.schemas[schema]
        if "anyOf" in body:
            merged: dict[str, Mapping[str, Any]] = {}
            for option in body["anyOf"]:
                for name, prop in self.properties(ref_name(option["$ref"])).items():
                    merged.setdefault(name, prop)
            return dict(sorted(merged.items()))
        return dict(body.get("properties", {}))

    def references(self, schema: str) -> Iterator[str]:
        body = self.schemas[schema]
        for option in body.get("anyOf", ()):
            yield ref_name(option["$ref"])
        for prop in body.get("properties", {}).values():
            target = prop.get("$ref") or prop.get("items", {}).get("$ref")
            if target:
                yield ref_name(target)

    def ordered(self) -> list[str]:
        """Schemas with every referenced schema before its first use, else in spec order."""
        done: list[str] = []
        seen: set[str] = set()

        def visit(name: str, stack: tuple[str, ...]) -> None:
            if name in seen:
                return
            if name in stack:
                raise SystemExit(f"reference cycle: {' -> '.join((*stack, name))}")
            for target in self.references(name):
                visit(target, (*stack, name))
            seen.add(name)
            done.append(name)

        for name in self.schemas:
            visit(name, ())
        return done

    def operation_of(self, schema: str) -> tuple[str, str] | None:
        """``(operation, role)`` for the request/response/error schemas of an operation."""
        for name, operation in self.operations.items():
            body = operation.get("requestBody", {}).get("content", {})
            for media in body.values():
                if ref_name(media["schema"]["$ref"]) == schema:
                    return name, "request"
            for status, response in operation["responses"].items():
                for media in response.get("content", {}).values():
                    if ref_name(media["schema"]["$ref"]) == schema:
                        return name, "response" if status == "200" else "default"
        return None


# --------------------------------------------------------------------------- enums


class EnumPlan:
    def __init__(self, name: str) -> None:
        self.name = name
        self.values: list[str] = []
        self.fields: list[str] = []
        self.sources: list[str] = []
        self.description = ""

    def add(self, where: str, values: list[str], source: str, description: str) -> None:
        self.fields.append(where)
        for value in values:
            if value not in self.values:
                self.values.append(value)
        if source and source not in self.sources:
            self.sources.append(source)
        if not self.description:
            self.description = description

    def member(self, value: str) -> str:
        name = re.sub(r"[^0-9A-Za-z]+", "_", value).strip("_").upper()
        return name if name and not name[0].isdigit() else f"V_{name}"


def enum_for(spec: Spec, schema: str, name: str, prop: Mapping[str, Any]) -> str | None:
    values = prop.get("x-known-values") or prop.get("enum")
    if not values:
        return None
    if name == "code" and "enum" in prop:
        if schema == "CommonErrorType":
            return COMMON_ERROR_CODE
        return short_name(schema).replace("ErrorResponse", "ErrorCode")
    if name not in ENUM_BY_FIELD:
        raise SystemExit(f"{schema}.{name} has known values but no enum: add it to ENUM_BY_FIELD")
    return ENUM_BY_FIELD[name]


def collect_enums(spec: Spec) -> dict[str, EnumPlan]:
    plans: dict[str, EnumPlan] = {}

    def add(enum: str, where: str, prop: Mapping[str, Any]) -> None:
        plan = plans.setdefault(enum, EnumPlan(enum))
        values = list(prop.get("x-known-values") or prop.get("enum") or ())
        plan.add(where, values, str(prop.get("x-known-values-source", "")), describe(prop))

    for schema, body in spec.schemas.items():
        for name, prop in body.get("properties", {}).items():
            enum = enum_for(spec, schema, name, prop)
            if enum:
                add(enum, f"{short_name(schema)}.{name}", prop)
    for parameter in spec.operations["query"].get("parameters", ()):
        enum = enum_for(spec, "query", parameter["name"], parameter["schema"])
        if enum:
            add(enum, f"query parameter {parameter['name']}", parameter["schema"])
    for plan in plans.values():
        members = [plan.member(value) for value in plan.values]
        if len(set(members)) != len(members):
            raise SystemExit(f"{plan.name}: two values map to one member name")
    return dict(sorted(plans.items()))


# --------------------------------------------------------------------------- fields


class FieldPlan:
    """How one JSON member becomes an attrs field."""

    def __init__(self, name: str, annotation: str, doc: str, converter: str | None) -> None:
        if name in RESERVED or not name.isidentifier():
            raise SystemExit(f"field name {name!r} clashes with the model bases; rename it")
        self.name = name
        self.annotation = annotation
        self.doc = doc
        self.converter = converter


class Generator:
    def __init__(self, document: Mapping[str, Any]) -> None:
        self.spec = Spec(document)
        self.enums = collect_enums(self.spec)
        self.converters: dict[str, str] = {}  # function name -> source
        self.money: list[str] = []
        self.datetimes: list[str] = []
        self.fields = {schema: self.fields_of(schema) for schema in self.spec.schemas}
        self.query_fields = [
            self.field("query", parameter["name"], {**parameter["schema"], **parameter})
            for parameter in self.spec.operations["query"].get("parameters", ())
        ]

    # -- converters (named functions, so that type checkers see the accepted input)

    def _converter(self, name: str, source: str) -> str:
        self.converters.setdefault(name, source)
        return name

    def enum_converter(self, enum: str, many: bool) -> str:
        snake = re.sub(r"(?<!^)([A-Z])", r"_\1", enum).lower()
        if many:
            name = f"_to_{snake}_list"
            return self._converter(
                name,
                function(
                    name,
                    f"Sequence[{enum} | str] | Unset | None",
                    f"list[{enum}] | Unset | None",
                    f"coerce_enum_list({enum}, value)",
                ),
            )
        name = f"_to_{snake}"
        return self._converter(
            name,
            function(
                name,
                f"{enum} | str | Unset | None",
                f"{enum} | Unset | None",
                f"coerce_enum({enum}, value)",
            ),
        )

    def either_converter(self, specific: str) -> str:
        snake = re.sub(r"(?<!^)([A-Z])", r"_\1", specific).lower()
        both = f"{specific} | {COMMON_ERROR_CODE}"
        name = f"_to_{snake}_or_common"
        return self._converter(
            name,
            function(
                name,
                f"{both} | str | Unset | None",
                f"{both} | Unset | None",
                f"coerce_either_enum({specific}, {COMMON_ERROR_CODE}, value)",
            ),
        )

    def money_converter(self, field: str) -> str:
        name = f"_money_{field}"
        return self._converter(
            name,
            function(
                name, "MoneyInput", "Decimal | Unset | None", f'coerce_money(value, "{field}")'
            ),
        )

    def datetime_converter(self, field: str) -> str:
        name = f"_datetime_{field}"
        return self._converter(
            name,
            function(
                name,
                "DateTimeInput",
                "datetime | str | Unset | None",
                f'coerce_datetime(value, "{field}")',
            ),
        )

    # -- fields

    def field(self, schema: str, name: str, prop: Mapping[str, Any]) -> FieldPlan:
        doc = describe(prop)
        where = f"{schema}.{name}"
        if "$ref" in prop:
            target = short_name(ref_name(prop["$ref"]))
            return FieldPlan(name, f"{target} | Unset | None", doc, None)
        kind = prop.get("type")
        if kind == "array":
            items = prop["items"]
            if "$ref" in items:
                target = short_name(ref_name(items["$ref"]))
                return FieldPlan(name, f"list[{target}] | Unset | None", doc, None)
            if items.get("type") != "string":
                raise SystemExit(f"{where}: unsupported array items {items}")
            enum = enum_for(self.spec, schema, name, prop)
            if enum:
                converter = self.enum_converter(enum, many=True)
                return FieldPlan(name, f"list[{enum}] | Unset | None", doc, converter)
            return FieldPlan(name, "list[str] | Unset | None", doc, None)
        if kind == "integer":
            return FieldPlan(name, "int | Unset | None", doc, None)
        if kind == "boolean":
            return FieldPlan(name, "bool | Unset | None", doc, None)
        if kind != "string":
            raise SystemExit(f"{where}: unsupported type {kind}")
        if name == "links" and "required" in self.spec.schemas.get(schema, {}):
            doc += " Kept as sent: a string per the spec, a list of {link, desc} in practice."
            annotation = "str | list[Mapping[str, Any]] | Unset | None"
            converter = self._converter(
                "_error_links",
                function(
                    "_error_links",
                    "str | Sequence[Mapping[str, Any]] | Unset | None",
                    annotation,
                    "coerce_error_links(value)",
                ),
            )
            return FieldPlan(name, annotation, doc, converter)
        if (schema, name) in JSON_STRING_LISTS:
            doc += " A list of ids given in Python is sent as its JSON text."
            return FieldPlan(name, "str | Unset | None", doc, self._json_string_list())
        if is_money(name, prop):
            self.money.append(f"{short_name(schema)}.{name}")
            doc += " Money: Decimal here, a decimal string with at least 2 decimals on the wire."
            return FieldPlan(name, "Decimal | Unset | None", doc, self.money_converter(name))
        if is_datetime(name, prop):
            self.datetimes.append(f"{short_name(schema)}.{name}")
            return FieldPlan(
                name, "datetime | str | Unset | None", doc, self.datetime_converter(name)
            )
        enum = enum_for(self.spec, schema, name, prop)
        if enum and schema.endswith("_default_response"):
            return FieldPlan(
                name,
                f"{enum} | {COMMON_ERROR_CODE} | Unset | None",
                doc,
                self.either_converter(enum),
            )
        if enum:
            return FieldPlan(name, f"{enum} | Unset | None", doc, self.enum_converter(enum, False))
        return FieldPlan(name, "str | Unset | None", doc, None)

    def _json_string_list(self) -> str:
        return self._converter(
            "_json_string_list",
            function(
                "_json_string_list",
                "str | Sequence[str] | Unset | None",
                "str | Unset | None",
                "coerce_json_string_list(value)",
            ),
        )

    def fields_of(self, schema: str) -> list[FieldPlan]:
        if schema.endswith("_default_response"):
            # The error-code field of the anyOf takes codes of both alternatives.
            specific = next(
                ref_name(option["$ref"])
                for option in self.spec.schemas[schema]["anyOf"]
                if ref_name(option["$ref"]) != "CommonErrorType"
            )
            plans = []
            for name, prop in self.spec.properties(schema).items():
                if name == "code":
                    enum = short_name(specific).replace("ErrorResponse", "ErrorCode")
                    doc = "Error code: a platform (CommonErrorCode) or an API-specific code."
                    plans.append(
                        FieldPlan(
                            name,
                            f"{enum} | {COMMON_ERROR_CODE} | Unset | None",
                            doc,
                            self.either_converter(enum),
                        )
                    )
                else:
                    plans.append(self.field(specific, name, prop))
            return plans
        properties = self.spec.properties(schema)
        return [self.field(schema, name, prop) for name, prop in properties.items()]

    # -- output

    def render(self) -> str:
        ordered = self.spec.ordered()
        classes = [self.render_class(schema) for schema in ordered]
        query = self.render_query_request()
        enums = [self.render_enum(plan) for plan in self.enums.values()]
        converters = self.render_converters()
        names = [short_name(schema) for schema in ordered]
        aliases = [
            f"{schema} = {short_name(schema)}"
            for schema in self.spec.schemas
            if short_name(schema) != schema
        ]
        registries = self.render_registries(ordered)
        exported = sorted(
            {*self.enums, *names, "VoucherQueryRequest", *(a.split(" = ")[0] for a in aliases)}
            | {"SCHEMAS", "REQUEST_TYPES", "RESPONSE_TYPES", "ERROR_TYPES", "ENUMS"},
            key=dunder_all_order,
        )
        all_lines = "\n".join(f'    "{name}",' for name in exported)
        parts = [
            self.render_header(),
            f"__all__ = [\n{all_lines}\n]\n",
            "# " + "-" * 30 + " open enums (coded strings)\n",
            *enums,
            "# " + "-" * 30 + " converters (named, so type checkers see what a field accepts)\n",
            converters,
            "# " + "-" * 30 + " models, every referenced type before its first use\n",
            *classes,
            query,
            "# " + "-" * 30 + " the spec's own names\n",
            "\n".join(aliases) + "\n",
            "# " + "-" * 30 + " registries\n",
            registries,
        ]
        header, *rest = (part.rstrip("\n") for part in parts)
        return header + "\n\n" + "\n\n\n".join(rest) + "\n"

    def render_header(self) -> str:
        money = sorted(set(self.money))
        datetimes = sorted(set(self.datetimes))
        info = "\n".join(f"* ``{name}``" for name in money)
        times = "\n".join(f"* ``{name}``" for name in datetimes)
        return (
            '"""Models of the voucher API, generated from ``voucher-openapi.json``: do not edit.\n'
            "\n"
            "Regenerate with ``python tools/gen_models.py``; ``--check`` tells whether this file\n"
            "is current. Request and response models of the seven operations have short names\n"
            "(``VoucherCreateRequest`` ...); nested types keep the spec's names, and the spec's\n"
            "long names are aliases. Every field defaults to ``UNSET`` (left out of the JSON).\n"
            "\n"
            "Money fields (``Decimal`` here, decimal strings of CNY yuan on the wire):\n"
            "\n"
            f"{info}\n"
            "\n"
            "``DiscountVoucherInfo.discount`` is a rate, not money, and stays a string.\n"
            "\n"
            "Date-time fields (``datetime``, or the raw string when it has another shape):\n"
            "\n"
            f"{times}\n"
            "\n"
            "Dates (``yyyy-MM-dd``), times of day (``HH:mm:ss``) and message ``event_time``\n"
            "stamps stay strings.\n"
            '"""\n'
            "\n"
            "from collections.abc import Mapping, Sequence\n"
            "from datetime import datetime\n"
            "from decimal import Decimal\n"
            "from typing import Any, ClassVar\n"
            "\n"
            "import attrs\n"
            "\n"
            "from ._base import Model, RequestModel, ResponseModel\n"
            "from ._enums import OpenEnum, coerce_either_enum, coerce_enum, coerce_enum_list\n"
            "from ._money import MoneyInput, coerce_money\n"
            "from ._time import DateTimeInput, coerce_datetime\n"
            "from ._unset import UNSET, Unset\n"
            "from ._values import coerce_error_links, coerce_json_string_list\n"
        )

    def render_enum(self, plan: EnumPlan) -> str:
        doc = [plan.description or f"Codes of {plan.name}."]
        doc.append("")
        doc.append("Used by " + ", ".join(f"``{where}``" for where in plan.fields) + ".")
        if plan.sources:
            doc.append("Known values come from: " + "; ".join(plan.sources) + ".")
        doc.append("Other strings are accepted as pseudo-members (``is_known`` is False).")
        body = docstring(doc, indent=4)
        members = "\n".join(f'    {plan.member(value)} = "{value}"' for value in plan.values)
        return f"class {plan.name}(OpenEnum):\n{body}\n\n{members}\n"

    def render_converters(self) -> str:
        return "\n\n\n".join(self.converters[name].rstrip() for name in sorted(self.converters))

    def render_class(self, schema: str) -> str:
        name = short_name(schema)
        body = self.spec.schemas[schema]
        fields = self.fields[schema]
        role = self.spec.operation_of(schema)
        base = "Model"
        classvars = [f'    SCHEMA: ClassVar[str | None] = "{schema}"']
        if role and role[1] == "request":
            base = "RequestModel"
        if role and role[1] == "response":
            base = "ResponseModel"
        if role and role[1] in ("request", "response"):
            classvars.append(f'    OPERATION: ClassVar[str] = "{role[0]}"')
        doc = [str(body.get("description", "")).strip()]
        if name != schema:
            doc += ["", f"Spec schema ``{schema}``."]
        if schema.endswith("_default_response"):
            doc += [
                "",
                "The body of a non-200 answer: the spec's ``anyOf`` of the platform error",
                "(``CommonErrorType``) and the API error, which share their fields.",
            ]
        required = body.get("required")
        if required:
            doc += ["", "The spec requires " + ", ".join(f"``{r}``" for r in required) + "."]
        doc += attributes_section(fields)
        lines = ["@attrs.frozen(kw_only=True, repr=False)", f"class {name}({base}):"]
        lines.append(docstring(doc, indent=4))
        lines.append("")
        lines.extend(classvars)
        if fields:
            lines.append("")
        for field in fields:
            lines.append(render_field(field))
        return "\n".join(lines) + "\n"

    def render_query_request(self) -> str:
        operation = self.spec.operations["query"]
        fields = self.query_fields
        doc = [
            f"Query-string parameters of ``{operation['method']} {operation['path']}``.",
            "",
            "Not a schema in the spec: the query operation takes its input as parameters, and",
            "this model gives them the same typing and checks as the other requests.",
        ]
        doc += attributes_section(fields)
        lines = [
            "@attrs.frozen(kw_only=True, repr=False)",
            "class VoucherQueryRequest(RequestModel):",
            docstring(doc, indent=4),
            "",
            '    OPERATION: ClassVar[str] = "query"',
            "",
        ]
        lines.extend(render_field(field) for field in fields)
        return "\n".join(lines) + "\n"

    def render_registries(self, ordered: list[str]) -> str:
        requests, responses, errors = {}, {}, {}
        for schema in ordered:
            role = self.spec.operation_of(schema)
            if role is None:
                continue
            target = {"request": requests, "response": responses, "default": errors}[role[1]]
            target[role[0]] = short_name(schema)
        requests["query"] = "VoucherQueryRequest"

        def table(title: str, annotation: str, items: Mapping[str, str], doc: str) -> str:
            rows = "\n".join(f'    "{op}": {items[op]},' for op in OPERATIONS if op in items)
            return f"{title}: {annotation} = {{\n{rows}\n}}\n{doc}\n"

        schema_rows = "\n".join(f'    "{schema}": {short_name(schema)},' for schema in ordered)
        enum_rows = "\n".join(f"    {name}," for name in self.enums)
        return "\n".join(
            [
                table(
                    "REQUEST_TYPES",
                    "dict[str, type[RequestModel]]",
                    requests,
                    '"""Operation name -> request model (``query`` -> its query parameters)."""',
                ),
                table(
                    "RESPONSE_TYPES",
                    "dict[str, type[ResponseModel]]",
                    responses,
                    '"""Operation name -> model of its HTTP 200 body."""',
                ),
                table(
                    "ERROR_TYPES",
                    "dict[str, type[Model]]",
                    errors,
                    '"""Operation name -> model of its error (non-200) body."""',
                ),
                f"SCHEMAS: dict[str, type[Model]] = {{\n{schema_rows}\n}}",
                '"""Spec schema name -> model, for every schema of the spec."""',
                "",
                f"ENUMS: tuple[type[OpenEnum], ...] = (\n{enum_rows}\n)",
                '"""Every open enum, in name order."""',
            ]
        )


def dunder_all_order(name: str) -> tuple[int, str]:
    """The order ruff's RUF022 wants: CONSTANTS, then Classes, then the rest."""
    if name.isupper():
        return 0, name
    return (1 if name[0].isupper() else 2), name


def function(name: str, accepts: str, returns: str, body: str) -> str:
    """A one-argument converter function, its signature wrapped when too long."""
    line = f"def {name}(value: {accepts}) -> {returns}:"
    if len(line) > LINE:
        line = f"def {name}(\n    value: {accepts},\n) -> {returns}:"
    return f"{line}\n    return {body}\n"


def render_field(field: FieldPlan) -> str:
    if field.converter is None:
        line = f"    {field.name}: {field.annotation} = UNSET"
        if len(line) <= LINE:
            return line
        if len(line) - len("UNSET") + 1 <= LINE:  # the layout ruff format picks
            return f"    {field.name}: {field.annotation} = (\n        UNSET\n    )"
        return f"    {field.name}: (\n        {field.annotation}\n    ) = UNSET"
    start = f"    {field.name}: {field.annotation} = attrs.field("
    line = f"{start}default=UNSET, converter={field.converter})"
    if len(line) <= LINE:
        return line
    return (
        f"    {field.name}: {field.annotation} = attrs.field(\n"
        f"        default=UNSET, converter={field.converter}\n"
        f"    )"
    )


def attributes_section(fields: list[FieldPlan]) -> list[str]:
    if not fields:
        return ["", "The spec defines no fields; unknown ones land in ``extra``."]
    lines = ["", "Attributes:"]
    for field in fields:
        text = field.doc or "(not described in the spec)"
        lines.append(f"    {field.name}: {text}")
    return lines


def docstring(paragraphs: list[str], indent: int) -> str:
    """A docstring wrapped to the line limit; ``Attributes`` entries get a hanging indent."""
    pad = " " * indent
    out: list[str] = []
    for raw in paragraphs:
        if not raw:
            out.append("")
            continue
        lead = len(raw) - len(raw.lstrip(" "))
        hanging = pad + " " * lead + ("    " if lead else "")
        wrapped = textwrap.wrap(
            raw.strip().replace('"""', "'''").replace("\\", "\\\\"),
            width=LINE - 3,
            initial_indent=pad + " " * lead,
            subsequent_indent=hanging,
            break_long_words=True,
            break_on_hyphens=False,
        )
        out.extend(wrapped)
    first = out[0].strip()
    text = f'{pad}"""{first}'
    if len(out) == 1 and len(text) + 3 <= LINE and not first.endswith('"'):
        return text + '"""'
    rest = "\n".join(line.rstrip() for line in out[1:])
    return f'{text}\n{rest}\n{pad}"""' if rest else f'{text}\n{pad}"""'


def generate(document: Mapping[str, Any]) -> str:
    """The source of ``_generated.py`` for a parsed spec; deterministic for equal input."""
    return Generator(document).render()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spec", type=Path, default=DEFAULT_SPEC, help="voucher-openapi.json")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="module to write")
    parser.add_argument("--check", action="store_true", help="exit 1 if the module is stale")
    args = parser.parse_args(argv)
    source = generate(json.loads(args.spec.read_text(encoding="utf-8")))
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current == source:
            print(f"{args.output} is up to date")
            return 0
        diff = difflib.unified_diff(
            current.splitlines(keepends=True),
            source.splitlines(keepends=True),
            str(args.output),
            "generated",
        )
        sys.stdout.writelines(list(diff)[:200])
        print(f"\n{args.output} is stale: run python tools/gen_models.py")
        return 1
    args.output.write_text(source, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
