"""The pytest plugin: installing the package is enough, every fixture says what it is, and
it loads without pytest-asyncio.

Each test runs pytest in a subprocess on a throwaway test file, in a directory with no
``conftest.py`` and no configuration: what a user's project sees.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from alipay_voucher.testing import pytest_plugin

from .standalone import subprocess_env

USES_THE_FIXTURES = """
import datetime as dt

import pytest


def body(out_biz_no):
    now = dt.datetime.now(dt.timezone(dt.timedelta(hours=8)))
    fmt = "%Y-%m-%d %H:%M:%S"
    return {
        "out_biz_no": out_biz_no,
        "activity_name": "plugin",
        "voucher_type": "FIX_VOUCHER",
        "publish_start_time": (now - dt.timedelta(hours=1)).strftime(fmt),
        "publish_end_time": (now + dt.timedelta(days=30)).strftime(fmt),
        "voucher_send_rule": {"voucher_quantity": 5},
        "voucher_use_rule": {"fix_voucher": {"amount": "1.00", "floor_amount": "10.00"}},
        "voucher_budget_info": {"budget_type": "NO_CASH"},
    }


def test_blocking(alipay_sync_client, alipay_sandbox_thread):
    created = alipay_sync_client.create(body("blocking-1"))
    assert created.activity_id in alipay_sandbox_thread.sandbox.book.activities


@pytest.mark.asyncio
async def test_async(alipay_client, alipay_sandbox):
    created = await alipay_client.create(body("async-1"))
    assert created.activity_id in alipay_sandbox.book.activities
"""

NO_PYTEST_ASYNCIO = "raise ImportError(\"No module named 'pytest_asyncio' (hidden by the test)\")\n"


def _pytest(directory: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=directory, env=subprocess_env(**env), capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "test_uses_the_fixtures.py").write_text(USES_THE_FIXTURES, encoding="utf-8")
    return tmp_path


def test_installing_the_package_is_enough(project: Path) -> None:
    # No conftest.py, no pytest_plugins line: the pytest11 entry point brings the fixtures.
    run = _pytest(project, "-q")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 passed" in run.stdout


def test_every_fixture_is_documented_with_scope_and_kind(project: Path) -> None:
    run = _pytest(project, "--fixtures", "-q")
    assert run.returncode == 0, run.stdout + run.stderr
    for name in pytest_plugin.__all__:
        # pytest prints "name [scope] -- file:line" then the docstring, indented
        found = re.search(rf"^{name}\b.*\n((?:    .*\n)+)", run.stdout, re.MULTILINE)
        assert found, f"{name} is missing from pytest --fixtures"
        text = found.group(1)
        assert "no docstring available" not in text
        assert re.search(r"(Session|Function)-scoped, (sync|async)", text), text


def test_without_pytest_asyncio_it_loads_and_says_what_to_install(project: Path) -> None:
    hidden = project / "hidden"
    (hidden / "pytest_asyncio").mkdir(parents=True)
    (hidden / "pytest_asyncio" / "__init__.py").write_text(NO_PYTEST_ASYNCIO)
    # -p no:asyncio: pytest-asyncio's own entry point is not loaded either
    run = _pytest(project, "-q", "-p", "no:asyncio", "-W", "ignore", PYTHONPATH=str(hidden))
    out = run.stdout + run.stderr
    # the blocking test passed; the async one stopped at its fixture, with the fix
    assert re.search(r"1 passed, 1 error|1 failed, 1 passed", out), out
    assert "the alipay_client fixture is async and needs pytest-asyncio" in out
    assert "pip install 'alipay_voucher[pytest]'" in out
