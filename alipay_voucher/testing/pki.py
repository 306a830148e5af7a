"""A throwaway PKI shaped like Alipay's: a root bundle, an app certificate and an
Alipay certificate, with the two RSA key pairs behind them.

Used by the sandbox gateway and by tests; nothing here is ever meant for production.
The certificates mirror the real downloads: RSA-signed by an "Ant Financial"-like root,
with a second, EC-signed root in the bundle that ``alipay_root_cert_sn`` must skip.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path

import attrs
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

from .._private_files import private_directory, write_private_file

__all__ = ["SandboxPKI", "make_pki", "new_rsa_key", "private_key_pem", "public_key_pem"]


def new_rsa_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def private_key_pem(key: rsa.RSAPrivateKey, *, pkcs1: bool = False) -> str:
    fmt = (
        serialization.PrivateFormat.TraditionalOpenSSL
        if pkcs1
        else serialization.PrivateFormat.PKCS8
    )
    return key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption()).decode(
        "ascii"
    )


def public_key_pem(key: rsa.RSAPublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def _name(cn: str, ou: str, org: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def _cert(
    subject: x509.Name,
    issuer: x509.Name,
    public_key: rsa.RSAPublicKey | ec.EllipticCurvePublicKey,
    signing_key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey,
    *,
    ca: bool,
    not_before: _dt.datetime,
    not_after: _dt.datetime,
) -> x509.Certificate:
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .sign(signing_key, hashes.SHA256())
    )


def _pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


@attrs.frozen
class SandboxPKI:
    """Key pairs and certificates, as PEM text and as loaded objects."""

    app_id: str
    app_key: rsa.RSAPrivateKey = attrs.field(repr=False)
    alipay_key: rsa.RSAPrivateKey = attrs.field(repr=False)
    app_cert: x509.Certificate
    alipay_cert: x509.Certificate
    root_bundle_pem: str = attrs.field(repr=False)

    @property
    def app_private_key_pem(self) -> str:
        return private_key_pem(self.app_key)

    @property
    def app_public_key_pem(self) -> str:
        return public_key_pem(self.app_key.public_key())

    @property
    def alipay_public_key_pem(self) -> str:
        return public_key_pem(self.alipay_key.public_key())

    @property
    def app_cert_pem(self) -> str:
        return _pem(self.app_cert)

    @property
    def alipay_cert_pem(self) -> str:
        return _pem(self.alipay_cert)

    def write(self, directory: Path) -> dict[str, Path]:
        """Write every file a client needs; returns their paths by role.

        The directory is made 0700 and every file 0600 from its first byte (see
        ``_private_files``): the sandbox's keys are throwaway, but a test machine is
        often shared and the same files are read as if they were real credentials.
        """
        private_directory(directory)
        files = {
            "app_private_key": ("app_private_key.pem", self.app_private_key_pem),
            "app_public_key": ("app_public_key.pem", self.app_public_key_pem),
            "alipay_public_key": ("alipay_public_key.pem", self.alipay_public_key_pem),
            "app_cert": ("app_cert.crt", self.app_cert_pem),
            "alipay_cert": ("alipay_cert.crt", self.alipay_cert_pem),
            "alipay_root_cert": ("alipay_root_cert.crt", self.root_bundle_pem),
        }
        return {
            role: write_private_file(directory / filename, text, encoding="ascii")
            for role, (filename, text) in files.items()
        }


def make_pki(
    app_id: str = "2021000000000001",
    *,
    app_key: rsa.RSAPrivateKey | None = None,
    alipay_key: rsa.RSAPrivateKey | None = None,
    not_before: _dt.datetime | None = None,
    not_after: _dt.datetime | None = None,
) -> SandboxPKI:
    """Make a fresh PKI. Certificates are valid from ``not_before`` (default: yesterday)
    to ``not_after`` (default: in ten years)."""
    now = _dt.datetime.now(_dt.timezone.utc)
    start = not_before or now - _dt.timedelta(days=1)
    end = not_after or now + _dt.timedelta(days=3650)
    root_start, root_end = now - _dt.timedelta(days=2), now + _dt.timedelta(days=7300)
    app_key = app_key or new_rsa_key()
    alipay_key = alipay_key or new_rsa_key()
    root_key = new_rsa_key()
    ec_root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = _name("Sandbox Root CA R1", "Certification Authority", "alipay_voucher Sandbox")
    ec_root_name = _name(
        "Sandbox ECC Root CA E1", "Certification Authority", "alipay_voucher Sandbox"
    )
    root = _cert(
        root_name,
        root_name,
        root_key.public_key(),
        root_key,
        ca=True,
        not_before=root_start,
        not_after=root_end,
    )
    ec_root = _cert(
        ec_root_name,
        ec_root_name,
        ec_root_key.public_key(),
        ec_root_key,
        ca=True,
        not_before=root_start,
        not_after=root_end,
    )
    app_cert = _cert(
        _name(app_id, "Sandbox App", "alipay_voucher Sandbox Merchant"),
        root_name,
        app_key.public_key(),
        root_key,
        ca=False,
        not_before=start,
        not_after=end,
    )
    alipay_cert = _cert(
        _name("Sandbox Alipay Public Cert", "Sandbox Alipay", "alipay_voucher Sandbox"),
        root_name,
        alipay_key.public_key(),
        root_key,
        ca=False,
        not_before=start,
        not_after=end,
    )
    return SandboxPKI(
        app_id=app_id,
        app_key=app_key,
        alipay_key=alipay_key,
        app_cert=app_cert,
        alipay_cert=alipay_cert,
        root_bundle_pem=_pem(ec_root) + _pem(root),
    )
