"""Logging: one record per attempt with structured fields, the ALIPAY_LOG=debug signed
string, and masking of every secret and user id in records and exception messages."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from typing import Any

import pytest

from alipay_voucher._logging import mask_id, redact, redact_headers, redact_sign_content
from alipay_voucher.config import AlipayConfig, RetryPolicy
from alipay_voucher.errors import APIError, OutcomeUnknownError, TransportError
from alipay_voucher.testing import Sandbox
from tests.clients import (
    Driver,
    Drop,
    FakeAlipay,
    MakeClient,
    Reply,
    SandboxConfig,
    error,
    gateway_config,
    unused_port,
)
from tests.vectors import KEYS

ACTIVITY = "2016042700826004508401111111"
USER_ID = "2088512417841101"
OPEN_ID = "074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5"
LOGON_ID = "someone@example.com"
TOKEN = "202406BB1234567890abcdef1234567890abcX99"


def _texts(records: list[logging.LogRecord]) -> str:
    """Everything a handler or a structured formatter could print from the records."""
    parts = []
    for record in records:
        parts.append(record.getMessage())
        parts.extend(repr(v) for v in record.__dict__.values())
    return "\n".join(parts)


# --------------------------------------------------------------------------- masking rules


def test_redact_masks_every_kind_of_secret() -> None:
    auth = "ALIPAY-SHA256withRSA app_id=1,nonce=n,timestamp=1,sign=abc+/DEF=="
    assert redact(auth) == "ALIPAY-SHA256withRSA app_id=1,nonce=n,timestamp=1,sign=***"
    body = json.dumps({"user_id": USER_ID, "open_id": OPEN_ID, "x": {"logon_id": LOGON_ID}})
    masked = redact(body)
    assert USER_ID not in masked and OPEN_ID not in masked and LOGON_ID not in masked
    assert json.loads(masked)["user_id"] == mask_id(USER_ID) == "208***01"
    assert redact(f"/path?open_id={OPEN_ID}&a=1") == f"/path?open_id={mask_id(OPEN_ID)}&a=1"
    assert redact(f"用户{USER_ID}不存在") == f"用户{mask_id(USER_ID)}不存在"
    assert redact("http://user:pa55@proxy:3128") == "http://***@proxy:3128"
    pem = (KEYS / "app_private_pkcs1.pem").read_text()
    assert "MII" not in redact(f"key: {pem} end")
    assert redact(f"token {TOKEN}", secrets=[TOKEN]) == "token ***"
    assert (
        redact('{"app_auth_token": "t", "sign": "s"}') == '{"app_auth_token": "***", "sign": "***"}'
    )


def test_redact_headers() -> None:
    headers = redact_headers(
        [
            ("Authorization", "ALIPAY-SHA256withRSA app_id=1,nonce=n,timestamp=1,sign=SIG"),
            ("alipay-app-auth-token", TOKEN),
            ("alipay-signature", "SIG2"),
            ("alipay-request-id", "r1"),
        ]
    )
    assert headers["Authorization"].endswith("sign=***")
    assert headers["alipay-app-auth-token"] == "***"
    assert headers["alipay-signature"] == "***"
    assert headers["alipay-request-id"] == "r1"


def test_redact_sign_content_replaces_the_token_line() -> None:
    content = f'app_id=1,nonce=n,timestamp=1\nPOST\n/p\n{{"user_id":"{USER_ID}"}}\n{TOKEN}\n'
    masked = redact_sign_content(content, app_auth_token=TOKEN)
    assert masked.endswith("\n***\n")
    assert TOKEN not in masked and USER_ID not in masked
    assert masked.startswith("app_id=1,nonce=n,timestamp=1\nPOST\n/p\n")


def test_import_configures_no_logging() -> None:
    code = (
        "import logging; before = list(logging.root.handlers);"
        "import alipay_voucher.client, alipay_voucher.sync, alipay_voucher.transport;"
        "lib = logging.getLogger('alipay_voucher');"
        "assert [type(h) for h in lib.handlers] == [logging.NullHandler];"
        "assert lib.level == logging.NOTSET and lib.propagate;"
        "assert logging.root.handlers == before and logging.root.level == logging.WARNING"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_an_unconfigured_application_prints_nothing_for_a_handled_failure() -> None:
    # Without the NullHandler, Python's last-resort handler prints WARNING records on
    # stderr in a program that configured no logging.
    code = (
        "import logging; from alipay_voucher._logging import logger;"
        "logger.warning('a retry'); logger.info('the final failure')"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr == ""


# --------------------------------------------------------------------------- records


async def test_one_record_per_attempt_with_structured_fields(
    make_client: MakeClient,
    gateway: FakeAlipay,
    key_config: AlipayConfig,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="alipay_voucher")
    driver = make_client(gateway_config(key_config, gateway))
    gateway.script("send", error(503, "busy"), Reply())
    await driver.call("send", {"activity_id": ACTIVITY, "user_id": USER_ID, "out_biz_no": "L-1"})
    records = [r for r in caplog.records if r.name == "alipay_voucher"]
    assert len(records) == 2
    first, second = records
    assert first.levelno == logging.WARNING and second.levelno == logging.INFO
    for record, attempt, status in ((first, 1, 503), (second, 2, 200)):
        fields: dict[str, Any] = record.__dict__
        assert fields["alipay_attempt"] == attempt
        assert fields["alipay_status"] == status
        assert fields["alipay_method"] == "POST"
        assert fields["alipay_path"] == "/v3/alipay/marketing/activity/voucher/send"
        assert fields["alipay_operation"] == "send"
        assert fields["alipay_out_biz_no"] == "L-1"
        assert isinstance(fields["alipay_latency"], float)
        assert fields["alipay_request_id"] == gateway.received[attempt - 1].request_id
        assert fields["alipay_trace_id"] == f"trace-{attempt:04d}"
        message = record.getMessage()
        assert "POST /v3/alipay/marketing/activity/voucher/send" in message
        assert f"attempt {attempt}" in message and str(status) in message
        assert fields["alipay_request_id"] in message and fields["alipay_trace_id"] in message
    assert first.__dict__["alipay_outcome"] == "retry" and "retrying in" in first.getMessage()
    assert second.__dict__["alipay_outcome"] == "ok"


async def test_the_final_failure_is_logged_at_info_the_retries_at_warning(
    alipay_sandbox: Sandbox, sandbox_client: Driver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="alipay_voucher")
    alipay_sandbox.faults.next("503")
    # the 503 may have taken effect, so the caller gets OutcomeUnknownError (the retry
    # is refused: there is no such activity)
    with pytest.raises(OutcomeUnknownError):
        await sandbox_client.call(
            "send", {"activity_id": ACTIVITY, "user_id": USER_ID, "out_biz_no": "L-2"}
        )
    records = [r for r in caplog.records if r.name == "alipay_voucher"]
    assert [(r.levelno, r.__dict__["alipay_outcome"]) for r in records] == [
        (logging.WARNING, "retry"),
        (logging.INFO, "error"),
    ]
    assert "giving up" in records[1].getMessage()
    assert records[1].__dict__["alipay_status"] == 400


async def test_debug_env_logs_the_signed_string_masked(
    make_client: MakeClient,
    alipay_sandbox: Sandbox,
    sandbox_config: SandboxConfig,
    sandbox_activity: str,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG, logger="alipay_voucher")
    quiet = make_client(sandbox_config())
    await quiet.call("query", sandbox_activity)
    assert not [r for r in caplog.records if "signed content" in r.getMessage()]

    monkeypatch.setenv("ALIPAY_LOG", "debug")
    driver = make_client(sandbox_config())  # read at creation
    send = {"activity_id": sandbox_activity, "open_id": OPEN_ID}
    await driver.call("send", send, app_auth_token=TOKEN)
    (record,) = [r for r in caplog.records if "signed content" in r.getMessage()]
    assert record.levelno == logging.DEBUG
    content: str = record.__dict__["alipay_sign_content"]
    lines = content.split("\n")
    assert lines[0].startswith(f"app_id={alipay_sandbox.app_id},nonce=")
    assert lines[1:3] == ["POST", "/v3/alipay/marketing/activity/voucher/send"]
    assert json.loads(lines[3])["open_id"] == mask_id(OPEN_ID)
    assert lines[4] == "***"
    assert OPEN_ID not in _texts(caplog.records) and TOKEN not in _texts(caplog.records)


async def test_no_secret_or_user_id_in_any_record_or_error(
    make_client: MakeClient,
    gateway: FakeAlipay,
    key_config: AlipayConfig,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("ALIPAY_LOG", "debug")
    driver = make_client(gateway_config(key_config, gateway))
    errors: list[BaseException] = []
    # success, an API error echoing the user id, an outcome-unknown, a refused connection
    await driver.call("send", {"activity_id": ACTIVITY, "user_id": USER_ID}, app_auth_token=TOKEN)
    gateway.script("send", error(400, "INVALID_PARAMETER", f"用户 {USER_ID} 不存在"))
    with pytest.raises(APIError) as api_error:
        await driver.call("send", {"activity_id": ACTIVITY, "user_id": USER_ID})
    assert api_error.value.message == f"用户 {mask_id(USER_ID)} 不存在"
    # the answer's bytes, with what the call itself sent (token, user ids) masked
    assert USER_ID.encode() not in api_error.value.body
    assert b'"code":"INVALID_PARAMETER"' in api_error.value.body
    errors.append(api_error.value)
    gateway.script("send", Drop(), Drop(), Drop())
    with pytest.raises(OutcomeUnknownError) as unknown:
        await driver.call(
            "send", {"activity_id": ACTIVITY, "open_id": OPEN_ID}, app_auth_token=TOKEN
        )
    errors += [unknown.value, unknown.value.__cause__]  # type: ignore[list-item]
    await driver.call(
        "request",
        "POST",
        "/v3/alipay/other/recharge",
        json={"logon_id": LOGON_ID, "out_biz_no": "r-1"},
        query={"user_id": USER_ID},
        app_auth_token=TOKEN,
    )
    refused = make_client(
        key_config.with_options(
            base_url=f"http://127.0.0.1:{unused_port()}", retry=RetryPolicy.disabled()
        )
    )
    with pytest.raises(TransportError) as transport_error:
        await refused.call("request", "GET", "/v3/x", query={"open_id": OPEN_ID})
    errors.append(transport_error.value)

    signatures = [r.headers["authorization"].rpartition(",sign=")[2] for r in gateway.received]
    forbidden = [USER_ID, OPEN_ID, LOGON_ID, TOKEN, *signatures]
    logged = _texts(caplog.records)
    raised = "\n".join(str(e) for e in errors)
    for secret in forbidden:
        assert secret not in logged, secret
        assert secret not in raised, secret
    assert "signed content" in logged and "208***01" in logged  # masked, not absent
    assert "PRIVATE KEY" not in logged
