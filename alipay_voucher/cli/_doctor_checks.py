"""What ``doctor`` checks: every setting on its own, then the whole, all problems at once.

A user who fixes one mistake only to be shown the next one loses an afternoon, so
each setting is examined separately and every problem is collected with its fix
before anything is printed. Settings come from the flags and, for whatever no flag
gives, from the ``ALIPAY_*`` environment (as ``pip`` and ``git`` let a flag override
a variable); each message names the flag or variable the value came from.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import rsa

    from ..config import AlipayConfig

__all__ = ["SETTINGS", "Report", "Setting", "Value", "examine", "gather"]


@dataclass(frozen=True)
class Setting:
    """One thing doctor reads: its argparse name, its flag and its variable."""

    name: str
    flag: str
    variable: str
    label: str

    @property
    def where(self) -> str:
        return f"pass {self.flag} or set {self.variable}"


SETTINGS: tuple[Setting, ...] = (
    Setting("app_id", "--app-id", "ALIPAY_APP_ID", "app id"),
    Setting("private_key", "--private-key", "ALIPAY_PRIVATE_KEY", "app private key"),
    Setting("alipay_public_key", "--alipay-public-key", "ALIPAY_PUBLIC_KEY", "Alipay public key"),
    Setting("app_cert", "--app-cert", "ALIPAY_APP_CERT", "app certificate"),
    Setting("alipay_cert", "--alipay-cert", "ALIPAY_ALIPAY_CERT", "Alipay certificate"),
    Setting("root_cert", "--root-cert", "ALIPAY_ROOT_CERT", "Alipay root certificate"),
    Setting("encrypt_key", "--encrypt-key", "ALIPAY_ENCRYPT_KEY", "AES key"),
    Setting("base_url", "--base-url", "ALIPAY_BASE_URL", "gateway URL"),
)
_BY_NAME = {setting.name: setting for setting in SETTINGS}
_CERTS = ("app_cert", "alipay_cert", "root_cert")


@dataclass(frozen=True)
class Value:
    """A setting's text and where it came from (the flag or the variable)."""

    setting: Setting
    text: str
    origin: str


@dataclass
class Report:
    """Everything doctor found: problems (each with its fix), warnings, the config."""

    values: dict[str, Value]
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    config: AlipayConfig | None = None

    @property
    def mode(self) -> str:
        return "cert" if any(name in self.values for name in _CERTS) else "key"

    def environment(self) -> dict[str, str]:
        """The values as ``ALIPAY_*`` variables, what ``AlipayConfig.from_env`` reads."""
        env = {value.setting.variable: value.text for value in self.values.values()}
        if "ALIPAY_PUBLIC_KEY" in env and self.mode == "cert":
            del env["ALIPAY_PUBLIC_KEY"]
        return env


def gather(flags: Mapping[str, str | None], environ: Mapping[str, str]) -> dict[str, Value]:
    """Each setting from its flag when given, otherwise from its variable when set."""
    values: dict[str, Value] = {}
    for setting in SETTINGS:
        flag = flags.get(setting.name)
        if flag not in (None, ""):
            assert flag is not None
            values[setting.name] = Value(setting, flag, setting.flag)
        elif environ.get(setting.variable, "") != "":
            values[setting.name] = Value(setting, environ[setting.variable], setting.variable)
    return values


def examine(values: dict[str, Value]) -> Report:
    """Check every setting, then (when each is fine) the config they make together."""
    report = Report(values)
    if "app_id" not in values:
        report.problems.append(f"app id: not set; {_BY_NAME['app_id'].where}.")
    private_key = _load(report, "private_key", _private_key)
    if "private_key" not in values:
        report.problems.append(
            f"app private key (应用私钥): not set; {_BY_NAME['private_key'].where} "
            "(the key text or the path of its file)."
        )
    if report.mode == "cert":
        _examine_certificates(report, private_key)
    elif "alipay_public_key" in values:
        _load(report, "alipay_public_key", _public_key)
    else:
        report.problems.append(
            "Alipay's key: none set. For public-key mode pass --alipay-public-key or set "
            "ALIPAY_PUBLIC_KEY (支付宝公钥); for certificate mode pass --app-cert, "
            "--alipay-cert and --root-cert or set ALIPAY_APP_CERT, ALIPAY_ALIPAY_CERT and "
            "ALIPAY_ROOT_CERT."
        )
    _load(report, "encrypt_key", _aes_key)
    if not report.problems:
        _build(report)
    return report


# ------------------------------------------------------------------ one setting


def _load(report: Report, name: str, loader: Any) -> Any:
    """Load one setting with ``loader(text, what)``; a failure becomes a problem."""
    from ..errors import ConfigurationError

    value = report.values.get(name)
    if value is None:
        return None
    try:
        return loader(value.text, value.origin)
    except ConfigurationError as exc:
        report.problems.append(str(exc))
        return None


def _private_key(text: str, what: str) -> rsa.RSAPrivateKey:
    from ..credentials import load_private_key

    return load_private_key(text, what=what)


def _public_key(text: str, what: str) -> rsa.RSAPublicKey:
    from ..credentials import load_public_key

    return load_public_key(text, what=what)


def _aes_key(text: str, what: str) -> object:
    from ..aes import load_aes_key
    from ..errors import ConfigurationError

    try:
        return load_aes_key(text)
    except ConfigurationError as exc:
        message = str(exc).removeprefix("encrypt_key: ")
        raise ConfigurationError(f"{what}: {message}") from None


def _first_certificate(text: str, what: str) -> x509.Certificate:
    from ..credentials import load_certificate

    return load_certificate(text.split(os.pathsep)[0], what=what)


def _certificates(text: str, what: str) -> list[x509.Certificate]:
    from ..credentials import load_certificates

    return load_certificates(text, what=what)


# ------------------------------------------------------------------ certificate mode

_ROLE_OF_SLOT = {"app_cert": "app", "alipay_cert": "alipay", "root_cert": "root"}
_SLOT_OF_ROLE = {role: slot for slot, role in _ROLE_OF_SLOT.items()}
_ROLE_TEXT = {
    "app": "your app's certificate (appCertPublicKey_<app_id>.crt)",
    "alipay": "Alipay's certificate (alipayCertPublicKey_RSA2.crt)",
    "root": "Alipay's root certificate (alipayRootCert.crt)",
}


def _examine_certificates(report: Report, private_key: rsa.RSAPrivateKey | None) -> None:
    values = report.values
    if "alipay_public_key" in values:
        report.warnings.append(
            f"{values['alipay_public_key'].origin} is ignored in certificate mode (Alipay's "
            "key comes from the Alipay certificate); remove it, or remove the certificates "
            "to use public-key mode."
        )
    for slot in _CERTS:
        if slot not in values:
            setting = _BY_NAME[slot]
            report.problems.append(
                f"{setting.label}: not set, and certificate mode needs all three "
                f"certificates; {setting.where}."
            )
    roles: dict[str, str] = {}
    for slot in _CERTS:
        loader = _certificates if slot == "root_cert" else _first_certificate
        loaded = _load(report, slot, loader)
        if loaded is None:
            continue
        certificates = loaded if isinstance(loaded, list) else [loaded]
        role = _role(certificates, private_key)
        if role is not None:
            roles[slot] = role
    misplaced = {slot: role for slot, role in roles.items() if role != _ROLE_OF_SLOT[slot]}
    for slot, role in misplaced.items():
        home = _BY_NAME[_SLOT_OF_ROLE[role]]
        swapped = misplaced.get(home.name) == _ROLE_OF_SLOT[slot]
        report.problems.append(
            f"{values[slot].origin}: this is {_ROLE_TEXT[role]}, which belongs in "
            f"{home.flag} / {home.variable}"
            + (f" (the two are swapped with {values[home.name].origin})." if swapped else ".")
        )


def _role(
    certificates: list[x509.Certificate], private_key: rsa.RSAPrivateKey | None
) -> str | None:
    """What a certificate file holds: a root (self-signed), the app's, or Alipay's."""
    if all(cert.issuer == cert.subject for cert in certificates):
        return "root"
    if private_key is None:
        return None  # the app's and Alipay's cannot be told apart without the key
    own = private_key.public_key().public_numbers()
    leaf = next(cert for cert in certificates if cert.issuer != cert.subject)
    leaf_key = leaf.public_key()
    is_own = getattr(leaf_key, "public_numbers", lambda: None)() == own
    return "app" if is_own else "alipay"


# ------------------------------------------------------------------ the whole


def _build(report: Report) -> None:
    """The config itself, with its cross-checks (key pair, own key as Alipay's, expiry)."""
    import warnings

    from ..config import AlipayConfig, CertificateExpiryWarning
    from ..errors import ConfigurationError

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", CertificateExpiryWarning)
            report.config = AlipayConfig.from_env(report.environment())
    except ConfigurationError as exc:
        report.problems.append(str(exc))
        return
    report.warnings.extend(
        str(w.message) for w in caught if issubclass(w.category, CertificateExpiryWarning)
    )
