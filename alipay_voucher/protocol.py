"""The v3 wire protocol, sans I/O: bytes in, bytes out.

This module is the only place that knows how a request is signed and how an answer is
verified. The client, the sync facade, the notification verifier and the sandbox
gateway all call it, so every byte rule exists once. It opens no sockets and needs
no event loop; the conformance tests drive it with the official SDK's vectors.

The rule that matters most: the body is serialised once, and exactly those bytes are
signed and sent; exactly the bytes received are verified.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
from cryptography.hazmat.primitives.asymmetric import rsa

from . import aes
from ._freshness import AnswerNonces, check_freshness
from ._logging import HeaderSource, header_items, redact, redact_headers
from .config import AlipayConfig
from .credentials import Signer, sign_sha256_rsa, verify_sha256_rsa
from .errors import (
    APIError,
    ConfigurationError,
    DecryptionError,
    ErrorLink,
    MalformedResponseError,
    RequestValidationError,
    SignatureVerificationError,
    StaleAnswerError,
)

__all__ = [
    "AUTH_SCHEME",
    "AuthInfo",
    "EncodedBody",
    "PreparedRequest",
    "VerifiedResponse",
    "build_auth_string",
    "build_target",
    "encode_body",
    "encode_json",
    "encode_query",
    "new_nonce",
    "new_request_id",
    "new_timestamp",
    "notification_sign_content",
    "notification_sign_variants",
    "parse_authorization",
    "parse_error_body",
    "prepare_body",
    "prepare_request",
    "process_response",
    "request_sign_content",
    "response_sign_content",
    "sign_notification",
    "sign_request",
    "sign_response",
    "strict_json_loads",
    "verify_request_signature",
]

AUTH_SCHEME = "ALIPAY-SHA256withRSA"
QueryParams = Mapping[str, Any] | Sequence[tuple[str, Any]]


# --------------------------------------------------------------------------- generators


def new_nonce() -> str:
    """A fresh random nonce in the 8-4-4-4-12 form every official SDK uses."""
    h = os.urandom(16).hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def new_timestamp() -> str:
    """Unix time in milliseconds, as the decimal string the auth string carries."""
    return str(time.time_ns() // 1_000_000)


def new_request_id() -> str:
    """A fresh ``alipay-request-id`` (32 hex characters)."""
    return os.urandom(16).hex()


# --------------------------------------------------------------------------- encoding


def _form_byte_table() -> list[str]:
    table = []
    for byte in range(256):
        char = chr(byte)
        if char.isascii() and (char.isalnum() or char in "*-._"):
            table.append(char)
        elif char == " ":
            table.append("+")
        else:
            table.append(f"%{byte:02X}")
    return table


_FORM_TABLE = _form_byte_table()


def _form_escape(value: str) -> str:
    # WHATWG application/x-www-form-urlencoded, byte for byte as the Node SDK sends it:
    # only A-Z a-z 0-9 * - . _ stay, space becomes "+", everything else %XX (so "~" too).
    if value.isascii() and value.replace("_", "").replace("-", "").isalnum():
        return value
    return "".join(_FORM_TABLE[b] for b in value.encode("utf-8"))


def encode_query(params: QueryParams | None) -> str:
    """Encode query parameters in the caller's order, skipping ``None`` values."""
    if not params:
        return ""
    items = params.items() if isinstance(params, Mapping) else params
    parts = []
    for name, value in items:
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        try:
            parts.append(f"{_form_escape(str(name))}={_form_escape(str(value))}")
        except UnicodeEncodeError:
            raise RequestValidationError(
                f"query parameter {name!r} is not valid Unicode text (a lone surrogate?).",
                field=str(name),
            ) from None
    return "&".join(parts)


def _header_safe(value: str) -> bool:
    """Visible ASCII only: what can travel in a header (or a path) unchanged."""
    return value.isascii() and value.isprintable() and " " not in value


def _check_header_value(name: str, value: str) -> None:
    if not _header_safe(value):
        raise RequestValidationError(
            f"{name} must be visible ASCII without spaces; it travels in a header.",
            field=name,
        )


_COMMON_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
"""Methods taken as they are; anything else is upper-cased and checked."""


def build_target(path: str, query: QueryParams | None = None) -> str:
    """The request-target: path plus ``?query``; this exact string is signed and sent."""
    if not path.startswith("/") or not _header_safe(path):
        raise RequestValidationError(
            f"path must start with '/' and hold only visible ASCII (percent-encode the "
            f"rest), got {path[:80]!r}",
            field="path",
        )
    encoded = encode_query(query)
    return f"{path}?{encoded}" if encoded else path


_ENCODER = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), allow_nan=False, check_circular=False
)


def _make_c_encoder() -> Callable[[Any], str] | None:
    """The C encoder behind ``_ENCODER``, built once: ``JSONEncoder.encode`` builds a
    new one on every call, which is a third of what serialising a small body costs."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # an interpreter without the C accelerator
        return None
    chunks = make(
        None,  # no circular-reference markers: a cycle ends in RecursionError, refused below
        _ENCODER.default,
        json.encoder.encode_basestring,
        None,
        _ENCODER.key_separator,
        _ENCODER.item_separator,
        False,  # sort_keys
        False,  # skipkeys
        False,  # allow_nan
    )
    return lambda payload: "".join(chunks(payload, 0))


_encode = _make_c_encoder() or _ENCODER.encode


def encode_json(payload: Any) -> str:
    """Compact JSON as ``JSON.stringify`` writes it: no spaces, non-ASCII kept raw.

    What JSON cannot carry (NaN, infinities, integers of thousands of digits, nesting
    deeper than the interpreter allows, cycles, non-JSON objects) is refused before
    signing.
    """
    try:
        return _encode(payload)
    except (ValueError, TypeError, RecursionError) as exc:
        raise RequestValidationError(
            f"the request body cannot be sent as JSON: {str(exc)[:120]}"
        ) from None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_STRICT_DECODER = json.JSONDecoder(parse_constant=_no_constant)


def strict_json_loads(text: str) -> Any:
    """``json.loads`` without the NaN/Infinity extensions that JSON itself forbids."""
    return _STRICT_DECODER.decode(text)


# EncodedBody, PreparedRequest and VerifiedResponse are made on every call, so they are
# plain ``attrs.define`` classes: a ``frozen`` attrs instance sets each field through
# ``object.__setattr__``, which costs several times as much. Treat them as read-only.


def _utf8(text: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise RequestValidationError(
            "the request body holds text that is not valid Unicode (a lone surrogate?)."
        ) from None


@attrs.define(repr=False)
class EncodedBody:
    """A body serialised (and possibly encrypted) once, reused unchanged on every attempt.

    Its repr shows the size only: the text holds user ids, and tracebacks that capture
    locals print it."""

    text: str
    encrypted: bool = False
    plaintext: str = attrs.field(default="", repr=False)
    data: bytes = attrs.field(
        default=attrs.Factory(lambda body: _utf8(body.text), takes_self=True),
        init=False,
        repr=False,
        eq=False,
    )
    """``text`` as the UTF-8 bytes that are sent, encoded once."""

    def __repr__(self) -> str:
        return f"EncodedBody(<{len(self.text)} characters>, encrypted={self.encrypted})"


def encode_body(payload: Any, *, encrypt_key: aes.AESKey | None = None) -> EncodedBody:
    """Serialise a JSON payload (``None`` = no body); encrypt it when a key is given.

    A ``str`` payload is taken as already-serialised JSON text and used as is.
    """
    if payload is None:
        return EncodedBody("")
    plain = payload if isinstance(payload, str) else encode_json(payload)
    if encrypt_key is None:
        return EncodedBody(plain, plaintext=plain)
    EncodedBody(plain)  # refuses text that cannot be UTF-8 before it is encrypted
    return EncodedBody(aes.encrypt(encrypt_key, plain), encrypted=True, plaintext=plain)


def prepare_body(config: AlipayConfig, payload: Any, *, encrypt: bool | None = None) -> EncodedBody:
    """A call's body as it will be signed and sent: serialised once, and AES-encrypted
    when ``encrypt`` (default ``config.encrypt``) asks for it, which needs a key."""
    encrypting = config.encrypt if encrypt is None else encrypt
    if encrypting and config.encrypt_key is None:
        raise ConfigurationError(
            "encrypt=True needs an encrypt_key in the config: the AES key from the "
            "Alipay console (接口内容加密方式)."
        )
    return encode_body(payload, encrypt_key=config.encrypt_key if encrypting else None)


# --------------------------------------------------------------------------- signing


def build_auth_string(
    app_id: str, nonce: str, timestamp: str, app_cert_sn: str | None = None
) -> str:
    """``app_id=..[,app_cert_sn=..],nonce=..,timestamp=..`` in exactly this order."""
    for name, value in (("nonce", nonce), ("timestamp", timestamp)):
        if "," in value or "=" in value:
            raise ValueError(f"{name} must not contain ',' or '='")
    return _auth_string(app_id, nonce, timestamp, app_cert_sn)


def _auth_string(app_id: str, nonce: str, timestamp: str, app_cert_sn: str | None) -> str:
    if app_cert_sn:
        return f"app_id={app_id},app_cert_sn={app_cert_sn},nonce={nonce},timestamp={timestamp}"
    return f"app_id={app_id},nonce={nonce},timestamp={timestamp}"


def request_sign_content(
    auth_string: str,
    method: str,
    target: str,
    body: str,
    app_auth_token: str | None = None,
) -> str:
    """The text a request signature covers (PROTOCOL 3.2), trailing newline included."""
    content = f"{auth_string}\n{method.upper()}\n{target}\n{body}\n"
    if app_auth_token:
        content += f"{app_auth_token}\n"
    return content


def response_sign_content(timestamp: str, nonce: str, body: bytes | str) -> bytes:
    """The bytes a response signature covers (PROTOCOL 4.2): the body exactly as received.

    Header bytes that are not UTF-8 arrive as lone surrogates: "surrogatepass" makes
    them bytes no Alipay signature covers (a failed check) instead of an error.
    """
    data = body if isinstance(body, bytes) else body.encode("utf-8")
    return f"{timestamp}\n{nonce}\n".encode("utf-8", "surrogatepass") + data + b"\n"


@attrs.define(repr=False)
class PreparedRequest:
    """Everything needed to send one attempt; ``target`` and ``body`` are final bytes.

    Its repr masks what the logs mask (the signature, the ``app_auth_token`` header,
    user ids in the target) and leaves the body out."""

    method: str
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    request_id: str
    encrypted: bool
    nonce: str
    timestamp: str
    content_to_sign: str = attrs.field(repr=False)

    def __repr__(self) -> str:
        return (
            f"PreparedRequest(method={self.method!r}, target={redact(self.target)!r}, "
            f"request_id={self.request_id!r}, encrypted={self.encrypted}, "
            f"headers={redact_headers(self.headers)!r}, body=<{len(self.body)} bytes>)"
        )

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers:
            if key.lower() == lowered:
                return value
        return None


def sign_request(
    config: AlipayConfig,
    method: str,
    target: str,
    body: EncodedBody,
    *,
    app_auth_token: str | None = None,
    request_id: str | None = None,
    nonce: str | None = None,
    timestamp: str | None = None,
) -> PreparedRequest:
    """Sign one attempt. A retry calls this again with the same ``body`` for a fresh
    nonce, timestamp and request id, so the bytes sent never change between attempts."""
    if method not in _COMMON_METHODS:
        method = method.upper()
        if not (method.isascii() and method.isalpha()):
            raise RequestValidationError(f"not an HTTP method: {method[:20]!r}", field="method")
    if app_auth_token:
        _check_header_value("app_auth_token", app_auth_token)
    if request_id:
        _check_header_value("request_id", request_id)
    else:
        request_id = new_request_id()
    if nonce or timestamp:  # given by the caller (tests, vectors): checked
        nonce = nonce or new_nonce()
        timestamp = timestamp or new_timestamp()
        auth = build_auth_string(config.app_id, nonce, timestamp, config.app_cert_sn)
    else:  # both generated here: neither can hold ',' or '=', so nothing to check
        nonce, timestamp = new_nonce(), new_timestamp()
        auth = _auth_string(config.app_id, nonce, timestamp, config.app_cert_sn)
    content = request_sign_content(auth, method, target, body.text, app_auth_token)
    signature = sign_sha256_rsa(config.signer, content.encode("utf-8"))
    headers: list[tuple[str, str]] = [
        ("User-Agent", config.user_agent),
        ("alipay-request-id", request_id),
        ("Accept", "application/json"),
    ]
    if body.encrypted:
        headers += [("alipay-encryption-algm", "AES"), ("alipay-encrypt-type", "AES")]
        headers.append(("Content-Type", "text/plain"))
    elif method not in ("GET", "HEAD"):
        headers.append(("Content-Type", "application/json"))
    if config.alipay_root_cert_sn:
        headers.append(("alipay-root-cert-sn", config.alipay_root_cert_sn))
    if app_auth_token:
        headers.append(("alipay-app-auth-token", app_auth_token))
    headers.append(("Authorization", f"{AUTH_SCHEME} {auth},sign={signature}"))
    return PreparedRequest(
        method=method,
        target=target,
        headers=tuple(headers),
        body=body.data,
        request_id=request_id,
        encrypted=body.encrypted,
        nonce=nonce,
        timestamp=timestamp,
        content_to_sign=content,
    )


def prepare_request(
    config: AlipayConfig,
    method: str,
    path: str,
    *,
    query: QueryParams | None = None,
    json_body: Any = None,
    app_auth_token: str | None = None,
    request_id: str | None = None,
    encrypt: bool | None = None,
    nonce: str | None = None,
    timestamp: str | None = None,
) -> PreparedRequest:
    """Build the target, prepare the body, and sign: the client's steps in one call."""
    return sign_request(
        config,
        method,
        build_target(path, query),
        prepare_body(config, json_body, encrypt=encrypt),
        app_auth_token=app_auth_token,
        request_id=request_id,
        nonce=nonce,
        timestamp=timestamp,
    )


# --------------------------------------------------------------------------- responses


@attrs.define(repr=False)
class VerifiedResponse:
    """A 2xx answer whose signature held, decrypted and parsed (its repr masks user ids)."""

    status: int
    payload: dict[str, Any]
    trace_id: str | None
    request_id: str | None
    headers: Mapping[str, str]
    body: bytes = b""
    """The body bytes as received, which the signature was checked against."""

    def __repr__(self) -> str:
        return redact(
            f"VerifiedResponse(status={self.status}, payload={self.payload!r}, "
            f"trace_id={self.trace_id!r}, request_id={self.request_id!r})"
        )


def _lower_headers(headers: HeaderSource) -> tuple[dict[str, str], set[str]]:
    """Lower-case header names; also report names that came more than once with
    different values."""
    items = list(header_items(headers))
    out = {name.lower(): value for name, value in items}
    duplicated: set[str] = set()
    if len(out) == len(items):  # every name once: nothing can conflict
        return out, duplicated
    seen: dict[str, str] = {}
    for name, value in items:
        key = name.lower()
        if key in seen and seen[key] != value:
            duplicated.add(key)
        seen[key] = value
    return out, duplicated


_SIGNATURE_HEADERS = ("alipay-signature", "alipay-timestamp", "alipay-nonce", "alipay-sn")


def process_response(
    config: AlipayConfig,
    status: int,
    headers: HeaderSource,
    body: bytes,
    *,
    encrypted: bool = False,
    request_id: str | None = None,
    now: float | None = None,
    seen_nonces: AnswerNonces | None = None,
) -> VerifiedResponse:
    """Verify, decrypt and parse an answer, or raise the error it stands for.

    * 2xx: the signature must be present and valid (else
      :class:`SignatureVerificationError`), and the answer fresh (else
      :class:`StaleAnswerError`, see ``config.max_answer_skew``); encrypted bodies are
      decrypted after verification; the JSON must be an object (else
      :class:`MalformedResponseError`).
    * anything else: :class:`APIError`. A signed error body is verified (and checked for
      freshness) first; an unsigned one is reported as is (the gateway does not sign
      its errors).

    ``now`` is this machine's clock (``time.time()`` when not given; the conformance
    tests pass the moment their vectors were recorded). ``seen_nonces``, when given,
    refuses an answer nonce seen before and records this one.
    """
    lowered, duplicated = _lower_headers(headers)
    trace_id = lowered.get("alipay-trace-id")
    signed = "alipay-signature" in lowered

    def fail(message: str) -> SignatureVerificationError:
        return SignatureVerificationError(
            message, status=status, trace_id=trace_id, request_id=request_id, body=body
        )

    if 200 <= status < 300 or signed:
        bad = duplicated.intersection(_SIGNATURE_HEADERS) if duplicated else None
        if bad:
            raise fail(
                f"the response carries conflicting {', '.join(sorted(bad))} headers; it was "
                "not used."
            )
        _verify_response(config, lowered, body, fail)

        def stale(message: str) -> StaleAnswerError:
            return StaleAnswerError(
                message, status=status, trace_id=trace_id, request_id=request_id, body=body
            )

        check_freshness(
            lowered["alipay-timestamp"],
            lowered["alipay-nonce"],
            max_skew=config.max_answer_skew,
            now=time.time() if now is None else now,
            nonces=seen_nonces,
            fail=stale,
        )

    if not 200 <= status < 300:
        raise parse_error_body(
            status, body, trace_id=trace_id, request_id=request_id, headers=lowered, verified=signed
        )

    text = _decode_text(body, status, trace_id, request_id)
    if _is_ciphertext(text, lowered, encrypted, config):
        try:
            if config.encrypt_key is None:
                raise DecryptionError("the answer is encrypted but no encrypt_key is configured.")
            text = aes.decrypt(config.encrypt_key, text)
        except DecryptionError as error:
            raise DecryptionError(
                str(error), status=status, trace_id=trace_id, request_id=request_id, body=body
            ) from None
    payload = _parse_object(text, status, trace_id, request_id, body)
    return VerifiedResponse(
        status=status,
        payload=payload,
        trace_id=trace_id,
        request_id=request_id,
        headers=lowered,
        body=body,
    )


def _is_ciphertext(
    text: str, headers: Mapping[str, str], encrypted: bool, config: AlipayConfig
) -> bool:
    """Whether a verified 2xx body is AES ciphertext to decrypt.

    An encrypted request gets an encrypted answer, unless the body is plainly a JSON
    object. Whether Alipay also encrypts answers to plaintext requests (a GET, say) when
    the app has a key is not documented; Java's SDK decrypts every answer then, so a
    ``text/plain`` non-JSON answer is decrypted too when a key is configured. Either way
    the signature over the received bytes was checked first.
    """
    if text.startswith("{") or text.lstrip().startswith("{"):
        return False
    if encrypted:
        return True
    return config.encrypt_key is not None and headers.get("content-type", "").startswith(
        "text/plain"
    )


def _verify_response(
    config: AlipayConfig,
    headers: Mapping[str, str],
    body: bytes,
    fail: Any,
) -> None:
    signature = headers.get("alipay-signature")
    timestamp = headers.get("alipay-timestamp")
    nonce = headers.get("alipay-nonce")
    if not signature or signature == "null" or timestamp is None or nonce is None:
        raise fail(
            "the response is not signed (alipay-signature, alipay-timestamp or alipay-nonce "
            "missing), so it cannot be trusted and was not used. If a proxy sits in "
            "between, make it pass these headers through."
        )
    alipay_sn = headers.get("alipay-sn")
    key = config.alipay_key_for(alipay_sn)
    if key is None:
        raise fail(
            f"the response was signed with Alipay certificate SN {alipay_sn!r}, which is not "
            "configured. Alipay has probably rotated its certificate: download the current "
            "alipayCertPublicKey_RSA2.crt from the console and add it to alipay_cert."
        )
    if not verify_sha256_rsa(key, response_sign_content(timestamp, nonce, body), signature):
        raise fail(
            "the response signature does not verify, so the answer was not used. Check that "
            "alipay_public_key is Alipay's current public key (支付宝公钥) for this app, "
            "or, in certificate mode, the current alipayCertPublicKey_RSA2.crt."
        )


def _decode_text(body: bytes, status: int, trace_id: str | None, request_id: str | None) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise MalformedResponseError(
            "the response body is not UTF-8 text.",
            status=status,
            trace_id=trace_id,
            request_id=request_id,
            body=body,
        ) from None


def _parse_object(
    text: str, status: int, trace_id: str | None, request_id: str | None, body: bytes
) -> dict[str, Any]:
    try:
        payload = strict_json_loads(text)
    except (ValueError, RecursionError):
        if not text.strip():
            return {}
        payload = None
    if not isinstance(payload, dict):
        raise MalformedResponseError(
            "the verified response body is not a JSON object.",
            status=status,
            trace_id=trace_id,
            request_id=request_id,
            body=body,
        )
    return payload


def parse_error_body(
    status: int,
    body: bytes,
    *,
    trace_id: str | None = None,
    request_id: str | None = None,
    headers: Mapping[str, str] | None = None,
    verified: bool = False,
) -> APIError:
    """Turn an error answer into an :class:`APIError`; never raises on a strange body.

    ``links`` may be a list of ``{link, desc}``, a list of strings, a string, or absent.
    A body that is not JSON (a proxy's HTML page) still yields an error with the status.
    """
    code: str | None = None
    message: str | None = None
    links: tuple[ErrorLink, ...] = ()
    try:
        data = strict_json_loads(body.decode("utf-8")) if body.strip() else None
    except (ValueError, RecursionError):
        data = None
    if isinstance(data, dict):
        raw_code, raw_message = data.get("code"), data.get("message")
        code = raw_code if isinstance(raw_code, str) else None
        message = raw_message if isinstance(raw_message, str) else None
        links = _parse_links(data.get("links"))
    if message is None:
        message = _summarise_body(body)
    return APIError(
        status=status,
        code=code,
        message=message,
        links=links,
        trace_id=trace_id,
        request_id=request_id,
        body=body,
        headers=headers,
        verified=verified,
    )


def _parse_links(raw: Any) -> tuple[ErrorLink, ...]:
    if isinstance(raw, str):
        return (ErrorLink(raw),) if raw else ()
    if not isinstance(raw, list):
        return ()
    out = []
    for item in raw:
        if isinstance(item, str):
            out.append(ErrorLink(item))
        elif isinstance(item, dict) and isinstance(item.get("link"), str):
            desc = item.get("desc")
            out.append(ErrorLink(item["link"], desc if isinstance(desc, str) else None))
    return tuple(out)


def _summarise_body(body: bytes) -> str | None:
    if not body.strip():
        return None
    text = body[:200].decode("utf-8", "replace")
    kind = "HTML page" if text.lstrip().lower().startswith(("<!doctype", "<html")) else "body"
    return f"the gateway answered with a non-JSON {kind} ({len(body)} bytes)"


# --------------------------------------------------------------------------- gateway side


@attrs.frozen
class AuthInfo:
    """The parsed ``Authorization`` header of a request (what a gateway checks)."""

    app_id: str
    nonce: str
    timestamp: str
    signature: str = attrs.field(repr=False)
    app_cert_sn: str | None = None
    auth_string: str = ""


def parse_authorization(header: str | None) -> AuthInfo:
    """Parse ``ALIPAY-SHA256withRSA app_id=..,..,sign=..``; ``ValueError`` when malformed."""
    if not header:
        raise ValueError("missing Authorization header")
    scheme, _, rest = header.partition(" ")
    if scheme != AUTH_SCHEME or not rest:
        raise ValueError(f"Authorization scheme must be {AUTH_SCHEME}")
    auth_string, sep, signature = rest.rpartition(",sign=")
    if not sep or not signature:
        raise ValueError("Authorization has no sign=")
    fields: dict[str, str] = {}
    for pair in auth_string.split(","):
        name, eq, value = pair.partition("=")
        if not eq or name in fields:
            raise ValueError("malformed Authorization auth string")
        fields[name] = value
    try:
        return AuthInfo(
            app_id=fields["app_id"],
            nonce=fields["nonce"],
            timestamp=fields["timestamp"],
            signature=signature,
            app_cert_sn=fields.get("app_cert_sn"),
            auth_string=auth_string,
        )
    except KeyError as missing:
        raise ValueError(f"Authorization lacks {missing.args[0]}") from None


def verify_request_signature(
    public_key: rsa.RSAPublicKey,
    auth: AuthInfo,
    method: str,
    target: str,
    body: bytes,
    app_auth_token: str | None = None,
) -> bool:
    """Check a request's signature the way Alipay's gateway does."""
    try:
        body_text = body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    content = request_sign_content(auth.auth_string, method, target, body_text, app_auth_token)
    return verify_sha256_rsa(public_key, content.encode("utf-8"), auth.signature)


def sign_response(
    signer: Signer,
    body: bytes,
    *,
    nonce: str | None = None,
    timestamp: str | None = None,
    alipay_sn: str | None = None,
) -> dict[str, str]:
    """The signature headers a gateway attaches to an answer."""
    nonce = nonce or os.urandom(16).hex()
    timestamp = timestamp or new_timestamp()
    headers = {
        "alipay-timestamp": timestamp,
        "alipay-nonce": nonce,
        "alipay-signature": sign_sha256_rsa(signer, response_sign_content(timestamp, nonce, body)),
    }
    if alipay_sn:
        headers["alipay-sn"] = alipay_sn
    return headers


# --------------------------------------------------------------------------- notifications


def notification_sign_content(
    params: Mapping[str, str], *, include_sign_type: bool = False, keep_empty: bool = False
) -> str:
    """The text an inbound message's ``sign`` covers (PROTOCOL section 8).

    ``sign`` is always left out; ``sign_type`` only under rule V1 (``include_sign_type``
    false); empty values are dropped unless ``keep_empty``. Keys are sorted by code
    point and joined as ``k=v`` with ``&``, values exactly as decoded once.
    """
    excluded = {"sign"} if include_sign_type else {"sign", "sign_type"}
    pairs = sorted(
        (key, value)
        for key, value in params.items()
        if key not in excluded and (keep_empty or value != "")
    )
    return "&".join(f"{key}={value}" for key, value in pairs)


def notification_sign_variants(params: Mapping[str, str]) -> list[bytes]:
    """The bytes each rule Alipay is known to sign a message by covers, commonest first.

    Rule V1 leaves ``sign_type`` out, rule V2 keeps it; empty values are dropped, and
    (only when there are any) kept. A lone surrogate (an undecodable byte) is encoded
    as such, so it is simply a mismatch.
    """
    rules = [(False, False), (True, False)]
    if any(value == "" for value in params.values()):
        rules += [(False, True), (True, True)]
    return [
        notification_sign_content(
            params, include_sign_type=include_sign_type, keep_empty=keep_empty
        ).encode("utf-8", "surrogatepass")
        for include_sign_type, keep_empty in rules
    ]


def sign_notification(
    signer: Signer, params: Mapping[str, str], *, include_sign_type: bool = False
) -> dict[str, str]:
    """Sign a message's parameters as Alipay does; returns them with ``sign`` added."""
    signed = dict(params)
    signed.setdefault("sign_type", "RSA2")
    content = notification_sign_content(signed, include_sign_type=include_sign_type)
    signed["sign"] = sign_sha256_rsa(signer, content.encode("utf-8"))
    return signed
