"""What importing the clients loads: nothing that only some features need.

Each check runs in a fresh interpreter and reads ``sys.modules``, so it asserts which
modules an import pulls in, never how long it takes (benchmarks/bench_import.py times it).
"""

from __future__ import annotations

import pytest

from .standalone import ROOT, loaded_after

CLIENT_IMPORTS = (
    "from alipay_voucher import AlipayConfig, AsyncVoucherClient",
    "from alipay_voucher import VoucherClient",
)


@pytest.mark.parametrize("statement", CLIENT_IMPORTS)
def test_the_clients_do_not_import_the_x509_parser(statement: str) -> None:
    assert loaded_after(statement, "cryptography.x509") == []


def test_certificate_mode_still_loads_the_x509_parser() -> None:
    keys = ROOT / "tests" / "data" / "vectors" / "keys"
    code = (
        "from alipay_voucher import AlipayConfig\n"
        "AlipayConfig.cert_mode(\n"
        "    app_id='2021000000000001',\n"
        f"    private_key={str(keys / 'app_private_pkcs8.pem')!r},\n"
        f"    app_cert={str(keys / 'app_cert.crt')!r},\n"
        f"    alipay_cert={str(keys / 'alipay_cert.crt')!r},\n"
        f"    alipay_root_cert={str(keys / 'root_bundle.crt')!r},\n"
        ")\n"
    )
    assert "cryptography.x509" in loaded_after(code, "cryptography.x509")


def generated_modules(loaded: list[str]) -> set[str]:
    """The generated model modules among ``loaded`` (the operation table is no model)."""
    prefix = "alipay_voucher.models._generated"
    return {m.rsplit(".", 1)[-1] for m in loaded if m.startswith(prefix)}


@pytest.mark.parametrize("statement", CLIENT_IMPORTS)
def test_the_clients_load_no_model_class_and_not_cattrs(statement: str) -> None:
    loaded = loaded_after(statement, "cattrs", "alipay_voucher.models")
    assert not [m for m in loaded if m.startswith("cattrs")]
    assert "alipay_voucher.models.messages" not in loaded
    assert generated_modules(loaded) == {"_generated_index"}


def test_a_model_comes_with_the_module_of_its_operation_only() -> None:
    loaded = loaded_after("from alipay_voucher.models import VoucherSendRequest", "alipay_voucher")
    assert generated_modules(loaded) == {"_generated_index", "_generated_enums", "_generated_send"}


def test_a_create_model_comes_with_its_module_and_the_shared_one() -> None:
    code = "from alipay_voucher.models import VoucherCreateRequest"
    loaded = loaded_after(code, "alipay_voucher")
    expected = {"_generated_index", "_generated_enums", "_generated_create", "_generated_shared"}
    assert generated_modules(loaded) == expected


def test_a_send_call_loads_the_send_models_only() -> None:
    code = """
import datetime as dt
from alipay_voucher import VoucherClient
from alipay_voucher.testing._rules import format_time
from alipay_voucher.testing.sandbox import SandboxThread

with SandboxThread() as running:
    sandbox = running.sandbox
    now = sandbox.now()
    created = running.call(sandbox.book.apply, "create", {
        "out_biz_no": "c-1",
        "activity_name": "test",
        "voucher_type": "FIX_VOUCHER",
        "voucher_use_rule": {"fix_voucher": {"amount": "1.00", "floor_amount": "10.00"}},
        "voucher_budget_info": {"budget_type": "NO_CASH"},
        "publish_start_time": format_time(now - dt.timedelta(hours=1)),
        "publish_end_time": format_time(now + dt.timedelta(days=1)),
        "voucher_send_rule": {"voucher_quantity": 10},
    })
    activity_id = created.result["activity_id"]
    running.call(sandbox.book.apply, "publish", {"activity_id": activity_id, "out_biz_no": "p"})
    with VoucherClient(sandbox.config()) as client:
        answer = client.send({"activity_id": activity_id, "user_id": "2088000000000001"})
    assert answer.voucher_id and answer.http_status == 200, answer
"""
    loaded = loaded_after(code, "cattrs", "alipay_voucher.models")
    assert not [m for m in loaded if m.startswith("cattrs")]
    assert generated_modules(loaded) == {"_generated_index", "_generated_enums", "_generated_send"}


def test_the_cattrs_converter_is_built_when_first_asked_for() -> None:
    code = (
        "import sys\n"
        "from alipay_voucher import models\n"
        "from alipay_voucher.models import to_json\n"
        "assert 'cattrs' not in sys.modules\n"
        "import cattrs\n"
        "from alipay_voucher.models import converter\n"
        "from alipay_voucher.models import converter as again\n"
        "assert isinstance(converter, cattrs.Converter)\n"
        "assert converter is again is models.converter\n"
    )
    assert "cattrs" in loaded_after(code, "cattrs")


def test_the_operation_table_names_each_operations_models() -> None:
    from alipay_voucher import models
    from alipay_voucher._generated_operations import OPERATIONS

    assert set(OPERATIONS) == set(models.RESPONSE_TYPES) == set(models.REQUEST_TYPES)
    for name, operation in OPERATIONS.items():
        assert operation.response_type is models.RESPONSE_TYPES[name]
        assert operation.request_type is models.REQUEST_TYPES[name]


def test_the_command_line_starts_without_attrs_or_a_model() -> None:
    loaded = loaded_after("import alipay_voucher.cli._app", "attrs", "alipay_voucher.models")
    assert loaded == []


@pytest.mark.parametrize(
    "module", ["alipay_voucher", "alipay_voucher.models", "alipay_voucher.models._convert"]
)
def test_every_public_name_is_there_on_first_use(module: str) -> None:
    code = (
        "import importlib\n"
        f"module = importlib.import_module({module!r})\n"
        "missing = [name for name in module.__all__ if not hasattr(module, name)]\n"
        "assert not missing, missing\n"
        f"exec('from {module} import *')\n"
        "assert set(module.__all__) <= set(dir(module))\n"
    )
    loaded_after(code, module)
