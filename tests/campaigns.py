"""Helpers for campaign tests: recipients, an instant stand-in client, and a sandbox
activity whose vouchers a test can count.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import attrs

from alipay_voucher.client import AsyncVoucherClient
from alipay_voucher.testing import SandboxThread
from alipay_voucher.testing._standalone import write_credentials

from .clients import Driver
from .raw_calls import activity_body
from .standalone import subprocess_env


@attrs.frozen
class _Sent:
    voucher_id: str


class StandIn:
    """Answers ``send`` after ``delay`` seconds; records when each request started."""

    def __init__(self, delay: float = 0.0, *, explode_at: int | None = None) -> None:
        self.delay = delay
        self.explode_at = explode_at
        self.started: list[float] = []
        self.finished = 0
        self.requests: list[dict[str, Any]] = []

    async def send(self, request: dict[str, Any], app_auth_token: str | None = None) -> _Sent:
        self.started.append(time.monotonic())
        self.requests.append(request)
        if self.explode_at is not None and len(self.started) == self.explode_at:
            raise RuntimeError("a bug in the middle of a campaign")
        if self.delay:
            await asyncio.sleep(self.delay)
        self.finished += 1
        return _Sent(voucher_id=f"V{request['out_biz_no']}")


def users(n: int, start: int = 1) -> list[str]:
    """``n`` user ids (2088 and 12 digits), counting from ``start``."""
    return [f"2088{i:012d}" for i in range(start, start + n)]


async def published_activity(client: Driver, quantity: int = 1000, per_user: int = 1) -> str:
    """Create an activity through ``client`` and publish it; its id."""
    created = await client.call(
        "create", activity_body(f"c-{time.time_ns()}", quantity=quantity, per_user=per_user)
    )
    assert isinstance(created.activity_id, str)
    await client.call(
        "publish", {"activity_id": created.activity_id, "out_biz_no": f"p-{time.time_ns()}"}
    )
    return created.activity_id


def start_activity(running: SandboxThread, quantity: int) -> str:
    """:func:`published_activity` for a blocking test, before any fault is armed."""

    async def make() -> str:
        async with AsyncVoucherClient(running.sandbox.config()) as client:
            return await published_activity(Driver("async", client), quantity)

    return asyncio.run(make())


def holdings(running: SandboxThread, activity_id: str) -> dict[str, list[str]]:
    def collect() -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for voucher in running.sandbox.activity(activity_id).vouchers:
            out.setdefault(voucher.user, []).append(voucher.voucher_id)
        return out

    return running.call(collect)


def batch_env(running: SandboxThread, directory: Path) -> dict[str, str]:
    """The environment of an ``alipay-voucher`` child that talks to ``running``."""
    write_credentials(running.sandbox, directory)
    return subprocess_env(
        ALIPAY_APP_ID=running.sandbox.app_id,
        ALIPAY_PRIVATE_KEY=str(directory / "app_private_key.pem"),
        ALIPAY_PUBLIC_KEY=str(directory / "alipay_public_key.pem"),
        ALIPAY_BASE_URL=running.sandbox.base_url,
    )
