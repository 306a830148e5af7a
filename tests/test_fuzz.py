"""Fuzzing the two functions that take bytes from the network: every input ends in a
verified result or an ``AlipayError``, and a result is only ever what Alipay signed.

* ``protocol.process_response``: what the transport calls on every answer (verify,
  check freshness, decrypt, parse).
* ``notify.parse_notification``: what every notification endpoint calls.

Each example starts from a genuine input (answers and messages signed with Alipay's
key by ``cryptography`` directly, made fresh when the test starts) or from random
bytes, then applies a few mutations: flipped, cut or appended bytes, headers dropped,
repeated, renamed or replaced, another status, the other encryption flag. The
strategies are deliberately cheap so that the long run gets through 100,000 inputs per
function within its time budget; ``test_hostile_*`` hold the richer, slower strategies.
The oracles are written against ``cryptography`` and ``json``, not the SDK.
"""

from __future__ import annotations

import base64
import json
import random
import time
import uuid
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

import attrs
import pytest
from cryptography.hazmat.primitives import hashes, padding
from cryptography.hazmat.primitives.asymmetric import padding as rsa_padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from alipay_voucher import protocol
from alipay_voucher._freshness import AnswerNonces
from alipay_voucher.config import AlipayConfig
from alipay_voucher.errors import AlipayError
from tests.hostile_oracle import check_notification
from tests.hostile_server import alipay_signed
from tests.hostile_strategies import ALIPAY_KEY, ALIPAY_SN, WRONG_KEY
from tests.vectors import APP_ID

_T = TypeVar("_T")

SEEDS = st.integers(0, 2**64 - 1)
"""What hypothesis draws per example: the seed of its mutations. One draw keeps the
engine's cost per input small enough for 100,000 inputs in the long run; a failing
seed is reported and replayed like any hypothesis example."""
SHORT_RUN = 300
"""Inputs per function in the default suite."""
LONG_RUN = 100_000
"""Inputs per function under ``make test-long`` (one example feeds both)."""

_FAST = settings(
    deadline=None,
    database=None,
    # Shrinking runs only after a failure; no example database across runs, so the
    # count of inputs is the count asked for.
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=list(HealthCheck),
)


# --------------------------------------------------------------------------- answers


@attrs.frozen
class Answer:
    """One answer as the transport hands it to ``process_response``."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    encrypted: bool
    cert: bool


def _sign(key: Any, timestamp: str, nonce: str, body: bytes) -> str:
    content = f"{timestamp}\n{nonce}\n".encode() + body + b"\n"
    return base64.b64encode(key.sign(content, rsa_padding.PKCS1v15(), hashes.SHA256())).decode()


def _aes_encrypt(key: bytes, plain: bytes) -> bytes:
    """Alipay's AES: CBC, zero IV, PKCS#7, base64 (written with cryptography directly)."""
    padder = padding.PKCS7(128).padder()
    data = padder.update(plain) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(bytes(16))).encryptor()
    return base64.b64encode(encryptor.update(data) + encryptor.finalize())


def _genuine_answers(aes_key: bytes) -> list[Answer]:
    """Answers signed with Alipay's key now (and a few with another key), of each shape
    the client meets: JSON objects, encrypted bodies, signed refusals, odd payloads."""
    bodies: list[tuple[int, bytes, bool]] = [
        (200, b'{"voucher_id":"2024060100826004508401111111"}', False),
        (200, b'{"activity_id":"2016042700826004508401111111","out_biz_no":"o-1"}', False),
        (200, b"{}", False),
        (200, b"", False),
        (200, json.dumps({"a": [1, {"b": None}], "u": "\u4e2d"}).encode(), False),
        (200, b'{"n": 1e400, "x": NaN}', False),
        (200, b"[1, 2, 3]", False),
        (200, b"\xff\xfe not utf-8", False),
        (200, _aes_encrypt(aes_key, b'{"voucher_id":"2024060100826004508401111112"}'), True),
        (200, _aes_encrypt(aes_key, b"not json"), True),
        (200, _aes_encrypt(aes_key, b"\xff\xff"), True),
        (400, b'{"code":"INVALID_PARAMETER","message":"bad","links":[{"link":"x"}]}', False),
        (500, b'{"code":"SYSTEM_ERROR"}', False),
        (403, b"<html>denied</html>", False),
    ]
    out = []
    now = str(int(time.time() * 1000))
    for index, (status, body, encrypted) in enumerate(bodies):
        for cert in (False, True):
            nonce = uuid.uuid4().hex
            key = WRONG_KEY if index % 7 == 6 else ALIPAY_KEY
            headers = [
                ("alipay-timestamp", now),
                ("alipay-nonce", nonce),
                ("alipay-signature", _sign(key, now, nonce, body)),
                ("alipay-trace-id", f"trace-{index}"),
                ("Content-Type", "text/plain" if encrypted else "application/json"),
            ]
            if cert:
                headers.append(("alipay-sn", ALIPAY_SN))
            out.append(Answer(status, tuple(headers), body, encrypted, cert))
    return out


_HEADER_NAMES = [
    "alipay-timestamp",
    "alipay-nonce",
    "alipay-signature",
    "alipay-sn",
    "alipay-trace-id",
    "Content-Type",
    "ALIPAY-SIGNATURE",
    "x-other",
]
_HEADER_VALUES = ["", "null", "0", "-1", "1" * 20, "abc", "\ud800", "é", " ", ALIPAY_SN,
                  "text/plain", "1717000000000", "9" * 400]  # fmt: skip
_STATUSES = [200, 201, 204, 299, 100, 301, 304, 400, 401, 404, 429, 500, 502, 503, 600, 999]


def _random_text(rng: random.Random) -> str:
    return "".join(chr(rng.choice((rng.randrange(32, 127), rng.randrange(0x10FFFF)))) for _ in
                   range(rng.randrange(8)))  # fmt: skip


def _header_value(rng: random.Random) -> str:
    return rng.choice(_HEADER_VALUES) if rng.random() < 0.7 else _random_text(rng)


def _flip(rng: random.Random, data: bytes) -> bytes:
    at = rng.randrange(len(data))
    return data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1 :]


def mutated_answer(rng: random.Random, pool: list[Answer]) -> Answer:
    """A genuine answer from ``pool`` with up to three mutations (one in ten: noise)."""
    if rng.random() < 0.1:
        headers = [(rng.choice(_HEADER_NAMES), _header_value(rng)) for _ in range(rng.randrange(5))]
        body = rng.randbytes(rng.randrange(65))
        return Answer(rng.choice(_STATUSES), tuple(headers), body, rng.random() < 0.5,
                      rng.random() < 0.5)  # fmt: skip
    answer = rng.choice(pool)
    status, headers, body = answer.status, list(answer.headers), answer.body
    encrypted = answer.encrypted
    for _ in range(rng.randrange(4)):
        op = rng.randrange(9)
        if op == 0 and body:  # flip one bit
            body = _flip(rng, body)
        elif op == 1:  # cut
            body = body[: rng.randrange(len(body) + 1)]
        elif op == 2:  # append
            body += rng.randbytes(rng.randrange(1, 9))
        elif op == 3 and headers:  # drop a header
            del headers[rng.randrange(len(headers))]
        elif op == 4 and headers:  # repeat one, with the same or another value
            name, value = rng.choice(headers)
            headers.append((name, value if rng.random() < 0.5 else _header_value(rng)))
        elif op == 5 and headers:  # replace a value
            at = rng.randrange(len(headers))
            headers[at] = (headers[at][0], _header_value(rng))
        elif op == 6 and headers:  # another case for a name
            at = rng.randrange(len(headers))
            headers[at] = (headers[at][0].upper(), headers[at][1])
        elif op == 7:
            status = rng.choice(_STATUSES)
        else:
            encrypted = not encrypted
    return Answer(status, tuple(headers), body, encrypted, answer.cert)


def _single(headers: tuple[tuple[str, str], ...], name: str) -> str | None:
    values = {value for key, value in headers if key.lower() == name}
    return values.pop() if len(values) == 1 else None


def _check_answer(answer: Answer, config: AlipayConfig, nonces: AnswerNonces | None) -> str:
    """A result only from a fresh answer Alipay signed, with a 2xx status, saying what
    its body says; anything else an AlipayError."""
    try:
        result = protocol.process_response(
            config,
            answer.status,
            answer.headers,
            answer.body,
            encrypted=answer.encrypted,
            seen_nonces=nonces,
        )
    except AlipayError as error:
        return type(error).__name__
    assert 200 <= answer.status < 300, answer
    signature, timestamp, nonce = (
        _single(answer.headers, name)
        for name in ("alipay-signature", "alipay-timestamp", "alipay-nonce")
    )
    assert signature is not None and timestamp is not None and nonce is not None, answer
    content = timestamp.encode("utf-8", "surrogatepass") + b"\n"
    content += nonce.encode("utf-8", "surrogatepass") + b"\n" + answer.body + b"\n"
    assert alipay_signed(signature.encode("utf-8", "surrogatepass"), content), answer
    assert abs(int(timestamp) / 1000 - time.time()) <= 900 + 60, answer
    assert isinstance(result.payload, dict)
    if answer.body.lstrip().startswith(b"{"):
        assert result.payload == json.loads(answer.body), answer
    return "ok"


@pytest.fixture(scope="module")
def answer_pool(aes_key_b64: str) -> list[Answer]:
    return _genuine_answers(base64.b64decode(aes_key_b64))


class _Counter:
    def __init__(self) -> None:
        self.inputs = 0
        self.outcomes: dict[str, int] = {}

    def add(self, outcome: str) -> None:
        self.inputs += 1
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


# --------------------------------------------------------------------------- notifications


def _genuine_messages(app_id: str) -> list[bytes]:
    """Form bodies signed with Alipay's key now, under both signing rules."""
    out = []
    now = str(int(time.time() * 1000))
    events = ["created", "stopped", "received", "used", "expired"]
    for index, name in enumerate(events):
        params = {
            "notify_id": f"20240601002221051310629210230255{index:02d}",
            "utc_timestamp": now,
            "msg_method": f"alipay.marketing.activity.message.{name}",
            "app_id": app_id,
            "version": "1.1",
            "biz_content": json.dumps(
                {
                    "id": f"e{index}",
                    "activity_id": "2016042700826004508401111111",
                    "voucher_id": "2024060100826004508401111111",
                    "event_time": now,
                }
            ),
            "charset": "UTF-8",
            "sign_type": "RSA2",
        }
        for v2 in (False, True):
            skipped = {"sign"} if v2 else {"sign", "sign_type"}
            content = "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k not in skipped)
            signature = ALIPAY_KEY.sign(content.encode(), rsa_padding.PKCS1v15(), hashes.SHA256())
            signed = {**params, "sign": base64.b64encode(signature).decode()}
            out.append(urlencode(signed).encode("ascii"))
    return out


_FORM_PIECES = [b"&", b"=", b"%", b"%FF", b"%E4%B8%AD", b"+", b"sign=", b"charset=GBK&",
                b"app_id=", b"biz_content=%7B%7D&", b"\xff", b"&sign=AAAA",
                b"utc_timestamp=1e9&"]  # fmt: skip


def mutated_message(rng: random.Random, pool: list[bytes]) -> bytes | str:
    """A signed form body from ``pool`` with up to three mutations (one in ten: noise)."""
    if rng.random() < 0.1:
        return rng.randbytes(rng.randrange(97))
    body = rng.choice(pool)
    for _ in range(rng.randrange(4)):
        op = rng.randrange(4)
        at = rng.randrange(len(body) + 1)
        if op == 0 and body:
            body = _flip(rng, body)
        elif op == 1:
            body = body[:at]
        elif op == 2:
            body = body[:at] + rng.choice(_FORM_PIECES) + body[at:]
        else:
            body = body[:at] + body[at + rng.randrange(1, 13) :]
    if rng.random() < 0.2:
        return body.decode("utf-8", "surrogateescape")
    return body


@pytest.fixture(scope="module")
def message_pool() -> list[bytes]:
    return _genuine_messages(APP_ID)


# --------------------------------------------------------------------------- the runs


def _report(name: str, counter: _Counter, seconds: tuple[float, float]) -> None:
    shares = ", ".join(f"{k} {v}" for k, v in sorted(counter.outcomes.items(), key=lambda i: -i[1]))
    print(
        f"\n{name}: {counter.inputs} inputs in {seconds[0]:.1f} s "
        f"({seconds[1]:.1f} s of CPU; {shares})"
    )


def _timed(run: Callable[[], _T]) -> tuple[_T, tuple[float, float]]:
    """The counter, with the wall-clock and the CPU seconds the run took (on a busy
    machine the CPU time is what a quiet one would take)."""
    started, cpu = time.perf_counter(), time.process_time()
    counter = run()
    return counter, (time.perf_counter() - started, time.process_time() - cpu)


def _fuzz_both(
    examples: int,
    answer_pool: list[Answer],
    message_pool: list[bytes],
    key_config: AlipayConfig,
    cert_config: AlipayConfig,
) -> tuple[_Counter, _Counter]:
    """Each example's seed drives one answer and one message: the engine's cost per
    example is paid once for two inputs."""
    answers, messages = _Counter(), _Counter()
    nonces = AnswerNonces()

    @settings(_FAST, max_examples=examples)
    @given(seed=SEEDS)
    def run(seed: int) -> None:
        rng = random.Random(seed)
        answer = mutated_answer(rng, answer_pool)
        config = cert_config if answer.cert else key_config
        answers.add(_check_answer(answer, config, nonces if rng.random() < 0.2 else None))
        messages.add(check_notification(mutated_message(rng, message_pool), key_config))

    run()
    return answers, messages


def _fuzz(
    examples: int,
    answer_pool: list[Answer],
    message_pool: list[bytes],
    key_config: AlipayConfig,
    cert_config: AlipayConfig,
) -> None:
    both, seconds = _timed(
        lambda: _fuzz_both(examples, answer_pool, message_pool, key_config, cert_config)
    )
    answers, messages = both
    _report("process_response", answers, seconds)
    _report("parse_notification", messages, seconds)
    assert answers.inputs == examples and messages.inputs == examples
    # the genuine paths are reached, not only the refusals
    assert answers.outcomes["ok"] > examples // 100 and messages.outcomes["ok"] > examples // 100


def test_fuzz(
    answer_pool: list[Answer],
    message_pool: list[bytes],
    key_config: AlipayConfig,
    cert_config: AlipayConfig,
) -> None:
    _fuzz(SHORT_RUN, answer_pool, message_pool, key_config, cert_config)


@pytest.mark.long
def test_fuzz_long(
    answer_pool: list[Answer],
    message_pool: list[bytes],
    key_config: AlipayConfig,
    cert_config: AlipayConfig,
) -> None:
    _fuzz(LONG_RUN, answer_pool, message_pool, key_config, cert_config)


def test_the_answer_oracle_catches_a_forged_result(
    answer_pool: list[Answer], key_config: AlipayConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Were ``process_response`` to accept a body changed after signing, the fuzz run
    would fail: the oracle checks the signature on its own."""
    genuine = next(a for a in answer_pool if a.status == 200 and a.body.startswith(b'{"v'))
    assert _check_answer(genuine, key_config, None) == "ok"
    forged = attrs.evolve(genuine, body=genuine.body.replace(b"1111111", b"2222222"))
    assert _check_answer(forged, key_config, None) == "SignatureVerificationError"

    def credulous(config: AlipayConfig, status: int, headers: Any, body: bytes, **_: Any) -> Any:
        return protocol.VerifiedResponse(status, json.loads(body), None, None, {})

    monkeypatch.setattr(protocol, "process_response", credulous)
    with pytest.raises(AssertionError):
        _check_answer(forged, key_config, None)
