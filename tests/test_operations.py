"""The operation table: generated from the spec, the one place that states a path, and
what the clients, the sandbox and the command line read."""

from __future__ import annotations

import argparse
import datetime as _dt
import inspect
import json
import re
from pathlib import Path
from typing import Any

import pytest

from alipay_voucher import AsyncVoucherClient, VoucherClient, rules
from alipay_voucher._generated_operations import OPERATIONS, WRITES
from alipay_voucher.config import AlipayConfig
from alipay_voucher.testing._gateway import operation_of
from alipay_voucher.testing._rules import format_time
from alipay_voucher.testing._state import VoucherBook
from alipay_voucher.transport import Call
from tests.raw_calls import activity_body

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "alipay_voucher"
SPEC = Path(__file__).parent / "data" / "spec"
BASE = "/v3/alipay/marketing/activity/voucher"


def package_texts() -> dict[str, str]:
    """Every text file of the package (source, templates, data), by relative path."""
    texts = {}
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            try:
                texts[path.relative_to(PACKAGE).as_posix()] = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
    return texts


def test_each_path_is_written_once_in_the_whole_package() -> None:
    texts = package_texts()
    assert "client.py" in texts and "testing/_gateway.py" in texts  # the walk saw them
    for name, row in OPERATIONS.items():
        pattern = re.compile(re.escape(row.path) + r"(?![\w/])")
        places = {file: len(pattern.findall(text)) for file, text in texts.items()}
        found = {file: count for file, count in places.items() if count}
        assert found == {"_generated_operations.py": 1}, name
    # Nor is a path put together from its parts anywhere else.
    prefix = {file: text.count(BASE) for file, text in texts.items() if BASE in text}
    assert prefix == {"_generated_operations.py": len(OPERATIONS)}


def test_the_table_says_what_the_spec_says() -> None:
    document = json.loads((SPEC / "voucher-openapi.json").read_text(encoding="utf-8"))
    messages = json.loads((SPEC / "voucher-messages.json").read_text(encoding="utf-8"))
    schemas = document["components"]["schemas"]
    seen = set()
    for path, methods in document["paths"].items():
        for method, spec in methods.items():
            name = spec["operationId"].rsplit(".", 1)[-1]
            row = OPERATIONS[name]
            seen.add(name)
            assert (row.name, row.path, row.method) == (name, path, method.upper())
            assert row.summary == spec["summary"]
            assert row.writes is (method != "get")
            if method == "get":
                expected = [parameter["name"] for parameter in spec["parameters"]]
            else:
                ref = spec["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                expected = list(schemas[ref.rsplit("/", 1)[-1]]["properties"])
            assert list(row.fields) == expected, name
            error = schemas[f"AlipayMarketingActivityVoucher{name.capitalize()}ErrorResponseModel"]
            assert list(row.error_codes) == error["properties"]["code"]["enum"], name
            named = re.findall(r"alipay\.marketing\.activity\.message\.[a-z]+", spec["description"])
            assert row.confirmed_by == (named[0] if named else None), name
            if row.confirmed_by is not None:
                assert row.confirmed_by in messages["x-messages"]
    assert seen == set(OPERATIONS)
    assert {name: row.guaranteed for name, row in OPERATIONS.items() if row.guaranteed} == {
        "create": "activity_id",
        "send": "voucher_id",
    }
    assert {name: row.confirmed_by for name, row in OPERATIONS.items() if row.confirmed_by} == {
        "publish": "alipay.marketing.activity.message.created",
        "modify": "alipay.marketing.activity.message.modified",
        "append": "alipay.marketing.activity.message.appended",
        "stop": "alipay.marketing.activity.message.stopped",
    }
    assert {name for name, row in OPERATIONS.items() if row.writes} == WRITES
    assert set(rules.OPERATIONS) == set(OPERATIONS) and rules.MUTATING_OPERATIONS == WRITES


def test_a_row_is_read_only() -> None:
    with pytest.raises(AttributeError, match="read-only"):
        OPERATIONS["create"].path = "/elsewhere"
    assert OPERATIONS["create"].path.endswith("/create")


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_both_clients_have_a_typed_method_per_operation(name: str) -> None:
    row = OPERATIONS[name]
    method = getattr(AsyncVoucherClient, name)
    assert inspect.iscoroutinefunction(method)
    signature = inspect.signature(method)
    assert signature.return_annotation == row.response_model
    if row.writes:
        assert row.request_model in str(signature.parameters["request"].annotation)
    else:  # the parameters as arguments of their own, in the spec's order
        assert list(signature.parameters)[1 : 1 + len(row.fields)] == list(row.fields)
    blocking = getattr(VoucherClient, name)
    assert blocking.__wrapped__ is method  # the blocking twin runs the very coroutine
    # The docstring tells what the row says: the id a success carries, the message
    # that confirms an accepted change.
    doc = method.__doc__ or ""
    if row.guaranteed:
        assert f"``{row.guaranteed}``" in doc
    if row.confirmed_by:
        assert f"message ``…{row.confirmed_by.rsplit('.', 1)[-1]}``" in doc
    assert doc.strip() in (blocking.__doc__ or "")


def readme_table() -> str:
    """The operation table of the README, between its markers."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split("<!-- operation-table -->\n", 1)[1].split("<!-- /operation-table -->")[0]


def test_the_readme_lists_the_operations_as_the_table_states_them() -> None:
    rows = [
        "| Client method | HTTP request | Writes | A success carries | Confirmed by message |",
        "|---|---|---|---|---|",
    ]
    for name, row in OPERATIONS.items():
        carries = f"`{row.guaranteed}`" if row.guaranteed else "—"
        message = f"`…{row.confirmed_by.rsplit('.', 1)[-1]}`" if row.confirmed_by else "—"
        writes = "yes" if row.writes else "no"
        rows.append(f"| `{name}` | `{row.method} {row.path}` | {writes} | {carries} | {message} |")
    assert readme_table() == "\n".join(rows) + "\n"


def requests() -> dict[str, Any]:
    activity = "2026010100000000000000000001"
    return {
        "append": {"activity_id": activity, "voucher_quantity": 20},
        "create": activity_body(),
        "modify": {"activity_id": activity, "publish_end_time": "2026-12-31 23:59:59"},
        "publish": {"activity_id": activity},
        "send": {"activity_id": activity, "user_id": "2088000000000001"},
        "stop": {"activity_id": activity},
    }


class _Captured(Exception):
    def __init__(self, call: Call) -> None:
        self.call = call


async def test_the_client_sends_each_call_as_its_row_says(key_config: AlipayConfig) -> None:
    async def capture(call: Call) -> Any:
        raise _Captured(call)

    bodies = requests()
    async with AsyncVoucherClient(key_config) as client:
        client._transport.execute = capture  # type: ignore[method-assign]
        for name, row in OPERATIONS.items():
            with pytest.raises(_Captured) as caught:
                if row.writes:
                    await getattr(client, name)(bodies[name])
                else:
                    await getattr(client, name)("2026010100000000000000000001", "SELF_MODE")
            call = caught.value.call
            assert (call.operation, call.method) == (name, row.method)
            assert call.target.partition("?")[0] == row.path
            assert call.mutating is row.writes
            if row.writes:
                assert call.out_biz_no  # generated when the caller gave none
            else:
                query = call.target.partition("?")[2]
                assert [pair.split("=")[0] for pair in query.split("&")] == list(row.fields)


def test_the_sandbox_routes_by_the_tables_paths() -> None:
    for name, row in OPERATIONS.items():
        assert operation_of(row.path) == name
        assert operation_of(f"{row.path}?activity_id=1") == name
        assert operation_of(row.path + "/more") is None
    assert operation_of(OPERATIONS["send"].path.replace("send", "unsend")) is None


def test_the_sandbox_confirms_with_the_message_the_table_names() -> None:
    now = _dt.datetime(2026, 6, 1, 12, tzinfo=_dt.timezone.utc)
    book = VoucherBook(clock=lambda: now, seed=1)
    body = activity_body(
        publish_start_time=format_time(now - _dt.timedelta(hours=1)),
        publish_end_time=format_time(now + _dt.timedelta(days=3)),
    )
    activity_id = book.apply("create", body).result["activity_id"]
    for name, extra in (("publish", {}), ("append", {"voucher_quantity": 50}), ("stop", {})):
        outcome = book.apply(name, {"activity_id": activity_id, "out_biz_no": name, **extra})
        assert [event.msg_method for event in outcome.events] == [OPERATIONS[name].confirmed_by]


def _actions() -> dict[str, argparse.ArgumentParser]:
    from alipay_voucher.cli._app import _parser

    parser = _parser()
    commands = next(
        action for action in parser._actions if isinstance(action, argparse._SubParsersAction)
    )
    activity = commands.choices["activity"]
    sub = next(
        action for action in activity._actions if isinstance(action, argparse._SubParsersAction)
    )
    return dict(sub.choices)


def test_the_command_line_has_an_action_per_operation_but_send() -> None:
    actions = _actions()
    assert set(actions) == set(OPERATIONS) - {"send"}  # send has send-batch
    by_file = {name for name, parser in actions.items() if "--file" in parser.format_usage()}
    assert by_file == {"create", "modify"}
    assert "--quantity TOTAL" in actions["append"].format_usage()
