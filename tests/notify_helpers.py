"""Signed inbound messages for tests, made with the key that plays Alipay."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

from alipay_voucher import protocol
from alipay_voucher.credentials import RSAKeySigner, load_private_key

from .vectors import APP_ID, KEYS

ALIPAY_SIGNER = RSAKeySigner(load_private_key(KEYS / "alipay_private_pkcs1.pem"))

SAMPLE_BIZ: dict[str, dict[str, Any]] = {
    "alipay.marketing.activity.message.created": {
        "id": "created_2024060100826004508401111111",
        "activity_id": "2024060100826004508401111111",
        "event_time": "1717200000000",
        "out_biz_no": "pub-0001",
    },
    "alipay.marketing.activity.message.modified": {
        "id": "modified_1",
        "activity_id": "2024060100826004508401111111",
        "event_time": "1717200000001",
        "out_biz_no": "mod-0001",
    },
    "alipay.marketing.activity.message.appended": {
        "id": "appended_1",
        "activity_id": "2024060100826004508401111111",
        "event_time": "1717200000002",
        "out_biz_no": "app-0001",
    },
    "alipay.marketing.activity.message.stopped": {
        "id": "stopped_1",
        "activity_id": "2024060100826004508401111111",
        "event_time": "1717200000003",
        "out_biz_no": "stop-0001",
    },
    "alipay.marketing.activity.message.received": {
        "id": "received_1",
        "activity_id": "2024060100826004508401111111",
        "event_time": "1717200000004",
        "voucher_id": "2024060100073002214009f8qhr3",
        "voucher_code": "",
        "receive_user_id": "2088102000000001",
    },
    "alipay.marketing.activity.message.used": {
        "id": "used_1",
        "activity_id": "2024060100826004508401111111",
        "voucher_id": "2024060100073002214009f8qhr3",
        "some_new_field": {"x": 1},
    },
    "alipay.marketing.activity.message.expired": {
        "id": "expired_1",
        "activity_id": "2024060100826004508401111111",
        "event_time": "1717200000005",
        "voucher_id": "2024060100073002214009f8qhr3",
        "user_id": "2088102000000001",
    },
}


def signed_params(
    msg_method: str,
    biz: dict[str, Any] | None = None,
    *,
    app_id: str = APP_ID,
    notify_id: str = "2024060100222105131062921023025563",
    utc_ms: int | None = None,
    include_sign_type: bool = False,
    signer: RSAKeySigner = ALIPAY_SIGNER,
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    params = {
        "notify_id": notify_id,
        "utc_timestamp": str(utc_ms if utc_ms is not None else int(time.time() * 1000)),
        "msg_method": msg_method,
        "app_id": app_id,
        "version": "1.1",
        "biz_content": json.dumps(
            biz if biz is not None else SAMPLE_BIZ[msg_method],
            ensure_ascii=False,
            separators=(",", ":"),
        ),
        "charset": "UTF-8",
        "sign_type": "RSA2",
    }
    params.update(extra or {})
    return protocol.sign_notification(signer, params, include_sign_type=include_sign_type)


def form_body(params: dict[str, str]) -> bytes:
    return urlencode(params).encode("utf-8")
