"""Answers are believed only while fresh: signed timestamp near the local clock, and,
with ``reject_replayed_answers``, a signed nonce never seen before by this client.

The issue's proof of concept is replayed here through a recording proxy: a signed
``send`` answer, given again as the answer to a second ``send``, used to be reported
as a voucher issued although the second request never reached the gateway.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from alipay_voucher import _freshness, protocol
from alipay_voucher._freshness import AnswerNonces
from alipay_voucher.cli import main
from alipay_voucher.client import AsyncVoucherClient
from alipay_voucher.config import AlipayConfig, RetryPolicy
from alipay_voucher.credentials import RSAKeySigner, load_private_key
from alipay_voucher.errors import (
    APIError,
    ConfigurationError,
    OutcomeUnknownError,
    SignatureVerificationError,
    StaleAnswerError,
)
from alipay_voucher.sync import VoucherClient
from alipay_voucher.testing import Sandbox, SandboxThread
from alipay_voucher.testing._standalone import write_credentials

from .campaigns import users
from .loopback import LoopbackServer
from .raw_calls import activity_body
from .vectors import KEYS

ALIPAY_SIGNER = RSAKeySigner(load_private_key(KEYS / "alipay_private_pkcs1.pem"))
BODY = b'{"voucher_id":"2024060100826004508401111111"}'


def signed(at: float, *, nonce: str | None = None, status: int = 200) -> dict[str, str]:
    """The signature headers Alipay would send with BODY at time ``at`` (seconds)."""
    return protocol.sign_response(ALIPAY_SIGNER, BODY, nonce=nonce, timestamp=str(int(at * 1000)))


# --------------------------------------------------------------------- the protocol core


def test_the_default_window_is_fifteen_minutes_either_way(key_config: AlipayConfig) -> None:
    now = 1_800_000_000.0
    assert key_config.max_answer_skew == 900
    for offset in (-899, 0, 899):
        answer = protocol.process_response(key_config, 200, signed(now + offset), BODY, now=now)
        assert answer.payload["voucher_id"].startswith("2024")
    for offset, direction in ((-901, "behind"), (901, "ahead of")):
        with pytest.raises(StaleAnswerError, match=f"901 s {direction} this machine's clock"):
            protocol.process_response(key_config, 200, signed(now + offset), BODY, now=now)


def test_a_stale_answer_is_refused_like_a_bad_signature(key_config: AlipayConfig) -> None:
    now = time.time()
    with pytest.raises(SignatureVerificationError) as info:
        protocol.process_response(key_config, 200, signed(now - 3600), BODY, request_id="r1")
    error = info.value
    assert isinstance(error, StaleAnswerError)
    assert (error.status, error.request_id, error.body) == (200, "r1", BODY)
    assert "max_answer_skew=900" in str(error) and "NTP" in str(error)


def test_a_signed_refusal_is_checked_too(key_config: AlipayConfig) -> None:
    """A replayed signed error answer is no more believable than a replayed success."""
    refusal = b'{"code":"INVALID_PARAMETER","message":"no"}'
    old = protocol.sign_response(
        ALIPAY_SIGNER, refusal, timestamp=str(int(time.time() - 7200) * 1000)
    )
    with pytest.raises(StaleAnswerError):
        protocol.process_response(key_config, 400, old, refusal)
    fresh = protocol.sign_response(ALIPAY_SIGNER, refusal)
    with pytest.raises(APIError) as info:
        protocol.process_response(key_config, 400, fresh, refusal)
    assert info.value.verified and info.value.code == "INVALID_PARAMETER"


@pytest.mark.parametrize("timestamp", ["", "abc", "1717000000000.5", "-1", "１７１７", "9" * 400])
def test_a_signed_timestamp_that_is_no_time_is_refused(
    key_config: AlipayConfig, timestamp: str
) -> None:
    headers = protocol.sign_response(ALIPAY_SIGNER, BODY, timestamp=timestamp or "x")
    headers["alipay-timestamp"] = timestamp or "x"
    with pytest.raises(StaleAnswerError, match="not epoch milliseconds"):
        protocol.process_response(key_config, 200, headers, BODY)
    unchecked = key_config.with_options(max_answer_skew=None)
    assert protocol.process_response(unchecked, 200, headers, BODY).payload


def test_none_switches_the_check_off(key_config: AlipayConfig) -> None:
    unchecked = key_config.with_options(max_answer_skew=None)
    ancient = signed(1_000_000_000)
    assert protocol.process_response(unchecked, 200, ancient, BODY).payload
    with pytest.raises(StaleAnswerError):
        protocol.process_response(key_config, 200, ancient, BODY)


def test_a_nonce_seen_twice_is_refused(key_config: AlipayConfig) -> None:
    seen = AnswerNonces()
    now = time.time()
    headers = signed(now, nonce="n-1")
    protocol.process_response(key_config, 200, headers, BODY, now=now, seen_nonces=seen)
    with pytest.raises(StaleAnswerError, match="nonce was already seen"):
        protocol.process_response(key_config, 200, headers, BODY, now=now + 1, seen_nonces=seen)
    protocol.process_response(key_config, 200, signed(now, nonce="n-2"), BODY, seen_nonces=seen)


def test_a_forged_answer_never_enters_the_nonce_cache(key_config: AlipayConfig) -> None:
    seen = AnswerNonces()
    forged = dict(signed(time.time(), nonce="n-1"), **{"alipay-signature": "AAAA"})
    with pytest.raises(SignatureVerificationError):
        protocol.process_response(key_config, 200, forged, BODY, seen_nonces=seen)
    assert len(seen) == 0


def test_the_nonce_cache_forgets_what_the_clock_refuses_anyway() -> None:
    """Memory is bounded by the window: an hour of answers at 10 per second, with a
    900 s window, never holds more than the last 1,800 s of them."""
    seen = AnswerNonces()
    skew = 900.0
    largest = 0
    for tick in range(36_000):
        now = 1_800_000_000 + tick / 10
        assert seen.first_sighting(f"n{tick}", forget_after=now + skew, now=now)
        largest = max(largest, len(seen))
    assert largest == 9_001  # 900 s of answers at 10 per second, plus the current one
    # an old nonce is forgotten once its answer is refused by its timestamp instead
    assert seen.first_sighting("n0", forget_after=now + skew, now=now)


def test_the_options_are_checked_as_settings(key_config: AlipayConfig) -> None:
    for bad in (0, -1, "900", True):
        with pytest.raises(ConfigurationError, match="max_answer_skew"):
            key_config.with_options(max_answer_skew=bad)
    with pytest.raises(ConfigurationError, match="reject_replayed_answers must be True or False"):
        key_config.with_options(reject_replayed_answers="yes")
    with pytest.raises(ConfigurationError, match="needs max_answer_skew"):
        key_config.with_options(max_answer_skew=None, reject_replayed_answers=True)
    assert key_config.with_options(max_answer_skew=60.5).max_answer_skew == 60.5


# --------------------------------------------------------------------- through the client


async def _sent_twice(client: Any, activity_id: str, *, sync: bool = False) -> list[Any]:
    outcomes = []
    for index, user in enumerate(users(2)):
        request = {"activity_id": activity_id, "user_id": user, "out_biz_no": f"replay-{index}"}
        try:
            if sync:
                outcomes.append(await asyncio.to_thread(client.send, request))
            else:
                outcomes.append(await client.send(request))
        except OutcomeUnknownError as error:
            outcomes.append(error)
    return outcomes


class _ReplayingProxy(LoopbackServer):
    """Forwards the first request to the gateway, then answers every later one with
    that first answer, byte for byte, without forwarding it: an on-path replay."""

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.recorded: tuple[int, dict[str, str], bytes] | None = None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if self.recorded is None:
            async with (
                aiohttp.ClientSession() as session,
                session.request(
                    request.method,
                    self.upstream + request.path_qs,
                    headers={k: v for k, v in request.headers.items() if k.lower() != "host"},
                    data=await request.read(),
                ) as answer,
            ):
                keep = ("content-type", "alipay-signature", "alipay-timestamp",
                        "alipay-nonce", "alipay-trace-id", "alipay-sn")  # fmt: skip
                headers = {k: v for k, v in answer.headers.items() if k.lower() in keep}
                self.recorded = (answer.status, headers, await answer.read())
        status, headers, body = self.recorded
        return web.Response(status=status, headers=headers, body=body)


@pytest.fixture
async def live_activity(alipay_sandbox: Sandbox) -> str:
    async with AsyncVoucherClient(alipay_sandbox.config()) as client:
        created = await client.create(activity_body("fresh", quantity=10, per_user=1))
        assert isinstance(created.activity_id, str)
        await client.publish({"activity_id": created.activity_id, "out_biz_no": "fresh-pub"})
        return created.activity_id


@pytest.fixture
async def replaying_proxy(alipay_sandbox: Sandbox) -> AsyncIterator[_ReplayingProxy]:
    proxy = await _ReplayingProxy(alipay_sandbox.base_url).start()
    try:
        yield proxy
    finally:
        await proxy.close()


@pytest.mark.parametrize("kind", ["async", "sync"])
async def test_a_replayed_send_answer_is_not_a_voucher(
    alipay_sandbox: Sandbox, live_activity: str, replaying_proxy: _ReplayingProxy, kind: str
) -> None:
    config = alipay_sandbox.config().with_options(
        base_url=replaying_proxy.base_url,
        reject_replayed_answers=True,
        retry=RetryPolicy.disabled(),
    )
    if kind == "async":
        async with AsyncVoucherClient(config) as client:
            first, second = await _sent_twice(client, live_activity)
    else:
        blocking = VoucherClient(config)
        try:
            first, second = await _sent_twice(blocking, live_activity, sync=True)
        finally:
            await asyncio.to_thread(blocking.close)
    assert isinstance(first.voucher_id, str)
    assert isinstance(second, OutcomeUnknownError) and isinstance(second, StaleAnswerError)
    assert second.out_biz_no == "replay-1"
    assert "nonce was already seen" in str(second) and "may belong to another call" in str(second)
    issued = alipay_sandbox.activity(live_activity).vouchers
    assert len(issued) == 1  # the second send never reached the gateway


async def test_without_the_nonce_cache_a_replay_within_the_window_is_believed(
    alipay_sandbox: Sandbox, live_activity: str, replaying_proxy: _ReplayingProxy
) -> None:
    """What the timestamp alone cannot stop (and the README says): the protocol does not
    bind an answer to its request, so a replay within max_answer_skew passes unless
    ``reject_replayed_answers`` is on."""
    config = alipay_sandbox.config().with_options(
        base_url=replaying_proxy.base_url, retry=RetryPolicy.disabled()
    )
    async with AsyncVoucherClient(config) as client:
        first, second = await _sent_twice(client, live_activity)
    assert second.voucher_id == first.voucher_id
    assert len(alipay_sandbox.activity(live_activity).vouchers) == 1


async def test_an_old_answer_to_a_write_leaves_its_outcome_unknown(
    alipay_sandbox: Sandbox, live_activity: str
) -> None:
    """This machine's clock an hour ahead of the gateway's: every answer looks an hour
    old. A read fails as a bad signature would; a write is outcome-unknown (it did take
    effect here), with its out_biz_no to repeat it safely."""
    async with AsyncVoucherClient(alipay_sandbox.config()) as client:
        client._transport._clock = lambda: time.time() + 3600
        with pytest.raises(StaleAnswerError) as read:
            await client.query(live_activity)
        assert not isinstance(read.value, OutcomeUnknownError)
        with pytest.raises(OutcomeUnknownError) as write:
            await client.send(
                {"activity_id": live_activity, "user_id": users(1)[0], "out_biz_no": "late-1"}
            )
        assert isinstance(write.value, StaleAnswerError)
        assert write.value.out_biz_no == "late-1"
        client._transport._clock = time.time
        again = await client.send(
            {"activity_id": live_activity, "user_id": users(1)[0], "out_biz_no": "late-1"}
        )
    assert [v.voucher_id for v in alipay_sandbox.activity(live_activity).vouchers] == [
        again.voucher_id
    ]


async def test_a_stale_refusal_of_a_write_is_not_a_refusal(
    alipay_sandbox: Sandbox, live_activity: str
) -> None:
    """Even a signed 4xx: a replayed refusal may hide that this write went through."""
    async with AsyncVoucherClient(alipay_sandbox.config()) as client:
        client._transport._clock = lambda: time.time() - 3600
        with pytest.raises(OutcomeUnknownError) as info:
            await client.send(
                {"activity_id": "2026000000000000000000000404", "user_id": users(1)[0],
                 "out_biz_no": "late-2"}
            )  # fmt: skip
    assert isinstance(info.value, StaleAnswerError) and info.value.status == 400


def test_doctor_ping_names_the_clock_for_a_stale_answer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A stale answer verifies with the right key: ``--ping`` must not blame the key."""
    real = _freshness.check_freshness  # what protocol calls, under that name

    def an_hour_late(*args: Any, now: float, **kwargs: Any) -> None:
        real(*args, now=now + 3600, **kwargs)

    monkeypatch.setattr(protocol, "check_freshness", an_hour_late)
    with SandboxThread() as running:
        write_credentials(running.sandbox, tmp_path)
        status = main(
            [
                "doctor",
                "--app-id", running.sandbox.app_id,
                "--private-key", str(tmp_path / "app_private_key.pem"),
                "--alipay-public-key", str(tmp_path / "alipay_public_key.pem"),
                "--base-url", running.sandbox.base_url,
                "--ping",
            ]
        )  # fmt: skip
    err = capsys.readouterr().err
    assert status == 1
    assert "answer verified but is not fresh; check this machine's clock" in err
    assert "public key or certificate is not the one" not in err


async def test_the_sandbox_signs_with_the_wall_clock_whatever_its_own_time(
    alipay_sandbox: Sandbox, live_activity: str
) -> None:
    """The sandbox's business clock moves for issuance windows; its answers' timestamps
    stay this machine's time, so the default freshness check keeps passing."""
    alipay_sandbox.advance_clock(2 * 24 * 3600)
    async with AsyncVoucherClient(alipay_sandbox.config()) as client:
        answer = await client.query(live_activity)
    assert answer.raw is not None
    timestamp = int(answer.raw.headers["alipay-timestamp"]) / 1000
    assert abs(timestamp - time.time()) < 60


async def test_client_copies_share_the_nonces_seen(alipay_sandbox: Sandbox) -> None:
    """A copy made by with_options is the same client towards Alipay: an answer its
    original has used is a replay for the copy too."""
    config = alipay_sandbox.config().with_options(reject_replayed_answers=True)
    async with AsyncVoucherClient(config) as client:
        copy = client.with_options(timeout=5)
        seen = client._transport._answer_nonces
        assert seen is not None and copy._transport._answer_nonces is seen
