"""OpenTelemetry: one span per call and one per attempt, read with the SDK's in-memory
exporter; no secret and no user id in any span; no import unless tracing is asked for.

Tests that take a ``make_client`` run for AsyncVoucherClient and VoucherClient.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from alipay_voucher import AsyncVoucherClient
from alipay_voucher.config import AlipayConfig, RetryPolicy
from alipay_voucher.errors import APIError, ConfigurationError, OutcomeUnknownError
from alipay_voucher.testing import Sandbox
from tests.campaigns import published_activity
from tests.clients import (
    FAST_RETRY,
    Driver,
    FakeAlipay,
    MakeClient,
    SandboxConfig,
    error,
    gateway_config,
)
from tests.standalone import loaded_after

ACTIVITY = "2016042700826004508401111111"
TOKEN = "202412BBtokenSECRETvalue0042"
USER = "2088512417841101"
OPEN_ID = "074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5"


class Recorded:
    """A tracer provider whose finished spans are kept in memory."""

    def __init__(self) -> None:
        self.exporter = InMemorySpanExporter()
        self.provider = TracerProvider()
        self.provider.add_span_processor(SimpleSpanProcessor(self.exporter))

    @property
    def spans(self) -> list[ReadableSpan]:
        return list(self.exporter.get_finished_spans())

    def named(self, prefix: str) -> list[ReadableSpan]:
        return [s for s in self.spans if s.name.startswith(prefix)]

    def text(self) -> str:
        """Everything the spans would export, as one string to search."""
        return "\n".join(span.to_json() for span in self.spans)


@pytest.fixture
def recorded() -> Iterator[Recorded]:
    spans = Recorded()
    yield spans
    spans.provider.shutdown()


def attributes(span: ReadableSpan) -> dict[str, Any]:
    return dict(span.attributes or {})


async def test_a_send_with_one_retry_has_a_call_span_and_two_attempt_spans(
    make_client: MakeClient, gateway: FakeAlipay, key_config: AlipayConfig, recorded: Recorded
) -> None:
    driver = make_client(gateway_config(key_config, gateway), tracing=recorded.provider)
    gateway.script("send", error(503, "SYSTEM_ERROR"))
    sent = await driver.call("send", {"activity_id": ACTIVITY, "user_id": USER})
    first, second = gateway.for_path("send")

    (call,) = recorded.named("alipay_voucher send")
    tries = recorded.named("POST /v3/alipay/marketing/activity/voucher/send")
    assert len(recorded.spans) == 3 and len(tries) == 2
    assert call.kind is SpanKind.INTERNAL and {t.kind for t in tries} == {SpanKind.CLIENT}
    assert call.context is not None
    for attempt in tries:  # children of the call span, inside it in time
        assert attempt.parent is not None and attempt.parent.span_id == call.context.span_id
        assert call.start_time <= attempt.start_time <= attempt.end_time <= call.end_time  # type: ignore[operator]

    retried, answered = sorted(tries, key=lambda s: attributes(s)["alipay.attempt"])
    common = {
        "alipay.operation": "send",
        "http.request.method": "POST",
        "url.path": "/v3/alipay/marketing/activity/voucher/send",
        "alipay.out_biz_no": sent.out_biz_no,
    }
    first_facts = attributes(retried)
    delay = first_facts.pop("alipay.retry_delay")
    assert 0 <= delay <= FAST_RETRY.max_backoff
    assert first_facts == {
        **common,
        "alipay.attempt": 1,
        "alipay.request_id": first.request_id,
        "http.response.status_code": 503,
        "alipay.trace_id": "trace-0001",  # the fake gateway's first answer
        "alipay.outcome": "retry",
        "error.type": "APIError",
    }
    assert retried.status.status_code is StatusCode.ERROR
    assert attributes(answered) == {
        **common,
        "alipay.attempt": 2,
        "http.request.resend_count": 1,
        "alipay.request_id": second.request_id,
        "http.response.status_code": 200,
        "alipay.trace_id": sent.trace_id,
        "alipay.outcome": "ok",
    }
    assert answered.status.status_code is StatusCode.UNSET
    assert attributes(call) == {
        **common,
        "alipay.attempts": 2,
        "alipay.request_id": sent.request_id,
        "http.response.status_code": 200,
        "alipay.trace_id": sent.trace_id,
        "alipay.outcome": "ok",
    }
    assert call.status.status_code is StatusCode.UNSET


async def test_no_span_carries_a_secret_or_a_user_id(
    make_client: MakeClient,
    gateway: FakeAlipay,
    key_config: AlipayConfig,
    recorded: Recorded,
    aes_key_b64: str,
) -> None:
    driver = make_client(gateway_config(key_config, gateway), tracing=recorded.provider)
    echo = f"app_auth_token {TOKEN} is not authorised for user {USER}"
    gateway.script("send", error(503, "SYSTEM_ERROR", echo), error(400, "INVALID_PARAMETER", echo))
    with pytest.raises(OutcomeUnknownError):  # the 503 may have been Alipay's own
        await driver.call(
            "send",
            {"activity_id": ACTIVITY, "user_id": USER, "out_biz_no": f"o-{USER}"},
            app_auth_token=TOKEN,
        )
    await driver.call("send", {"activity_id": ACTIVITY, "open_id": OPEN_ID}, app_auth_token=TOKEN)
    await driver.call(
        "request",
        "GET",
        f"/v3/alipay/marketing/activity/voucher/query/{USER}",
        query={"user_id": USER},
        app_auth_token=TOKEN,
    )
    assert len(recorded.spans) == 7
    text = recorded.text()
    signatures = [r.headers["authorization"].rpartition("sign=")[2] for r in gateway.received]
    for secret in (TOKEN, USER, OPEN_ID, aes_key_b64, *signatures):
        assert secret not in text, secret
    # what the spans do say, with the user ids masked
    refused = recorded.named("alipay_voucher send")[0]
    assert attributes(refused)["alipay.out_biz_no"] == "o-***"
    assert attributes(refused)["alipay.outcome"] == "outcome_unknown"
    (generic,) = recorded.named("alipay_voucher GET")
    assert attributes(generic)["url.path"] == "/v3/alipay/marketing/activity/voucher/query/208***01"


async def test_the_call_span_says_how_the_call_ended(
    make_client: MakeClient,
    alipay_sandbox: Sandbox,
    sandbox_config: SandboxConfig,
    sandbox_activity: str,
    recorded: Recorded,
) -> None:
    driver = make_client(sandbox_config(retry=RetryPolicy.disabled()), tracing=recorded.provider)
    alipay_sandbox.faults.next("drop")
    with pytest.raises(OutcomeUnknownError):
        await driver.call("send", {"activity_id": sandbox_activity, "user_id": USER})
    with pytest.raises(APIError, match="INVALID_PARAMETER"):  # no such activity
        await driver.call("query", ACTIVITY)
    dropped, refused = recorded.named("alipay_voucher ")
    assert attributes(dropped)["alipay.outcome"] == "outcome_unknown"
    assert attributes(dropped)["error.type"] == "OutcomeUnknownError"
    assert "http.response.status_code" not in attributes(dropped)  # no answer came
    assert attributes(refused)["alipay.outcome"] == "error"
    assert attributes(refused)["http.response.status_code"] == 400
    for call in (dropped, refused):
        assert call.status.status_code is StatusCode.ERROR
    attempts = recorded.named("POST ") + recorded.named("GET ")
    assert [attributes(a)["alipay.outcome"] for a in attempts] == ["error", "error"]


async def test_the_call_span_is_a_child_of_the_callers_span(
    make_client: MakeClient,
    sandbox_config: SandboxConfig,
    sandbox_activity: str,
    recorded: Recorded,
) -> None:
    driver = make_client(sandbox_config(), tracing=recorded.provider)
    tracer = recorded.provider.get_tracer("the application")
    with tracer.start_as_current_span("handle order") as outer:
        await driver.call("query", sandbox_activity)
    (call,) = recorded.named("alipay_voucher query")
    assert call.parent is not None
    assert call.parent.span_id == outer.get_span_context().span_id
    assert trace.get_current_span() is trace.INVALID_SPAN  # nothing left attached


async def test_a_copy_traces_like_its_client(
    make_client: MakeClient,
    sandbox_config: SandboxConfig,
    sandbox_activity: str,
    recorded: Recorded,
) -> None:
    driver = make_client(sandbox_config(), tracing=recorded.provider)
    copy = Driver(driver.kind, driver.client.with_options(timeout=3))
    await copy.call("query", sandbox_activity)
    assert [s.name for s in recorded.spans] == [
        "GET /v3/alipay/marketing/activity/voucher/query",
        "alipay_voucher query",
    ]


async def test_without_tracing_no_span_is_made(
    sandbox_client: Driver, sandbox_activity: str, recorded: Recorded
) -> None:
    tracer = recorded.provider.get_tracer("the application")
    with tracer.start_as_current_span("handle order"):
        await sandbox_client.call("query", sandbox_activity)
    assert [s.name for s in recorded.spans] == ["handle order"]


async def test_a_send_retried_after_a_sandbox_fault(
    alipay_sandbox: Sandbox, recorded: Recorded
) -> None:
    """The sandbox's injected 503 (a load balancer's page, before the gateway) and the
    retry that follows, as spans."""
    config = alipay_sandbox.config().with_options(
        retry=RetryPolicy(initial_backoff=0.001, max_backoff=0.002)
    )
    async with AsyncVoucherClient(config, tracing=recorded.provider) as client:
        activity_id = await published_activity(Driver("async", client))
        recorded.exporter.clear()
        alipay_sandbox.faults.next("503", operation="send")
        sent = await client.send({"activity_id": activity_id, "user_id": USER})
    spans = recorded.spans
    assert [
        (s.name, attributes(s).get("alipay.attempt"), attributes(s)["alipay.outcome"])
        for s in spans
    ] == [
        ("POST /v3/alipay/marketing/activity/voucher/send", 1, "retry"),
        ("POST /v3/alipay/marketing/activity/voucher/send", 2, "ok"),
        ("alipay_voucher send", None, "ok"),
    ]
    assert attributes(spans[0])["http.response.status_code"] == 503
    assert "alipay.trace_id" not in attributes(spans[0])  # the load balancer gives none
    assert attributes(spans[2])["alipay.trace_id"] == sent.trace_id
    assert USER not in recorded.text()


@pytest.mark.parametrize("tracing", ["yes", 1, object()])
def test_a_bad_tracing_option_is_refused(key_config: AlipayConfig, tracing: Any) -> None:
    with pytest.raises(ConfigurationError, match="tracing must be True .* or an opentelemetry"):
        AsyncVoucherClient(key_config, tracing=tracing)


# ----------------------------------------------------------------- the import guard

CLIENTS = (
    "from alipay_voucher import AlipayConfig, AsyncVoucherClient, VoucherClient\n"
    "from tests.vectors import KEYS\n"
    "config = AlipayConfig.key_mode(app_id='2021000000000001',\n"
    "    private_key=(KEYS / 'app_private_pkcs1.pem').read_text(),\n"
    "    alipay_public_key=(KEYS / 'alipay_public_spki.pem').read_text())\n"
)


def test_a_client_without_tracing_does_not_import_opentelemetry() -> None:
    code = CLIENTS + "AsyncVoucherClient(config)\nVoucherClient(config).close()\n"
    assert loaded_after(code, "opentelemetry") == []


def test_a_client_with_tracing_imports_it() -> None:
    code = CLIENTS + "AsyncVoucherClient(config, tracing=True)\n"
    assert "opentelemetry.trace" in loaded_after(code, "opentelemetry")


def test_tracing_without_the_extra_names_it() -> None:
    code = (
        "import sys\n"
        "sys.modules['opentelemetry'] = None  # as if the [otel] extra were not installed\n"
        + CLIENTS
        + "try:\n"
        "    AsyncVoucherClient(config, tracing=True)\n"
        "except Exception as error:\n"
        "    print(type(error).__name__, error)\n"
    )
    import os
    import subprocess
    import sys

    from tests.standalone import ROOT

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.startswith("ConfigurationError") and "alipay_voucher[otel]" in out, out
