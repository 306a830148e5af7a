"""What the protocol layer costs on top of the two RSA operations a call needs.

A ``send`` call must make one RSA signature (the request) and one RSA verification
(the response); nothing can make those cheaper. This benchmark measures, in one run,
(a) those two bare operations over the very bytes a real call signs and verifies, and
(b) the whole protocol path: build target, serialise body, auth string, sign, headers,
then verify, parse and check the answer. It prints both and the share of (b) that is
not RSA. Target: at most 15 %.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from alipay_voucher import protocol
from alipay_voucher.config import AlipayConfig
from alipay_voucher.credentials import RSAKeySigner
from alipay_voucher.testing.pki import make_pki
from benchmarks._util import per_call, print_table

CALLS = 400
SEND_PATH = "/v3/alipay/marketing/activity/voucher/send"
BODY = {
    "activity_id": "2016042700826004508401111111",
    "out_biz_no": "bench-send-000000000001",
    "user_id": "2088102000000001",
    "merchant_access_mode": "SELF_MODE",
}


def main() -> float:
    pki = make_pki()
    config = AlipayConfig.key_mode(
        app_id=pki.app_id,
        private_key=pki.app_private_key_pem,
        alipay_public_key=pki.alipay_public_key_pem,
    )
    alipay_signer = RSAKeySigner(pki.alipay_key)
    answer = b'{"voucher_id":"2024060100073002214009f8qhr3"}'
    answer_headers = protocol.sign_response(alipay_signer, answer)
    answer_headers.update(
        {"content-type": "application/json;charset=UTF-8", "alipay-trace-id": "t"}
    )

    # (a) the bare RSA work over the same bytes a call handles
    prepared = protocol.prepare_request(config, "POST", SEND_PATH, json_body=BODY)
    content = prepared.content_to_sign.encode()
    verify_content = protocol.response_sign_content(
        answer_headers["alipay-timestamp"], answer_headers["alipay-nonce"], answer
    )
    import base64

    signature = base64.b64decode(answer_headers["alipay-signature"])
    app_key = pki.app_key
    alipay_public = pki.alipay_key.public_key()
    pkcs1, sha256 = padding.PKCS1v15(), hashes.SHA256()

    def bare() -> None:
        app_key.sign(content, pkcs1, sha256)
        alipay_public.verify(signature, verify_content, pkcs1, sha256)

    # (b) the protocol path
    def full() -> None:
        request = protocol.prepare_request(config, "POST", SEND_PATH, json_body=BODY)
        assert request.body
        protocol.process_response(
            config, 200, answer_headers, answer, request_id=request.request_id
        )

    for _ in range(50):  # warm-up
        bare()
        full()
    # Interleave the two so that machine noise hits both alike; keep each one's best.
    bare_s = full_s = float("inf")
    for _ in range(5):
        bare_s = min(bare_s, per_call(bare, calls=CALLS, repeats=1))
        full_s = min(full_s, per_call(full, calls=CALLS, repeats=1))
    overhead = (full_s - bare_s) / full_s
    print_table(
        "protocol layer vs bare RSA (one send call: sign request + verify response)",
        [
            ("bare RSA sign + verify", f"{bare_s * 1e6:8.1f} µs/call"),
            ("protocol prepare + process", f"{full_s * 1e6:8.1f} µs/call"),
            ("ratio full / bare", f"{full_s / bare_s:8.3f}"),
            ("protocol share beyond RSA", f"{overhead * 100:8.1f} %  (target <= 15 %)"),
        ],
    )
    return overhead


if __name__ == "__main__":
    share = main()
    sys.exit(0 if share <= 0.15 else 1)
