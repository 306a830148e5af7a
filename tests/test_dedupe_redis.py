"""What only the Redis store has: a server that is down, the optional package, a cluster
prefix, and the rule that CI never skips the Redis tests."""

from __future__ import annotations

import shutil
import sys

import pytest

from alipay_voucher.config import AlipayConfig
from alipay_voucher.dedupe import Claim, Held, RedisDedupeStore
from alipay_voucher.errors import ConfigurationError, DedupeStoreError
from alipay_voucher.notify import Notification, NotificationReceiver

from . import redis_server
from .notify_helpers import form_body, signed_params


async def test_a_server_that_is_down_answers_503(key_config: AlipayConfig) -> None:
    ran: list[Notification] = []

    async def callback(note: Notification) -> None:
        ran.append(note)

    url = f"redis://127.0.0.1:{redis_server._free_port()}/0"  # nobody listens there
    store = RedisDedupeStore(url, timeout=1)
    try:
        with pytest.raises(DedupeStoreError, match="reachable from every worker"):
            await store.claim(["k"])
        receiver = NotificationReceiver(key_config, callback, dedupe=store)
        body = form_body(signed_params("alipay.marketing.activity.message.created"))
        assert (await receiver.handle(body)).status == 503
    finally:
        await store.aclose()
    assert ran == []


async def test_keys_live_under_the_prefix(redis_url: str) -> None:
    from redis.asyncio import Redis

    store = RedisDedupeStore(redis_url, prefix="{shop}:claims:", lease=30)
    client = Redis.from_url(redis_url)
    try:
        claim = await store.claim(["notify:1", "m:e1"])
        assert isinstance(claim, Claim)
        assert sorted(await client.keys("{shop}:claims:*")) == [
            b"{shop}:claims:m:e1",
            b"{shop}:claims:notify:1",
        ]
        assert 29_000 < await client.pttl("{shop}:claims:notify:1") <= 30_000
        assert await store.confirm(claim)
        assert await client.pttl("{shop}:claims:notify:1") > 86_400_000
        assert await store.claim(["m:e1"]) is Held.DONE
    finally:
        await client.aclose()
        await store.aclose()


def test_without_the_package_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis.asyncio", None)
    with pytest.raises(ConfigurationError, match=r"alipay_voucher\[redis\]"):
        RedisDedupeStore("redis://127.0.0.1:1/0")


@pytest.mark.parametrize("ci", ["true", ""])
def test_a_missing_server_fails_under_ci_and_skips_elsewhere(
    monkeypatch: pytest.MonkeyPatch, ci: str
) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setenv("CI", ci)
    outcome = pytest.fail.Exception if ci else pytest.skip.Exception
    with (
        pytest.raises(outcome, match="apt-get install -y redis-server"),
        redis_server.redis_server(),
    ):
        pass
