"""``client.with_options(...)``: a copy with other per-call defaults that shares the
client's connections, loop and quota.

Each test runs for AsyncVoucherClient and VoucherClient (``make_client``); a copy is
driven with the same :class:`Driver` as its client. Against the sandbox, except where a
test reads the request's headers, counts connections or needs an answer that echoes a
token (``FakeAlipay``).
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from alipay_voucher.client import Hooks, ResponseEvent
from alipay_voucher.config import AlipayConfig, RetryPolicy
from alipay_voucher.errors import (
    APIError,
    ClientClosedError,
    ConfigurationError,
    RequestValidationError,
    TransportTimeoutError,
)
from alipay_voucher.testing import Sandbox
from tests.clients import Driver, FakeAlipay, MakeClient, SandboxConfig, error, gateway_config
from tests.sandbox_log import SandboxRequests

ACTIVITY = "2016042700826004508401111111"
TOKEN = "202412BBtokenSECRETvalue0042"
OTHER_TOKEN = "202412BBtokenOTHERvalue0077"


def copy_of(driver: Driver, **options: Any) -> Driver:
    return Driver(driver.kind, driver.client.with_options(**options))


async def test_a_copy_sends_its_token_by_default_and_the_call_may_override_it(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    client = make_client(gateway_config(key_config, gateway))
    merchant = copy_of(client, app_auth_token=TOKEN)
    await merchant.call("query", ACTIVITY)
    await merchant.call("send", {"activity_id": ACTIVITY, "user_id": "2088512417841101"})
    await merchant.call("query", ACTIVITY, app_auth_token=OTHER_TOKEN)
    await client.call("query", ACTIVITY)
    tokens = [r.headers.get("alipay-app-auth-token") for r in gateway.received]
    assert tokens == [TOKEN, TOKEN, OTHER_TOKEN, None]
    assert all(r.verified for r in gateway.received)  # the token was signed with the call
    # a copy of the copy keeps what it does not change
    again = copy_of(merchant, timeout=4)
    await again.call("query", ACTIVITY)
    assert gateway.received[-1].headers["alipay-app-auth-token"] == TOKEN


async def test_a_copy_has_its_own_timeout(
    make_client: MakeClient,
    alipay_sandbox: Sandbox,
    sandbox_config: SandboxConfig,
    sandbox_activity: str,
) -> None:
    client = make_client(sandbox_config(retry=RetryPolicy.disabled()))
    hasty = copy_of(client, timeout=0.2)
    alipay_sandbox.faults.delay = 1.0
    alipay_sandbox.faults.next("delay", 2)
    with pytest.raises(TransportTimeoutError, match="per-attempt timeout of 0.2 s"):
        await hasty.call("query", sandbox_activity)
    # the client keeps config.timeout (5 s): the same wait is no timeout there
    answered = await client.call("query", sandbox_activity)
    assert answered.http_status == 200


async def test_a_copy_has_its_own_retry_policy(
    alipay_sandbox: Sandbox,
    sandbox_requests: SandboxRequests,
    sandbox_activity: str,
    sandbox_client: Driver,
) -> None:
    once = copy_of(sandbox_client, retry=RetryPolicy.disabled())
    assert once.client.retry_policy == RetryPolicy.disabled()
    assert sandbox_client.client.retry_policy != RetryPolicy.disabled()
    alipay_sandbox.faults.next("503", 2)
    with pytest.raises(APIError, match="503"):
        await once.call("query", sandbox_activity)
    assert len(sandbox_requests()) == 1
    await sandbox_client.call("query", sandbox_activity)  # retried past the second 503
    assert len(sandbox_requests()) == 3


async def test_a_copy_shares_the_connections_and_the_loop(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    threads: list[threading.Thread] = []

    def note(event: ResponseEvent) -> None:
        threads.append(threading.current_thread())

    client = make_client(gateway_config(key_config, gateway), hooks=Hooks(on_response=note))
    copy = copy_of(client, timeout=3)
    for driver in (client, copy, client, copy):
        await driver.call("query", ACTIVITY)
    # One kept-alive connection served all four calls.
    assert len(gateway.connections) == 1 and len(gateway.received) == 4
    # The copy's calls ran on the client's loop (the blocking client's one thread).
    assert len(set(threads)) == 1


async def test_closing_the_copy_leaves_the_client_open(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    client = make_client(gateway_config(key_config, gateway))
    copy = copy_of(client, app_auth_token=TOKEN)
    await copy.call("query", ACTIVITY)
    await copy.aclose()
    await copy.aclose()  # idempotent
    assert copy.client.closed and not client.client.closed
    with pytest.raises(ClientClosedError, match="is closed"):
        await copy.call("query", ACTIVITY)
    await client.call("query", ACTIVITY)
    assert len(gateway.received) == 2 and len(gateway.connections) == 1


async def test_closing_the_client_ends_its_copies(
    sandbox_requests: SandboxRequests, sandbox_activity: str, sandbox_client: Driver
) -> None:
    copy = copy_of(sandbox_client, timeout=3)
    unused = copy_of(sandbox_client, timeout=2)  # made, never called before the close
    await copy.call("query", sandbox_activity)
    await sandbox_client.aclose()
    for driver in (copy, unused):
        assert driver.client.closed
        with pytest.raises(ClientClosedError, match="closed"):
            await driver.call("query", sandbox_activity)
    assert len(sandbox_requests()) == 1


async def test_an_async_copy_names_the_closed_client(sandbox_config: SandboxConfig) -> None:
    from alipay_voucher import AsyncVoucherClient

    client = AsyncVoucherClient(sandbox_config())
    copy = client.with_options(timeout=3)
    await client.aclose()
    with pytest.raises(ClientClosedError, match=r"made by with_options\(\) from AsyncVoucher"):
        await copy.query(ACTIVITY)


async def test_the_copys_token_is_masked_in_its_errors_and_repr(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig
) -> None:
    client = make_client(gateway_config(key_config, gateway))
    merchant = copy_of(client, app_auth_token=TOKEN)
    assert TOKEN not in repr(merchant.client)
    gateway.script("query", error(400, "INVALID_PARAMETER", f"app_auth_token {TOKEN} revoked"))
    with pytest.raises(Exception, match="INVALID_PARAMETER") as caught:
        await merchant.call("query", ACTIVITY)
    assert TOKEN not in str(caught.value)
    assert TOKEN not in repr(vars(caught.value))


@pytest.mark.parametrize("timeout", [0, -1, "3", True])
async def test_a_bad_timeout_is_refused(
    make_client: MakeClient, key_config: AlipayConfig, timeout: Any
) -> None:
    client = make_client(key_config)
    with pytest.raises(RequestValidationError, match="timeout must be a positive number"):
        client.client.with_options(timeout=timeout)


async def test_a_bad_retry_is_refused(make_client: MakeClient, key_config: AlipayConfig) -> None:
    client = make_client(key_config)
    with pytest.raises(ConfigurationError, match="retry must be a RetryPolicy"):
        client.client.with_options(retry=3)  # type: ignore[arg-type]


async def test_a_copy_of_a_dropped_client_still_works(
    sandbox_config: SandboxConfig, sandbox_requests: SandboxRequests, sandbox_activity: str
) -> None:
    """A copy keeps what it shares alive: dropping the client it came from neither
    closes the connections under it nor warns about them."""
    import gc
    import warnings

    from alipay_voucher import AsyncVoucherClient

    client = AsyncVoucherClient(sandbox_config())
    copy = client.with_options(timeout=3)
    await client.query(sandbox_activity)
    del client
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        gc.collect()
    await copy.query(sandbox_activity)
    assert len(sandbox_requests()) == 2
    # The only way left to close the pool: the transport the copy holds.
    origin = copy._transport._origin
    assert origin is not None
    await origin.aclose()
    await asyncio.sleep(0)
    assert copy.closed
