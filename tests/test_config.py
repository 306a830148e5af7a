"""AlipayConfig: both modes, the environment, and every bad input named with its fix."""

from __future__ import annotations

import datetime as dt
import warnings
from pathlib import Path
from typing import Any

import attrs
import pytest

from alipay_voucher.config import (
    PRODUCTION_URL,
    SANDBOX_URL,
    AlipayConfig,
    CertificateExpiryWarning,
    RetryPolicy,
)
from alipay_voucher.credentials import load_private_key
from alipay_voucher.errors import ConfigurationError
from alipay_voucher.testing.pki import SandboxPKI, make_pki, new_rsa_key, private_key_pem

from .vectors import APP_ID, KEYS, REAL_CERTS, key_text

SECRET_FRAGMENT = key_text("app_private_pkcs1_raw.txt").strip()[40:80]


def _key_mode(**overrides: Any) -> AlipayConfig:
    args: dict[str, Any] = {
        "app_id": APP_ID,
        "private_key": KEYS / "app_private_pkcs1.pem",
        "alipay_public_key": KEYS / "alipay_public_spki.pem",
    }
    args.update(overrides)
    return AlipayConfig.key_mode(**args)


def _cert_mode(**overrides: Any) -> AlipayConfig:
    args: dict[str, Any] = {
        "app_id": APP_ID,
        "private_key": KEYS / "app_private_pkcs1.pem",
        "app_cert": KEYS / "app_cert.crt",
        "alipay_cert": KEYS / "alipay_cert.crt",
        "alipay_root_cert": KEYS / "root_bundle.crt",
    }
    args.update(overrides)
    return AlipayConfig.cert_mode(**args)


def _refused(match: str, build: Any, **overrides: Any) -> ConfigurationError:
    with pytest.raises(ConfigurationError, match=match) as info:
        build(**overrides)
    assert SECRET_FRAGMENT not in str(info.value)
    return info.value


# ------------------------------------------------------------------ good configs


def test_key_mode_defaults() -> None:
    config = _key_mode()
    assert config.mode == "key"
    assert config.base_url == PRODUCTION_URL
    assert config.app_cert_sn is None and config.alipay_root_cert_sn is None
    assert not config.encrypt
    assert config.retry == RetryPolicy()


def test_cert_mode_computes_sns() -> None:
    config = _cert_mode()
    assert config.app_cert_sn == "b7c736925e0c6900488e87ab22060593"
    assert config.alipay_root_cert_sn == (
        "ac97bba319d115e27af9055cf1ba879a_3fd3b2b4bcec93336804b262905c5ba3"
    )
    assert set(config.alipay_public_keys) == {"238bb9a41b5419ccdc31d4ce7580b8f2"}
    assert config.default_alipay_sn == "238bb9a41b5419ccdc31d4ce7580b8f2"


def test_presets_and_trailing_slash() -> None:
    assert _key_mode(base_url="sandbox").base_url == SANDBOX_URL
    assert SANDBOX_URL == "https://openapi-sandbox.dl.alipaydev.com"
    assert _key_mode(base_url="http://127.0.0.1:8080/").base_url == "http://127.0.0.1:8080"


def test_encrypt_defaults_on_with_a_key(aes_key_b64: str) -> None:
    assert _key_mode(encrypt_key=aes_key_b64).encrypt
    assert not _key_mode(encrypt_key=aes_key_b64, encrypt=False).encrypt


def test_repr_and_str_hide_secrets(aes_key_b64: str) -> None:
    config = _cert_mode(encrypt_key=aes_key_b64)
    for text in (repr(config), str(config)):
        assert SECRET_FRAGMENT not in text
        assert aes_key_b64 not in text
        assert "<hidden>" in text
        assert config.app_cert_sn is not None and config.app_cert_sn in text


def test_config_is_frozen() -> None:
    import attrs

    config = _key_mode()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        config.app_id = "1"  # type: ignore[misc]


def test_with_options_checks_url() -> None:
    config = _key_mode()
    assert config.with_options(timeout=3.0).timeout == 3.0
    with pytest.raises(ConfigurationError):
        config.with_options(base_url="ftp://x")


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"retry": None}, "retry must be a RetryPolicy.*RetryPolicy.disabled"),
        ({"timeout": -1}, "timeout must be a positive number of seconds, got -1"),
        ({"connect_timeout": 0}, "connect_timeout must be a positive number"),
        ({"timeout": "15"}, "timeout must be a positive number"),
        ({"timeout": float("nan")}, "timeout must be a positive number"),
        ({"max_response_bytes": 0}, "max_response_bytes must be a whole number, at least 1"),
        ({"encrypt": True}, "encrypt=True needs encrypt_key"),
        ({"app_id": "abc"}, "app_id must be digits only"),
        ({"base_url": None}, "base_url must be a string"),
        ({"timeot": 3}, "unknown setting.*timeot.*timeout"),
    ],
)
def test_with_options_checks_every_change(changes: dict[str, Any], match: str) -> None:
    config = _key_mode()
    with pytest.raises(ConfigurationError, match=match):
        config.with_options(**changes)


def test_the_constructor_checks_what_with_options_checks() -> None:
    config = _key_mode()
    with pytest.raises(ConfigurationError, match="timeout must be"):
        attrs.evolve(config, timeout=0)
    assert config.with_options(timeout=2).timeout == 2
    assert config.with_options(base_url="sandbox").base_url == SANDBOX_URL


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"max_attempts": 0}, "max_attempts must be a whole number, at least 1; got 0"),
        ({"max_attempts": 1.5}, "max_attempts must be a whole number"),
        ({"deadline": 0}, "deadline must be a number, a positive number; got 0"),
        ({"multiplier": 0.5}, "multiplier must be a number, at least 1"),
        ({"initial_backoff": -1}, "initial_backoff must be a number, at least 0"),
    ],
)
def test_retry_policy_refuses_bad_settings(changes: dict[str, Any], match: str) -> None:
    with pytest.raises(ConfigurationError, match=match):
        RetryPolicy(**changes)


def test_from_env_key_mode(aes_key_b64: str) -> None:
    env = {
        "ALIPAY_APP_ID": APP_ID,
        "ALIPAY_PRIVATE_KEY": key_text("app_private_pkcs8_raw.txt"),
        "ALIPAY_PUBLIC_KEY": str(KEYS / "alipay_public_spki.pem"),
        "ALIPAY_BASE_URL": "sandbox",
        "ALIPAY_ENCRYPT_KEY": aes_key_b64,
        "ALIPAY_TIMEOUT": "7.5",
    }
    config = AlipayConfig.from_env(env)
    assert config.mode == "key" and config.base_url == SANDBOX_URL
    assert config.timeout == 7.5 and config.encrypt


def test_from_env_cert_mode() -> None:
    env = {
        "ALIPAY_APP_ID": APP_ID,
        "ALIPAY_PRIVATE_KEY": str(KEYS / "app_private_pkcs1.pem"),
        "ALIPAY_APP_CERT": str(KEYS / "app_cert.crt"),
        "ALIPAY_ALIPAY_CERT": str(KEYS / "alipay_cert.crt"),
        "ALIPAY_ROOT_CERT": str(KEYS / "root_bundle.crt"),
    }
    assert AlipayConfig.from_env(env).mode == "cert"


def test_from_env_names_missing_variable() -> None:
    _refused("ALIPAY_APP_ID", AlipayConfig.from_env, environ={})
    _refused(
        "ALIPAY_TIMEOUT",
        AlipayConfig.from_env,
        environ={"ALIPAY_APP_ID": APP_ID, "ALIPAY_PRIVATE_KEY": "x", "ALIPAY_TIMEOUT": "soon"},
    )


def test_custom_signer() -> None:
    from alipay_voucher.credentials import RSAKeySigner

    signer = RSAKeySigner(load_private_key(KEYS / "app_private_pkcs1.pem"))
    config = _key_mode(private_key=None, signer=signer)
    assert config.signer is signer
    _refused("not both", _key_mode, signer=signer)
    _refused("sign\\(data", _key_mode, private_key=None, signer=object())


# ------------------------------------------------------------------ bad inputs


def test_unreadable_key_text() -> None:
    _refused(
        "not valid base64",
        _key_mode,
        private_key="-----BEGIN PRIVATE KEY-----\n@@@\n-----END PRIVATE KEY-----",
    )
    error = _refused(
        "101 characters.* neither PEM, bare base64, nor the path of an existing file",
        _key_mode,
        private_key="@" * 100 + "=",
    )
    assert "@@@" not in str(error)
    error = _refused("neither PEM", _key_mode, private_key=SECRET_FRAGMENT)
    assert SECRET_FRAGMENT not in str(error)
    _refused(
        "neither PEM, bare base64, nor the path of an existing file",
        _key_mode,
        private_key="abc def\nxyz",
    )
    error = _refused(
        "32 characters.* nor the path of an existing file",
        _key_mode,
        private_key="/nonexistent/app_private_key.pem",
    )
    assert "/nonexistent" not in str(error)


@pytest.mark.parametrize("cut", [300, 1000, 1023])
def test_key_text_with_a_stray_character_is_described_never_quoted(cut: int) -> None:
    """A key pasted from a .env file with a quote left on, and cut short: it looks like
    a path (it holds '/'), but no part of it may reach the message."""
    whole = key_text("app_private_pkcs8_raw.txt").strip()
    text = '"' + whole[: cut - 1]
    assert "/" in text or "+" in text
    error = _refused(
        f"{len(text)} characters.* nor the path of an existing file", _key_mode, private_key=text
    )
    message = str(error)
    assert not any(whole[i : i + 8] in message for i in range(0, len(whole) - 8))
    public = _refused("nor the path of an existing file", _key_mode, alipay_public_key=text)
    assert not any(whole[i : i + 8] in str(public) for i in range(0, len(whole) - 8))
    _refused("not to a PKCS#1 or PKCS#8", _key_mode, private_key="QUJD" * 30)


def test_public_key_where_private_key_belongs() -> None:
    _refused("public key, not a private key", _key_mode, private_key=KEYS / "app_public_spki.pem")
    _refused(
        "public key, not a private key", _key_mode, private_key=key_text("app_public_spki_raw.txt")
    )


def test_certificate_where_private_key_belongs() -> None:
    _refused("certificate, not a private key", _key_mode, private_key=KEYS / "app_cert.crt")
    der_b64 = "".join(key_text("app_cert.crt").strip().splitlines()[1:-1])
    _refused("certificate, not a private key", _key_mode, private_key=der_b64)


def test_private_key_where_public_key_belongs() -> None:
    _refused("private key", _key_mode, alipay_public_key=KEYS / "alipay_private_pkcs1.pem")
    _refused(
        "private key, not a public key",
        _key_mode,
        alipay_public_key=key_text("alipay_private_pkcs8_raw.txt"),
    )


def test_certificate_where_public_key_belongs() -> None:
    _refused("cert_mode", _key_mode, alipay_public_key=KEYS / "alipay_cert.crt")


def test_own_public_key_as_alipay_public_key() -> None:
    error = _refused(
        "your app's own public key", _key_mode, alipay_public_key=KEYS / "app_public_spki.pem"
    )
    assert "支付宝公钥" in str(error)


def test_encrypted_private_key(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization

    key = load_private_key(KEYS / "app_private_pkcs1.pem")
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"secret"),
    )
    _refused("passphrase", _key_mode, private_key=pem)


def test_short_key_refused() -> None:
    _refused("2048 bits", _key_mode, private_key=private_key_pem(new_rsa_key(1024)))


@pytest.mark.parametrize(
    "value,match",
    [
        ("not base64!", "not valid base64"),
        ("AAECAwQFBgcICQoLDA0O", "decodes to 15 bytes"),
        ("AAECAwQFBgcICQoLDA0ODw8=", "decodes to 17 bytes"),
    ],
)
def test_bad_aes_key(value: str, match: str) -> None:
    error = _refused(match, _key_mode, encrypt_key=value)
    assert "16, 24 or 32" in str(error) or "base64" in str(error)


def test_encrypt_without_key() -> None:
    _refused("encrypt_key", _key_mode, encrypt=True)


@pytest.mark.parametrize(
    "url,match",
    [
        ("openapi.alipay.com", "http\\(s\\) URL"),
        ("https://openapi.alipay.com/gateway.do", "gateway.do"),
        ("https://openapi.alipay.com/v3", "without a path"),
    ],
)
def test_bad_base_url(url: str, match: str) -> None:
    _refused(match, _key_mode, base_url=url)


@pytest.mark.parametrize("app_id,match", [("", "app_id"), ("my-app", "digits only")])
def test_bad_app_id(app_id: str, match: str) -> None:
    _refused(match, _key_mode, app_id=app_id)


@pytest.mark.parametrize(
    "missing,filename",
    [
        ("app_cert", "appCertPublicKey_2021000000000001.crt"),
        ("alipay_cert", "alipayCertPublicKey_RSA2.crt"),
        ("alipay_root_cert", "alipayRootCert.crt"),
    ],
)
def test_cert_mode_missing_file(missing: str, filename: str) -> None:
    error = _refused("missing", _cert_mode, **{missing: None})
    assert filename in str(error)


def test_cert_mode_swapped_app_and_alipay_cert() -> None:
    _refused(
        "swapped", _cert_mode, app_cert=KEYS / "alipay_cert.crt", alipay_cert=KEYS / "app_cert.crt"
    )


def test_cert_mode_app_cert_as_alipay_cert() -> None:
    _refused("app certificate", _cert_mode, alipay_cert=KEYS / "app_cert.crt")


def test_cert_mode_root_bundle_in_cert_slot() -> None:
    _refused("alipay_root_cert", _cert_mode, app_cert=KEYS / "root_bundle.crt")
    _refused("alipay_root_cert", _cert_mode, alipay_cert=KEYS / "root_bundle.crt")


def test_cert_mode_leaf_in_root_slot() -> None:
    _refused("alipayRootCert.crt", _cert_mode, alipay_root_cert=KEYS / "alipay_cert.crt")


def test_cert_mode_key_where_cert_belongs() -> None:
    _refused("not a certificate", _cert_mode, app_cert=KEYS / "app_public_spki.pem")


def test_app_cert_not_matching_private_key() -> None:
    other = private_key_pem(new_rsa_key())
    _refused("does not match private_key", _cert_mode, private_key=other)


@pytest.fixture(scope="module")
def pki() -> SandboxPKI:
    return make_pki(APP_ID)


def _pki_cert_mode(pki: SandboxPKI, **overrides: Any) -> AlipayConfig:
    args: dict[str, Any] = {
        "app_id": APP_ID,
        "private_key": pki.app_private_key_pem,
        "app_cert": pki.app_cert_pem,
        "alipay_cert": pki.alipay_cert_pem,
        "alipay_root_cert": pki.root_bundle_pem,
    }
    args.update(overrides)
    return AlipayConfig.cert_mode(**args)


def test_expired_certificate(pki: SandboxPKI) -> None:
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=4000)
    error = _refused("expired on", _pki_cert_mode, pki=pki, now=later)
    assert "Download the current certificate" in str(error)


def test_real_certificates_are_expired() -> None:
    # Alipay's public sample certificates (2020-2022): loading them in cert mode must
    # say they expired rather than fail obscurely. The private key is unknown, so a
    # custom signer stands in.
    class NoSigner:
        def sign(self, data: bytes) -> bytes:
            return b""

    with pytest.raises(ConfigurationError, match="expired on 2022-05-1"):
        AlipayConfig.cert_mode(
            app_id="2021001161683774",
            signer=NoSigner(),
            app_cert=REAL_CERTS / "appCertPublicKey_2021001161683774.crt",
            alipay_cert=REAL_CERTS / "alipayCertPublicKey_RSA2.crt",
            alipay_root_cert=REAL_CERTS / "alipayRootCert.crt",
        )


def test_real_certificates_load_before_expiry() -> None:
    class NoSigner:
        def sign(self, data: bytes) -> bytes:
            return b""

    config = AlipayConfig.cert_mode(
        app_id="2021001161683774",
        signer=NoSigner(),
        app_cert=REAL_CERTS / "appCertPublicKey_2021001161683774.crt",
        alipay_cert=REAL_CERTS / "alipayCertPublicKey_RSA2.crt",
        alipay_root_cert=REAL_CERTS / "alipayRootCert.crt",
        now=dt.datetime(2021, 1, 1, tzinfo=dt.timezone.utc),
    )
    assert config.app_cert_sn == "866efef280dec9137a87d047ac446315"
    assert config.default_alipay_sn == "7513daaaa48aa3ba2e4018d84402479c"
    assert config.alipay_root_cert_sn == (
        "687b59193f3f462dd5336e5abf83c5d8_02941eef3187dddf3d3b83462e1dfcf6"
    )


def test_certificate_expiring_soon_warns(pki: SandboxPKI) -> None:
    soon = pki.app_cert.not_valid_after_utc - dt.timedelta(days=10)
    with pytest.warns(CertificateExpiryWarning, match="expires on"):
        _pki_cert_mode(pki, now=soon)


def test_no_warning_for_healthy_certificates(pki: SandboxPKI) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _pki_cert_mode(pki)


def test_rotation_several_alipay_certs(pki: SandboxPKI) -> None:
    successor = make_pki(APP_ID, app_key=pki.app_key)
    config = _pki_cert_mode(pki, alipay_cert=[pki.alipay_cert_pem, successor.alipay_cert_pem])
    assert len(config.alipay_public_keys) == 2
    for sn, key in config.alipay_public_keys.items():
        assert config.alipay_key_for(sn) is key
    assert config.alipay_key_for("0" * 32) is None
