"""The gateway's side of the v3 protocol: check a request, run it, sign the answer.

Bytes in, bytes out, like :mod:`alipay_voucher.protocol`, whose gateway-side functions
do all of the signing, verification and encryption: this module only decides *which*
check applies and which refusal it leads to. The HTTP server and the fault injection
live in :mod:`.sandbox`.

Refusals (status, code), checked in this order:

* unknown path or wrong method: 400 ``invalid-method``;
* no ``Authorization``: 400 ``missing-timestamp`` (what the real gateway answers);
  one without ``sign=``: 400 ``missing-signature``; otherwise malformed: 400
  ``invalid-parameter``;
* ``app_id`` not the sandbox's: 400 ``invalid-app-id``;
* cert mode (``app_cert_sn`` in the auth string): an unknown ``app_cert_sn`` is 401
  ``app-cert-not-exist``; no ``alipay-root-cert-sn`` header is 400
  ``missing-alipay-root-cert-sn``, a wrong one 401 ``invalid-alipay-root-cert-sn``;
* bad signature: 401 ``invalid-signature``;
* timestamp not a number, or further than ``max_clock_skew`` from now: 400
  ``invalid-timestamp``;
* a nonce seen before within the skew window: 401 ``suspected-attack`` (the sandbox's
  choice; Alipay's replay code is not documented);
* ``alipay-encrypt-type`` other than ``AES``: 400 ``invalid-encrypt-type``; a body that
  does not decrypt: 400 ``decryption-error``;
* a body that is not a JSON object: 400 ``illegal-json``;
* then the operation's own business codes (400), and 500 ``SYSTEM_ERROR`` if the
  sandbox itself fails.
"""

from __future__ import annotations

import collections
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl

import attrs
from cryptography.hazmat.primitives.asymmetric import rsa

from .. import aes, protocol
from .._generated_operations import OPERATIONS
from ..credentials import Signer
from ..errors import DecryptionError
from ._errors import GatewayError, error_payload
from ._state import Event, VoucherBook

__all__ = ["Gateway", "Reply", "RequestVerifier", "VerifiedRequest", "operation_of"]

_JSON = "application/json;charset=UTF-8"
_BY_PATH = {row.path: name for name, row in OPERATIONS.items()}


def operation_of(target: str) -> str | None:
    """The voucher operation a request-target addresses (by the operation table's
    paths), or ``None``."""
    return _BY_PATH.get(target.partition("?")[0])


@attrs.frozen
class VerifiedRequest:
    auth: protocol.AuthInfo
    encrypted: bool
    text: str
    """The body as text, decrypted when it came encrypted."""

    @property
    def cert_mode(self) -> bool:
        return self.auth.app_cert_sn is not None


class RequestVerifier:
    """Checks requests exactly as Alipay's gateway would, remembering recent nonces."""

    def __init__(
        self,
        *,
        app_id: str,
        app_public_key: rsa.RSAPublicKey,
        app_cert_public_key: rsa.RSAPublicKey,
        app_cert_sn: str,
        root_cert_sn: str,
        encrypt_key: aes.AESKey,
        max_clock_skew: float = 300.0,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.app_id = app_id
        self.max_clock_skew = max_clock_skew
        self._app_public_key = app_public_key
        self._app_cert_public_key = app_cert_public_key
        self._app_cert_sn = app_cert_sn
        self._root_cert_sn = root_cert_sn
        self._encrypt_key = encrypt_key
        self._wall_clock = wall_clock
        self._nonces: collections.OrderedDict[str, float] = collections.OrderedDict()

    def parse(self, headers: Mapping[str, str]) -> protocol.AuthInfo:
        """The request's ``Authorization``, parsed (``headers`` lower-cased)."""
        header = headers.get("authorization")
        if not header:
            raise GatewayError(400, "missing-timestamp", "the Authorization header is missing")
        if not header.partition(",sign=")[2]:
            raise GatewayError(400, "missing-signature", "the Authorization header has no sign=")
        try:
            return protocol.parse_authorization(header)
        except ValueError as exc:
            raise GatewayError(
                400, "invalid-parameter", f"bad Authorization header: {exc}"
            ) from None

    def verify(
        self,
        auth: protocol.AuthInfo,
        method: str,
        target: str,
        headers: Mapping[str, str],
        body: bytes,
    ) -> VerifiedRequest:
        """Return the checked request or raise the refusal."""
        if auth.app_id != self.app_id:
            raise GatewayError(400, "invalid-app-id", f"app_id {auth.app_id!r} is not known here")
        key = self._app_public_key
        if auth.app_cert_sn is not None:
            self._check_cert_mode(auth, headers)
            key = self._app_cert_public_key
        token = headers.get("alipay-app-auth-token") or None
        if not protocol.verify_request_signature(key, auth, method, target, body, token):
            raise GatewayError(401, "invalid-signature", "the request signature does not verify")
        self._check_timestamp(auth.timestamp)
        self._remember_nonce(auth.nonce)
        encrypted, text = self._decrypt(headers, body)
        return VerifiedRequest(auth, encrypted, text)

    def _check_cert_mode(self, auth: protocol.AuthInfo, headers: Mapping[str, str]) -> None:
        if auth.app_cert_sn != self._app_cert_sn:
            raise GatewayError(
                401, "app-cert-not-exist", f"no app certificate with SN {auth.app_cert_sn!r}"
            )
        root_sn = headers.get("alipay-root-cert-sn")
        if not root_sn:
            raise GatewayError(
                400, "missing-alipay-root-cert-sn", "the alipay-root-cert-sn header is missing"
            )
        if root_sn != self._root_cert_sn:
            raise GatewayError(
                401, "invalid-alipay-root-cert-sn", f"unknown root certificate SN {root_sn!r}"
            )

    def _check_timestamp(self, timestamp: str) -> None:
        if not timestamp.isdigit():
            raise GatewayError(400, "invalid-timestamp", "timestamp must be epoch milliseconds")
        skew = abs(self._wall_clock() - int(timestamp) / 1000)
        if skew > self.max_clock_skew:
            raise GatewayError(
                400,
                "invalid-timestamp",
                f"timestamp is {skew:.0f} s away from the gateway's clock "
                f"(at most {self.max_clock_skew:.0f} s allowed)",
            )

    def _remember_nonce(self, nonce: str) -> None:
        now = self._wall_clock()
        horizon = now - 2 * self.max_clock_skew
        while self._nonces and next(iter(self._nonces.values())) < horizon:
            self._nonces.popitem(last=False)
        if nonce in self._nonces:
            raise GatewayError(401, "suspected-attack", "this nonce was already used")
        self._nonces[nonce] = now

    def _decrypt(self, headers: Mapping[str, str], body: bytes) -> tuple[bool, str]:
        kind = headers.get("alipay-encrypt-type")
        text = body.decode("utf-8")  # the signature check already required UTF-8
        if kind is None:
            return False, text
        if kind != "AES":
            raise GatewayError(400, "invalid-encrypt-type", f"unsupported encryption {kind!r}")
        if not text:
            return True, text
        try:
            return True, aes.decrypt(self._encrypt_key, text)
        except DecryptionError:
            raise GatewayError(
                400, "decryption-error", "the body does not decrypt with the app's AES key"
            ) from None


@attrs.frozen
class Reply:
    """A signed answer ready to be written, and the messages to push once it is."""

    status: int
    headers: dict[str, str]
    body: bytes
    operation: str | None
    events: tuple[Event, ...] = ()


class Gateway:
    """Routes a verified request to the voucher book and signs whatever comes back."""

    def __init__(
        self,
        *,
        verifier: RequestVerifier,
        book: VoucherBook,
        signer: Signer,
        alipay_cert_sn: str,
        encrypt_key: aes.AESKey,
    ) -> None:
        self.verifier = verifier
        self.book = book
        self._signer = signer
        self._alipay_cert_sn = alipay_cert_sn
        self._encrypt_key = encrypt_key

    def handle(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> Reply:
        lowered = {name.lower(): value for name, value in headers.items()}
        trace_id = uuid.uuid4().hex
        operation = operation_of(target)
        cert_mode = encrypted = False
        try:
            if operation is None:
                raise GatewayError(
                    400, "invalid-method", f"no such API: {target.partition('?')[0]}"
                )
            expected = OPERATIONS[operation].method
            if method.upper() != expected:
                raise GatewayError(400, "invalid-method", f"{operation} takes {expected}")
            auth = self.verifier.parse(lowered)
            cert_mode = auth.app_cert_sn is not None
            request = self.verifier.verify(auth, method, target, lowered, body)
            encrypted = request.encrypted
            payload, events = self._run(operation, target, request.text)
        except GatewayError as error:
            refusal = error
        except Exception as exc:  # a sandbox bug must still look like a gateway answer
            refusal = GatewayError(500, "SYSTEM_ERROR", f"sandbox failure: {exc!r}")
        else:
            return self._answer(
                200,
                payload,
                operation,
                trace_id,
                cert_mode=cert_mode,
                encrypt=encrypted,
                events=events,
            )
        return self._answer(
            refusal.status,
            error_payload(refusal, trace_id),
            operation,
            trace_id,
            cert_mode=cert_mode,
        )

    def _run(
        self, operation: str, target: str, text: str
    ) -> tuple[dict[str, Any], tuple[Event, ...]]:
        if not OPERATIONS[operation].writes:
            params = dict(parse_qsl(target.partition("?")[2], keep_blank_values=True))
            return self.book.query(params.get("activity_id")), ()
        try:
            body = protocol.strict_json_loads(text) if text.strip() else None
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise GatewayError(400, "illegal-json", "the request body must be a JSON object")
        outcome = self.book.apply(operation, body)
        return outcome.result, outcome.events

    def _answer(
        self,
        status: int,
        payload: dict[str, Any],
        operation: str | None,
        trace_id: str,
        *,
        cert_mode: bool,
        encrypt: bool = False,
        events: tuple[Event, ...] = (),
    ) -> Reply:
        text = protocol.encode_json(payload)
        content_type = _JSON
        if encrypt:
            text = aes.encrypt(self._encrypt_key, text)
            content_type = "text/plain;charset=UTF-8"
        data = text.encode("utf-8")
        headers = {"Content-Type": content_type, "alipay-trace-id": trace_id}
        headers.update(
            protocol.sign_response(
                self._signer, data, alipay_sn=self._alipay_cert_sn if cert_mode else None
            )
        )
        return Reply(status, headers, data, operation, events)
