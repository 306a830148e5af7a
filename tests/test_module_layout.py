"""How the package is cut into modules: no private helper crosses a module boundary, and
the generated model modules have names that do not move when the spec changes."""

from __future__ import annotations

import ast
from pathlib import Path

from alipay_voucher import models
from alipay_voucher._generated_operations import OPERATIONS
from alipay_voucher.models._generated_index import MODULES

PACKAGE = Path(__file__).resolve().parent.parent / "alipay_voucher"


def private_imports(source: str) -> list[str]:
    """``from X import _name`` statements of ``source`` (dunders aside), as text."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"line {node.lineno}: from {'.' * node.level}{node.module} ...")
    return found


def test_the_check_sees_a_private_import() -> None:
    assert private_imports("from .sync import _LoopThread\nfrom x import y, _z\n") == [
        "line 1: from .sync ...",
        "line 2: from x ...",
    ]
    assert private_imports("from __future__ import annotations\nfrom ._x import y\n") == []


def test_no_private_name_is_imported_from_another_module() -> None:
    sources = sorted(PACKAGE.rglob("*.py"))
    assert len(sources) > 50
    offenders = {
        path.relative_to(PACKAGE).as_posix(): found
        for path in sources
        if (found := private_imports(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_the_model_modules_are_one_per_operation_and_a_fixed_few() -> None:
    present = {path.stem for path in (PACKAGE / "models").glob("_generated*.py")}
    fixed = {"_generated", "_generated_enums", "_generated_index", "_generated_shared"}
    assert present == fixed | {f"_generated_{name}" for name in OPERATIONS}
    assert set(MODULES.values()) == present - {"_generated_index"}


def test_an_operations_own_bodies_live_in_its_module() -> None:
    for name in OPERATIONS:
        home = f"_generated_{name}"
        for registry in (models.REQUEST_TYPES, models.RESPONSE_TYPES, models.ERROR_TYPES):
            assert MODULES[registry[name].__name__] == home, name
        error_body = f"Voucher{name.capitalize()}ErrorResponse"  # one of the error's shapes
        assert MODULES[error_body] == home
    assert MODULES["CommonErrorType"] == "_generated_shared"  # every operation's error
