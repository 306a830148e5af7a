"""The package logger and the masking applied to everything it writes.

Log records and exception messages end up in shared log stores, tickets and chat, so
whatever this package writes passes through :func:`redact` first: the request
signature, the ``Authorization`` header, response signatures, PEM keys, the merchant's
``app_auth_token`` and the identifiers of Alipay users (``user_id``, ``open_id``,
``logon_id``) are masked. Masking is pattern based on purpose: it also catches a user
id that Alipay echoes back inside an error message.

Nothing here configures logging: records go to ``logging.getLogger("alipay_voucher")``
and the application decides where they end up. The package logger carries a
``NullHandler`` (as the logging HOWTO asks of libraries), so an application that set
up no logging does not get Python's last-resort handler printing on stderr.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Mapping
from typing import Final, cast

__all__ = [
    "LOGGER_NAME",
    "HeaderSource",
    "debug_signing_enabled",
    "header_items",
    "logger",
    "mask_id",
    "redact",
    "redact_bytes",
    "redact_headers",
    "redact_sign_content",
]

LOGGER_NAME: Final = "alipay_voucher"
logger: Final = logging.getLogger(LOGGER_NAME)
if not any(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
    logger.addHandler(logging.NullHandler())

MASK: Final = "***"

# JSON members and query parameters whose values identify a person or grant access.
_USER_FIELDS: Final = ("user_id", "open_id", "logon_id")
_SECRET_FIELDS: Final = ("app_auth_token", "sign", "signature", "private_key", "encrypt_key")
_SENSITIVE = "|".join(_USER_FIELDS + _SECRET_FIELDS)

_JSON_MEMBER = re.compile(rf'"({_SENSITIVE})"(\s*:\s*)"((?:[^"\\]|\\.)*)"')
# The same members in a Python repr: ``{'user_id': '2088...'}`` and ``user_id='2088...'``.
_REPR_MEMBER = re.compile(rf"'({_SENSITIVE})'(\s*:\s*)'((?:[^'\\]|\\.)*)'")
_REPR_KEYWORD = re.compile(rf"(?<![\w-])({_SENSITIVE})=(['\"])((?:(?!\2)[^\\]|\\.)*)\2")
_QUERY_PARAM = re.compile(rf"(?<![\w-])({_SENSITIVE})=([^&\s,\"']+)")
_AUTH_SIGN = re.compile(r"(ALIPAY-SHA256withRSA\s[^\n]*?,sign=)\S+")
_PEM = re.compile(r"-----BEGIN [A-Z0-9 ]+-----.*?(?:-----END [A-Z0-9 ]+-----|$)", re.DOTALL)
_URL_USERINFO = re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://)[^/@\s:]+(?::[^/@\s]*)?@")
# Alipay user ids (2088 + 12 digits) wherever they appear, e.g. echoed in an error text.
_ALIPAY_UID = re.compile(r"(?<!\d)2088\d{12}(?!\d)")

_SECRET_HEADERS: Final = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "alipay-app-auth-token",
        "alipay-signature",
        "cookie",
        "set-cookie",
    }
)


def mask_id(value: str) -> str:
    """Mask an identifier but keep enough of it to tell two apart in a log."""
    if len(value) >= 10:
        return f"{value[:3]}{MASK}{value[-2:]}"
    return MASK


def _mask_member(match: re.Match[str]) -> str:
    name, sep, value = match.group(1), match.group(2), match.group(3)
    masked = mask_id(value) if name in _USER_FIELDS else MASK
    return f'"{name}"{sep}"{masked}"'


def _mask_param(match: re.Match[str]) -> str:
    name, value = match.group(1), match.group(2)
    masked = mask_id(value) if name in _USER_FIELDS else MASK
    return f"{name}={masked}"


def _mask_repr_member(match: re.Match[str]) -> str:
    name, sep, value = match.group(1), match.group(2), match.group(3)
    masked = mask_id(value) if name in _USER_FIELDS else MASK
    return f"'{name}'{sep}'{masked}'"


def _mask_repr_keyword(match: re.Match[str]) -> str:
    name, quote, value = match.group(1), match.group(2), match.group(3)
    masked = mask_id(value) if name in _USER_FIELDS else MASK
    return f"{name}={quote}{masked}{quote}"


def redact(text: str, *, secrets: Iterable[str] = ()) -> str:
    """Mask secrets and user identifiers in free text (a body, a URL, a message).

    ``secrets`` are literal values known to the caller (such as this call's
    ``app_auth_token``) that must disappear wherever they occur.
    """
    for secret in secrets:
        if secret:
            text = text.replace(secret, MASK)
    text = _PEM.sub("<PEM hidden>", text)
    text = _AUTH_SIGN.sub(rf"\g<1>{MASK}", text)
    text = _JSON_MEMBER.sub(_mask_member, text)
    text = _REPR_MEMBER.sub(_mask_repr_member, text)
    text = _REPR_KEYWORD.sub(_mask_repr_keyword, text)
    text = _QUERY_PARAM.sub(_mask_param, text)
    text = _URL_USERINFO.sub(rf"\g<1>{MASK}@", text)
    return _ALIPAY_UID.sub(lambda m: mask_id(m.group(0)), text)


def redact_bytes(data: bytes, *, secrets: Iterable[str] = ()) -> bytes:
    """:func:`redact` for a raw body: bytes that are not UTF-8 pass through unchanged
    (the patterns and secrets are ASCII, so they are still found around them)."""
    text = data.decode("utf-8", "surrogateescape")
    masked = redact(text, secrets=secrets)
    return data if masked == text else masked.encode("utf-8", "surrogateescape")


HeaderSource = Mapping[str, str] | Iterable[tuple[str, str]]
"""Headers as a mapping (a multidict repeats a name in ``items()``) or as name/value pairs."""


def header_items(headers: HeaderSource) -> Iterable[tuple[str, str]]:
    """The name/value pairs of either form of :data:`HeaderSource`, repeats kept."""
    if isinstance(headers, Mapping):
        # The Mapping[str, str] side of the union: pairs given as an iterable are not a
        # Mapping, though a type checker cannot rule out a mapping keyed by pairs.
        return cast("Mapping[str, str]", headers).items()
    return headers


def redact_headers(headers: HeaderSource) -> dict[str, str]:
    """A copy of the headers that is safe to log or hand to a hook.

    ``Authorization`` keeps its auth string (app id, nonce, timestamp help when
    comparing with Alipay's logs) but loses the signature.
    """
    out: dict[str, str] = {}
    for name, value in header_items(headers):
        lowered = name.lower()
        if lowered == "authorization" and value.startswith("ALIPAY-SHA256withRSA "):
            out[name] = _AUTH_SIGN.sub(rf"\g<1>{MASK}", value)
        elif lowered in _SECRET_HEADERS:
            out[name] = MASK
        else:
            out[name] = redact(value)
    return out


def redact_sign_content(content: str, *, app_auth_token: str | None = None) -> str:
    """The string that was signed, fit for a debug log.

    Its last line is the ``app_auth_token`` when one was sent; that line is replaced
    whole, and user identifiers in the body line are masked.
    """
    if app_auth_token:
        suffix = f"{app_auth_token}\n"
        if content.endswith(suffix):
            content = content[: -len(suffix)] + f"{MASK}\n"
    return redact(content, secrets=(app_auth_token or "",))


def debug_signing_enabled(environ: Mapping[str, str] | None = None) -> bool:
    """Whether ``ALIPAY_LOG=debug`` asks for the signed strings to be logged."""
    env = os.environ if environ is None else environ
    return env.get("ALIPAY_LOG", "").strip().lower() == "debug"
