"""The public API as users type it passes ``mypy --strict`` (and misuse does not)."""

from __future__ import annotations

from pathlib import Path

from mypy import api

GOOD = """
from alipay_voucher import AsyncVoucherClient, Hooks
from alipay_voucher.client import RequestEvent, ResponseEvent


async def record(event: ResponseEvent) -> None:
    print(event.latency, event.status)


def count(event: RequestEvent) -> None:
    print(event.attempt)


hooks = Hooks(on_response=record)
both = Hooks(on_request=count, on_response=[record])
none = Hooks(on_request=None)
"""

BAD = """
from alipay_voucher import Hooks

hooks = Hooks(on_response=42)
"""


def test_hooks_as_the_readme_writes_them_pass_mypy_strict(tmp_path: Path) -> None:
    (tmp_path / "good.py").write_text(GOOD)
    (tmp_path / "bad.py").write_text(BAD)
    out, err, status = api.run(
        ["--strict", "--no-error-summary", str(tmp_path / "good.py"), str(tmp_path / "bad.py")]
    )
    problems = [line for line in out.splitlines() if ": error:" in line]
    assert problems and all("bad.py:4:" in line for line in problems), out + err
    assert status == 1
