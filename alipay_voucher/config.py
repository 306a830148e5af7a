"""AlipayConfig: everything a client needs, loaded and checked once.

Key material is parsed and cross-checked when the config is built, so that the usual
mistakes (the app's own public key where Alipay's belongs, certificate files in the
wrong slots, a PKCS#1/PKCS#8 mix-up, an expired certificate) fail at start-up with a
message that says what to change, instead of as "invalid signature" on the first call.
"""

from __future__ import annotations

import datetime as _dt
import ipaddress
import os
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

import attrs
from cryptography.hazmat.primitives.asymmetric import rsa

from . import __version__
from .aes import AESKey, load_aes_key
from .credentials import (
    KeySource,
    RSAKeySigner,
    Signer,
    cert_sn,
    load_certificate,
    load_certificates,
    load_private_key,
    load_public_key,
    public_key_fingerprint,
    root_cert_sn,
)
from .errors import ConfigurationError

if TYPE_CHECKING:
    from cryptography import x509  # only certificate mode reads one: imported there

__all__ = [
    "PRODUCTION_URL",
    "SANDBOX_URL",
    "AlipayConfig",
    "CertificateExpiryWarning",
    "RetryPolicy",
]

PRODUCTION_URL = "https://openapi.alipay.com"
"""Alipay's production OpenAPI gateway."""

SANDBOX_URL = "https://openapi-sandbox.dl.alipaydev.com"
"""Alipay's hosted sandbox (the older ``openapi.sandbox.dl.alipaydev.com`` host is gone)."""

_PRESETS = {"production": PRODUCTION_URL, "sandbox": SANDBOX_URL}
_EXPIRY_WARNING_DAYS = 30


class CertificateExpiryWarning(UserWarning):
    """A configured certificate expires within 30 days: download its successor soon."""


def _number(
    *, at_least: float | None = None, above: float | None = None, whole: bool = False
) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    """An attrs validator: a real number (an ``int`` when ``whole``) within the bound,
    else :class:`ConfigurationError` naming the setting. It runs in the constructor, so
    ``attrs.evolve`` and ``with_options`` check every change as well."""
    kinds: tuple[type, ...] = (int,) if whole else (int, float)
    if at_least is not None:
        bound = f"at least {at_least:g}"
    else:
        bound = "a positive number" if above == 0 else f"above {above:g}"

    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        ok = isinstance(value, kinds) and not isinstance(value, bool)
        if ok and at_least is not None:
            ok = value >= at_least
        if ok and above is not None:
            ok = value > above
        if not ok:
            kind = "a whole number" if whole else "a number"
            raise ConfigurationError(f"{attribute.name} must be {kind}, {bound}; got {value!r}.")

    return check


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """How failed attempts are repeated.

    Connection errors, timeouts, 429 and 5xx answers are retried with exponential
    backoff and full jitter, as long as the overall ``deadline`` (seconds, across all
    attempts) allows: a retry starts only if, after its pause, at least 0.1 s (or the
    call's timeout, if shorter) is left before the deadline. Mutating calls are retried
    only with their ``out_biz_no``, which makes the repeat idempotent at Alipay.
    ``max_attempts=1`` switches retries off.
    """

    max_attempts: int = attrs.field(default=3, validator=_number(at_least=1, whole=True))
    initial_backoff: float = attrs.field(default=0.2, validator=_number(at_least=0))
    max_backoff: float = attrs.field(default=5.0, validator=_number(at_least=0))
    multiplier: float = attrs.field(default=2.0, validator=_number(at_least=1))
    deadline: float = attrs.field(default=60.0, validator=_number(above=0))

    @classmethod
    def disabled(cls, *, deadline: float = 60.0) -> RetryPolicy:
        """One attempt only."""
        return cls(max_attempts=1, deadline=deadline)

    def backoff(self, retry_number: int) -> float:
        """The upper bound of the pause before retry ``retry_number`` (1-based)."""
        return min(self.max_backoff, self.initial_backoff * self.multiplier ** (retry_number - 1))


def _hidden(_: object) -> str:
    return "<hidden>"


def _check_app_id(app_id: str) -> str:
    if not isinstance(app_id, str) or not app_id.strip():
        raise ConfigurationError(
            "app_id must be the app's id from the Alipay console, e.g. '2021...'."
        )
    app_id = app_id.strip()
    if not app_id.isdigit():
        raise ConfigurationError(
            f"app_id must be digits only (the APPID shown in the Alipay console), got {app_id!r}."
        )
    return app_id


def _check_base_url(base_url: str) -> str:
    if not isinstance(base_url, str):
        raise ConfigurationError(
            f"base_url must be a string such as {PRODUCTION_URL!r}, got {type(base_url).__name__}."
        )
    # the presets by name in any case ("SANDBOX", "Production"), as people type them
    url = _PRESETS.get(base_url.strip().lower(), base_url).rstrip("/")
    authority = re.split(r"[/?#]", url.split("//", 1)[-1], maxsplit=1)[0]
    if "@" in authority:
        # Refused before anything quotes the URL: the part before '@' may be a password.
        raise ConfigurationError(
            "base_url must not carry a user name or password ('user:password@host'): the "
            "gateway authenticates each request by its signature, and a URL is printed in "
            "reprs, logs and errors. Remove the part before '@'."
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigurationError(
            f"base_url must be an http(s) URL such as {PRODUCTION_URL!r} (or 'production' / "
            f"'sandbox'), got {base_url!r}."
        )
    if parts.path or parts.query:
        hint = (
            " The v2 gateway address gateway.do does not serve v3 APIs."
            if "gateway.do" in parts.path
            else ""
        )
        raise ConfigurationError(
            f"base_url must be the host only, without a path: use "
            f"{parts.scheme}://{parts.netloc!s}.{hint}"
        )
    return url


def _is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or ``localhost``: traffic that never leaves this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _secure_base_url(instance: Any, attribute: attrs.Attribute[Any], value: str) -> None:
    """Plain http sends tokens and user ids in clear, and lets anything in the path
    replay or swap answers: only to this machine, unless allowed explicitly."""
    parts = urlsplit(value)
    if parts.scheme == "https" or instance.allow_insecure_http:
        return
    if not _is_loopback(parts.hostname or ""):
        raise ConfigurationError(
            f"base_url {value!r} is plain http to another machine: requests (with the "
            "app_auth_token and user ids) and answers would travel unencrypted. Use https, "
            "or pass allow_insecure_http=True (to key_mode, cert_mode or with_options) if "
            "the network in between is yours. http to 127.0.0.0/8, ::1 or localhost is "
            "always allowed."
        )


def _optional(
    check: Callable[[Any, attrs.Attribute[Any], Any], None],
) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    """``check``, except that ``None`` (the setting switched off) passes."""

    def optional(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None:
            check(instance, attribute, value)

    return optional


def _boolean(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, bool):
        raise ConfigurationError(f"{attribute.name} must be True or False, got {value!r}.")


def _replay_window(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    _boolean(instance, attribute, value)
    if value and instance.max_answer_skew is None:
        raise ConfigurationError(
            "reject_replayed_answers=True needs max_answer_skew (seconds): the nonces of "
            "answers are remembered for that window, and older answers are refused by "
            "their timestamp instead. Leave max_answer_skew at its default of 900."
        )


def _seconds(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ConfigurationError(
            f"{attribute.name} must be a positive number of seconds, got {value!r}."
        )


def _retry_policy(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if not isinstance(value, RetryPolicy):
        raise ConfigurationError(
            f"retry must be a RetryPolicy, got {value!r}; use RetryPolicy.disabled() for "
            "a single attempt."
        )


def _encrypt_needs_key(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value and instance.encrypt_key is None:
        raise ConfigurationError(
            "encrypt=True needs encrypt_key: the AES key from the Alipay console "
            "(接口内容加密方式)."
        )


@attrs.frozen(kw_only=True, repr=False)
class AlipayConfig:
    """Credentials and settings of one Alipay app. Build it with :meth:`key_mode`,
    :meth:`cert_mode` or :meth:`from_env`, which load and cross-check the key material;
    the settings themselves are checked by the constructor, so :meth:`with_options`
    (and ``attrs.evolve``) checks each change too."""

    app_id: str = attrs.field(converter=_check_app_id)
    mode: Literal["key", "cert"]
    signer: Signer = attrs.field(repr=_hidden)
    alipay_public_keys: Mapping[str, rsa.RSAPublicKey] = attrs.field(repr=False)
    """Alipay's verification keys by certificate SN ("" in key mode)."""
    default_alipay_sn: str = ""
    """Which key to use when a response carries no ``alipay-sn`` header."""
    app_cert_sn: str | None = None
    alipay_root_cert_sn: str | None = None
    encrypt_key: AESKey | None = attrs.field(default=None, repr=_hidden)
    encrypt: bool = attrs.field(default=False, validator=_encrypt_needs_key)
    """Encrypt request bodies (and expect encrypted answers) unless a call says otherwise."""
    base_url: str = attrs.field(
        default=PRODUCTION_URL, converter=_check_base_url, validator=_secure_base_url
    )
    allow_insecure_http: bool = attrs.field(default=False, validator=_boolean)
    """Allow a plain ``http://`` base_url to a host other than this machine."""
    connect_timeout: float = attrs.field(default=5.0, validator=_seconds)
    timeout: float = attrs.field(default=15.0, validator=_seconds)
    """Seconds one attempt may take, from sending to the last byte of the answer."""
    retry: RetryPolicy = attrs.field(factory=RetryPolicy, validator=_retry_policy)
    proxy: str | None = None
    trust_env: bool = False
    """Use HTTP(S)_PROXY / NO_PROXY from the environment (and ~/.netrc), as aiohttp does."""
    max_response_bytes: int = attrs.field(
        default=8 * 1024 * 1024, validator=_number(at_least=1, whole=True)
    )
    max_answer_skew: float | None = attrs.field(
        default=900.0, validator=_optional(_number(above=0))
    )
    """Seconds an answer's signed ``alipay-timestamp`` may be from this machine's clock
    (either way); an answer outside is refused like a bad signature. ``None``: no check."""
    reject_replayed_answers: bool = attrs.field(default=False, validator=_replay_window)
    """Refuse an answer whose signed ``alipay-nonce`` this client has already seen within
    ``max_answer_skew`` (kept in memory, per client and its ``with_options`` copies)."""
    user_agent: str = f"alipay_voucher-python/{__version__}"

    # ----------------------------------------------------------------- constructors

    @classmethod
    def key_mode(
        cls,
        *,
        app_id: str,
        alipay_public_key: KeySource,
        private_key: KeySource | None = None,
        signer: Signer | None = None,
        base_url: str = PRODUCTION_URL,
        encrypt_key: str | bytes | AESKey | None = None,
        encrypt: bool | None = None,
        connect_timeout: float = 5.0,
        timeout: float = 15.0,
        retry: RetryPolicy | None = None,
        proxy: str | None = None,
        trust_env: bool = False,
        allow_insecure_http: bool = False,
    ) -> AlipayConfig:
        """Public-key mode: the app's private key and Alipay's public key (支付宝公钥).

        ``signer`` replaces ``private_key`` when the key lives in a KMS or HSM.
        """
        app_id = _check_app_id(app_id)
        resolved_signer, app_public = _resolve_signer(private_key, signer)
        alipay_key = load_public_key(alipay_public_key, what="alipay_public_key")
        if app_public is not None and _same_key(alipay_key, app_public):
            raise ConfigurationError(
                "alipay_public_key is your app's own public key (应用公钥), the pair of "
                "private_key. Pass Alipay's public key instead: in the Alipay console it is "
                "shown as 支付宝公钥 next to the app public key you uploaded."
            )
        aes = _load_aes(encrypt_key)
        return cls(
            app_id=app_id,
            mode="key",
            signer=resolved_signer,
            alipay_public_keys={"": alipay_key},
            default_alipay_sn="",
            encrypt_key=aes,
            encrypt=aes is not None if encrypt is None else encrypt,
            base_url=base_url,
            connect_timeout=connect_timeout,
            timeout=timeout,
            retry=retry or RetryPolicy(),
            proxy=proxy,
            trust_env=trust_env,
            allow_insecure_http=allow_insecure_http,
        )

    @classmethod
    def cert_mode(
        cls,
        *,
        app_id: str,
        app_cert: KeySource | None = None,
        alipay_cert: KeySource | Sequence[KeySource] | None = None,
        alipay_root_cert: KeySource | None = None,
        private_key: KeySource | None = None,
        signer: Signer | None = None,
        base_url: str = PRODUCTION_URL,
        encrypt_key: str | bytes | AESKey | None = None,
        encrypt: bool | None = None,
        connect_timeout: float = 5.0,
        timeout: float = 15.0,
        retry: RetryPolicy | None = None,
        proxy: str | None = None,
        trust_env: bool = False,
        allow_insecure_http: bool = False,
        now: _dt.datetime | None = None,
    ) -> AlipayConfig:
        """Certificate mode (公钥证书): the private key plus the three downloaded files.

        * ``app_cert``: ``appCertPublicKey_<app_id>.crt``, the app's certificate;
        * ``alipay_cert``: ``alipayCertPublicKey_RSA2.crt``, Alipay's certificate (a list
          of several while Alipay rotates it; each response names its signer by SN);
        * ``alipay_root_cert``: ``alipayRootCert.crt``, the root bundle.
        """
        app_id = _check_app_id(app_id)
        missing = [
            f"{name} ({filename})"
            for name, value, filename in (
                ("app_cert", app_cert, f"appCertPublicKey_{app_id}.crt"),
                ("alipay_cert", alipay_cert, "alipayCertPublicKey_RSA2.crt"),
                ("alipay_root_cert", alipay_root_cert, "alipayRootCert.crt"),
            )
            if value is None or (isinstance(value, (list, tuple)) and not value)
        ]
        if missing:
            raise ConfigurationError(
                "certificate mode needs three files from the Alipay console; missing: "
                + ", ".join(missing)
                + ". (Without certificates, use AlipayConfig.key_mode with alipay_public_key.)"
            )
        assert app_cert is not None and alipay_cert is not None and alipay_root_cert is not None
        resolved_signer, app_public = _resolve_signer(private_key, signer)
        moment = now or _dt.datetime.now(_dt.timezone.utc)

        app_certificate = _single_cert(app_cert, "app_cert", "appCertPublicKey_<app_id>.crt")
        alipay_sources: list[KeySource] = (
            list(alipay_cert) if isinstance(alipay_cert, (list, tuple)) else [alipay_cert]  # type: ignore[list-item]
        )
        alipay_certificates = [
            _single_cert(src, "alipay_cert", "alipayCertPublicKey_RSA2.crt")
            for src in alipay_sources
        ]
        app_cert_public = _rsa_public(app_certificate, "app_cert")
        if app_public is not None and not _same_key(app_cert_public, app_public):
            if any(
                _same_key(_rsa_public(c, "alipay_cert"), app_public) for c in alipay_certificates
            ):
                raise ConfigurationError(
                    "app_cert and alipay_cert are swapped: the certificate passed as "
                    "alipay_cert holds your app's public key. Pass appCertPublicKey_<app_id>.crt "
                    "as app_cert and alipayCertPublicKey_RSA2.crt as alipay_cert."
                )
            raise ConfigurationError(
                "app_cert does not match private_key: the certificate was issued for another "
                "key pair. Use the appCertPublicKey_<app_id>.crt that the console issued for "
                "the CSR made from this private key, or the private key that made that CSR."
            )
        keys: dict[str, rsa.RSAPublicKey] = {}
        for certificate in alipay_certificates:
            public = _rsa_public(certificate, "alipay_cert")
            if _same_key(public, app_cert_public):
                raise ConfigurationError(
                    "alipay_cert holds your app's own public key: it is the app certificate. "
                    "Pass alipayCertPublicKey_RSA2.crt (Alipay's certificate) as alipay_cert."
                )
            keys[cert_sn(certificate)] = public

        roots = load_certificates(alipay_root_cert, what="alipay_root_cert")
        if roots and not any(_self_signed(c) for c in roots):
            raise ConfigurationError(
                "alipay_root_cert holds no root (self-signed) certificate; it looks like an "
                "app or Alipay certificate. Pass alipayRootCert.crt as alipay_root_cert."
            )
        root_sn = root_cert_sn(alipay_root_cert)

        for name, certificate in [("app_cert", app_certificate)] + [
            ("alipay_cert", c) for c in alipay_certificates
        ]:
            _check_validity(name, certificate, moment)

        aes = _load_aes(encrypt_key)
        return cls(
            app_id=app_id,
            mode="cert",
            signer=resolved_signer,
            alipay_public_keys=keys,
            default_alipay_sn=cert_sn(alipay_certificates[0]),
            app_cert_sn=cert_sn(app_certificate),
            alipay_root_cert_sn=root_sn,
            encrypt_key=aes,
            encrypt=aes is not None if encrypt is None else encrypt,
            base_url=base_url,
            connect_timeout=connect_timeout,
            timeout=timeout,
            retry=retry or RetryPolicy(),
            proxy=proxy,
            trust_env=trust_env,
            allow_insecure_http=allow_insecure_http,
        )

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, prefix: str = "ALIPAY_"
    ) -> AlipayConfig:
        """Build a config from environment variables (see the README for the list).

        Certificate mode is chosen when ``ALIPAY_APP_CERT`` is set. Key and certificate
        variables hold either the text itself or the path of a file.
        """
        env = os.environ if environ is None else environ

        def get(name: str) -> str | None:
            value = env.get(prefix + name)
            return value if value not in (None, "") else None

        def need(name: str) -> str:
            value = get(name)
            if value is None:
                raise ConfigurationError(f"environment variable {prefix}{name} is not set.")
            return value

        common: dict[str, object] = {
            "app_id": need("APP_ID"),
            "private_key": need("PRIVATE_KEY"),
            "base_url": get("BASE_URL") or PRODUCTION_URL,
            "encrypt_key": get("ENCRYPT_KEY"),
        }
        timeout = get("TIMEOUT")
        if timeout is not None:
            try:
                common["timeout"] = float(timeout)
            except ValueError:
                raise ConfigurationError(
                    f"{prefix}TIMEOUT must be a number of seconds, got {timeout!r}."
                ) from None
        if get("PROXY"):
            common["proxy"] = get("PROXY")
        if get("APP_CERT") or get("ALIPAY_CERT") or get("ROOT_CERT"):
            alipay_certs = [p for p in (need("ALIPAY_CERT").split(os.pathsep)) if p]
            return cls.cert_mode(
                app_cert=need("APP_CERT"),
                alipay_cert=alipay_certs if len(alipay_certs) > 1 else alipay_certs[0],
                alipay_root_cert=need("ROOT_CERT"),
                **common,  # type: ignore[arg-type]
            )
        return cls.key_mode(alipay_public_key=need("PUBLIC_KEY"), **common)  # type: ignore[arg-type]

    # ----------------------------------------------------------------- helpers

    def with_options(self, **changes: Any) -> AlipayConfig:
        """A copy with some settings changed (``base_url``, timeouts, ``retry``, ...),
        each checked as when the config was built."""
        unknown = sorted(set(changes) - {a.name for a in attrs.fields(AlipayConfig)})
        if unknown:
            raise ConfigurationError(
                f"with_options got unknown setting(s) {', '.join(unknown)}; the settings are "
                f"{', '.join(a.name for a in attrs.fields(AlipayConfig))}."
            )
        return attrs.evolve(self, **changes)

    def alipay_key_for(self, alipay_sn: str | None) -> rsa.RSAPublicKey | None:
        """Alipay's verification key for a response's ``alipay-sn`` (None when unknown)."""
        if self.mode == "key" or not alipay_sn:
            return self.alipay_public_keys.get(self.default_alipay_sn)
        return self.alipay_public_keys.get(alipay_sn)

    def __repr__(self) -> str:
        keys = ", ".join(
            f"{sn or 'key'}:{public_key_fingerprint(k)}"
            for sn, k in self.alipay_public_keys.items()
        )
        parts = [
            f"app_id={self.app_id!r}",
            f"mode={self.mode!r}",
            f"base_url={self.base_url!r}",
            f"signer={type(self.signer).__name__}(<hidden>)",
            f"alipay_keys=[{keys}]",
        ]
        if self.mode == "cert":
            parts += [
                f"app_cert_sn={self.app_cert_sn!r}",
                f"alipay_root_cert_sn={self.alipay_root_cert_sn!r}",
            ]
        parts.append(f"encrypt_key={'<hidden>' if self.encrypt_key else None}")
        parts.append(f"encrypt={self.encrypt}")
        return f"AlipayConfig({', '.join(parts)})"

    __str__ = __repr__


# --------------------------------------------------------------------------- checks


def _resolve_signer(
    private_key: KeySource | None, signer: Signer | None
) -> tuple[Signer, rsa.RSAPublicKey | None]:
    if private_key is not None and signer is not None:
        raise ConfigurationError("pass either private_key or signer, not both.")
    if signer is not None:
        if not isinstance(signer, Signer):
            raise ConfigurationError(
                "signer must have a sign(data: bytes) -> bytes method returning an RSA "
                "PKCS#1 v1.5 SHA-256 signature."
            )
        public = getattr(signer, "public_key", None)
        return signer, public if isinstance(public, rsa.RSAPublicKey) else None
    if private_key is None:
        raise ConfigurationError(
            "private_key is required: the app private key (应用私钥) made with Alipay's key "
            "tool, as PEM or bare base64 text, or a path to its file."
        )
    key = load_private_key(private_key, what="private_key")
    if key.key_size < 2048:
        raise ConfigurationError(
            f"private_key is only {key.key_size} bits; Alipay's RSA2 needs 2048 bits or more."
        )
    return RSAKeySigner(key), key.public_key()


def _same_key(a: rsa.RSAPublicKey, b: rsa.RSAPublicKey) -> bool:
    return a.public_numbers() == b.public_numbers()


def _rsa_public(certificate: x509.Certificate, what: str) -> rsa.RSAPublicKey:
    try:
        key = certificate.public_key()
    except Exception:  # an SM2/unknown-curve key the parser cannot represent
        key = None
    if not isinstance(key, rsa.RSAPublicKey):
        raise ConfigurationError(
            f"{what}: the certificate does not hold an RSA public key. Download the RSA2 "
            "certificate files from the Alipay console."
        )
    return key


def _single_cert(source: KeySource, what: str, filename: str) -> x509.Certificate:
    certificates = load_certificates(source, what=what)
    if not certificates:
        raise ConfigurationError(f"{what}: no readable certificate; pass {filename}.")
    if len(certificates) > 1 and all(_self_signed(c) for c in certificates):
        raise ConfigurationError(
            f"{what}: this is a bundle of root certificates (alipayRootCert.crt); it belongs "
            f"in alipay_root_cert. Pass {filename} as {what}."
        )
    first = load_certificate(source, what=what)
    if _self_signed(first):
        raise ConfigurationError(
            f"{what}: this is a self-signed root certificate; it belongs in "
            f"alipay_root_cert. Pass {filename} as {what}."
        )
    return first


def _self_signed(certificate: x509.Certificate) -> bool:
    return certificate.issuer == certificate.subject


def _check_validity(what: str, certificate: x509.Certificate, now: _dt.datetime) -> None:
    not_after = certificate.not_valid_after_utc
    if not_after <= now:
        raise ConfigurationError(
            f"{what} expired on {not_after:%Y-%m-%d}. Download the current certificate from "
            "the Alipay console (开发设置 → 接口加签方式) and pass it instead."
        )
    if certificate.not_valid_before_utc > now:
        raise ConfigurationError(
            f"{what} is not valid before {certificate.not_valid_before_utc:%Y-%m-%d}; check "
            "this machine's clock."
        )
    if not_after - now < _dt.timedelta(days=_EXPIRY_WARNING_DAYS):
        warnings.warn(
            f"{what} expires on {not_after:%Y-%m-%d}: download its successor from the Alipay "
            "console before then.",
            CertificateExpiryWarning,
            stacklevel=4,
        )


def _load_aes(encrypt_key: str | bytes | AESKey | None) -> AESKey | None:
    return None if encrypt_key is None else load_aes_key(encrypt_key)
