"""Keys, certificates, certificate serial numbers and the signer.

Alipay hands out key material in more shapes than any one parser accepts: its key tool
prints bare base64 (PKCS#1 or PKCS#8), the console offers PEM, certificate mode ships
three ``.crt`` files, and the root bundle mixes RSA, EC and SM2 roots. Everything is
normalised here, once, so that the rest of the package only sees loaded
``cryptography`` objects, and every mistake is reported with what to do about it.
Nothing in this module ever puts key material into an exception message.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from .errors import ConfigurationError

if TYPE_CHECKING:
    # The X.509 parser costs more to import than the rest of cryptography that key mode
    # needs, so it is imported where a certificate is read (certificate mode only).
    from cryptography import x509

__all__ = [
    "KeySource",
    "RSAKeySigner",
    "Signer",
    "cert_sn",
    "load_certificate",
    "load_certificates",
    "load_private_key",
    "load_public_key",
    "public_key_fingerprint",
    "root_cert_sn",
    "sign_sha256_rsa",
    "verify_sha256_rsa",
]

KeySource = str | bytes | os.PathLike[str]
"""PEM text, bare base64 text, raw bytes of either or DER, or a path to a file holding them."""

_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.S)
_BASE64_TEXT = re.compile(rb"^[A-Za-z0-9+/=\s]+$")
_RSA_SIGNATURE_OID_PREFIX = "1.2.840.113549.1.1."
_PADDING = padding.PKCS1v15()
_SHA256 = hashes.SHA256()


@runtime_checkable
class Signer(Protocol):
    """Anything that makes an RSA PKCS#1 v1.5 SHA-256 signature ("RSA2").

    Implement this to keep the private key in a KMS or HSM: ``sign`` receives the exact
    bytes to sign and returns the raw signature (not base64). A signer that does I/O
    should be cheap to call from a worker thread; the client can be told to sign there.
    """

    def sign(self, data: bytes) -> bytes: ...


class RSAKeySigner:
    """The default signer: an in-process RSA private key."""

    __slots__ = ("_key",)

    def __init__(self, private_key: rsa.RSAPrivateKey) -> None:
        self._key = private_key

    def sign(self, data: bytes) -> bytes:
        return self._key.sign(data, _PADDING, _SHA256)

    @property
    def public_key(self) -> rsa.RSAPublicKey:
        return self._key.public_key()

    def __repr__(self) -> str:
        return f"RSAKeySigner(<{self._key.key_size}-bit RSA key>)"


def sign_sha256_rsa(signer: Signer, content: bytes) -> str:
    """Sign ``content`` and return the standard base64 text Alipay expects."""
    return base64.b64encode(signer.sign(content)).decode("ascii")


def verify_sha256_rsa(public_key: rsa.RSAPublicKey, content: bytes, signature_b64: str) -> bool:
    """Check a base64 SHA256withRSA signature; malformed base64 is simply a failure."""
    try:
        signature = base64.b64decode(signature_b64, validate=True)
    except (binascii.Error, ValueError):
        return False
    try:
        public_key.verify(signature, content, _PADDING, _SHA256)
    except InvalidSignature:
        return False
    return True


def public_key_fingerprint(public_key: rsa.RSAPublicKey) -> str:
    """A short, non-secret identifier of a public key (SHA-256 of its SPKI DER, 16 hex)."""
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()[:16]


# --------------------------------------------------------------------------- reading input


def _read_source(source: KeySource, what: str) -> bytes:
    """Turn a key/cert argument into bytes, reading a file when given a path.

    Binary (DER) data is returned as is; text is cleaned of what configuration
    systems add to it: surrounding quotes, and the literal ``\\n`` escapes a dotenv
    file or a JSON string puts in place of PEM line breaks.
    """
    if isinstance(source, os.PathLike):
        return _clean(_read_file(Path(source), what))
    if isinstance(source, str):
        text = _unquote(source.strip())
        if not text:
            raise ConfigurationError(
                f"{what}: the value is empty. Pass the key or certificate text, or the "
                "path of its file."
            )
        text = _unescape(text)
        path = Path(text).expanduser() if len(text) < 1024 and "\n" not in text else None
        if path is not None and _is_existing(path):  # "/etc/keys" is valid base64 too
            return _clean(_read_file(path, what))
        looks_base64 = bool(_BASE64_TEXT.match(text.encode("utf-8", "replace")))
        if text.startswith("-----BEGIN") or (len(text) > 64 and looks_base64):
            return text.encode("ascii", "replace")
        escapes = (
            " It contains literal \\n sequences but is not PEM or base64 once they are "
            "read as line breaks."
            if "\\n" in text
            else ""
        )
        # Never quoted: the text may be a key with one stray character, and an error
        # message ends up in logs and on stderr.
        raise ConfigurationError(
            f"{what}: the text ({len(text)} characters) is neither PEM, bare base64, nor "
            f"the path of an existing file.{escapes} Pass the key or certificate text "
            "exactly as Alipay's tool or console gave it, or a pathlib.Path to the file."
        )
    if isinstance(source, bytes):
        return _clean(source)
    raise ConfigurationError(f"{what}: expected str, bytes or a path, got {type(source).__name__}.")


def _is_existing(path: Path) -> bool:
    """``path.exists()``, false for what cannot be a path at all: bare base64 with a run
    of over 255 characters between slashes is "file name too long" (an ``OSError``
    whose message would quote the whole key)."""
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1].strip()
    return text


def _unescape(text: str) -> str:
    """PEM or base64 whose line breaks were written as the two characters ``\\n``."""
    if "\\n" not in text:
        return text
    candidate = text.replace("\\r", "").replace("\\n", "\n").strip()
    if candidate.startswith("-----BEGIN") or _BASE64_TEXT.match(candidate.encode()):
        return candidate
    return text


def _is_der(data: bytes) -> bool:
    """Binary DER (a SEQUENCE, and not text that happens to start with ``0``)."""
    return data[:1] == b"\x30" and not _BASE64_TEXT.match(data)


def _clean(data: bytes) -> bytes:
    if _is_der(data):
        return data
    try:
        text = data.decode("ascii").strip()
    except UnicodeDecodeError:
        return data.strip()
    return _unescape(_unquote(text)).encode("ascii")


def _read_file(path: Path, what: str) -> bytes:
    if path.is_dir():
        raise ConfigurationError(
            f"{what}: {str(path)!r} is a directory. Pass the path of the key or "
            "certificate file inside it."
        )
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigurationError(
            f"{what}: no file at {str(path)!r}. If you meant to pass the key text itself, "
            "pass the whole PEM or base64 string; otherwise check the path."
        ) from None
    except OSError as exc:
        raise ConfigurationError(f"{what}: cannot read {str(path)!r}: {exc.strerror}.") from None
    if not data.strip():
        raise ConfigurationError(
            f"{what}: the file {str(path)!r} is empty. Write the key or certificate into "
            "it (or point to the file that holds it)."
        )
    return data


def _pem_blocks(data: bytes) -> list[tuple[str, bytes]]:
    return [(label.decode(), body) for label, body in _PEM_BLOCK.findall(data)]


def _der_of(data: bytes, what: str) -> bytes:
    """The DER inside data that holds no PEM block: DER itself, or its base64."""
    return data if _is_der(data) else _b64_der(data, what)


def _b64_der(text: bytes, what: str) -> bytes:
    compact = b"".join(text.split())
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise ConfigurationError(
            f"{what}: the text is not valid base64. Copy the whole key again without "
            "adding or removing characters (line breaks are fine)."
        ) from None


_T = TypeVar("_T")


def _quiet(func: Callable[..., _T], *args: Any) -> _T:
    """Call a cryptography parser with its deprecation warnings kept from the user."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return func(*args)


# --------------------------------------------------------------------------- private keys


def load_private_key(source: KeySource, *, what: str = "private_key") -> rsa.RSAPrivateKey:
    """Load the app's RSA private key from PKCS#1 or PKCS#8, PEM or bare base64."""
    data = _read_source(source, what)
    blocks = _pem_blocks(data)
    if blocks:
        label, body = blocks[0]
        if "ENCRYPTED" in label:
            raise ConfigurationError(
                f"{what}: the PEM key is encrypted with a passphrase. Decrypt it first, e.g. "
                "`openssl pkey -in key.pem -out plain.pem`, and keep the file private."
            )
        if "PRIVATE KEY" not in label:
            raise ConfigurationError(
                f"{what}: this is a {_describe_label(label)}, not a private key. The "
                "private key is the secret half you generated with Alipay's key tool "
                "(应用私钥); the public key and certificates go into the other arguments."
            )
        der = _b64_der(body, what)
    else:
        der = _der_of(data, what)
    key = _private_key_from_der(der, what)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ConfigurationError(
            f"{what}: this is a {type(key).__name__} key; Alipay's RSA2 signing needs an "
            "RSA private key (2048 bits)."
        )
    return key


def _private_key_from_der(der: bytes, what: str) -> object:
    # load_der_private_key accepts both PKCS#8 and PKCS#1 ("traditional") DER, so the
    # PEM label, which Alipay's tools and SDKs get wrong in both directions, is ignored.
    try:
        return _quiet(serialization.load_der_private_key, der, None)
    except TypeError:
        raise ConfigurationError(
            f"{what}: the key is encrypted with a passphrase; decrypt it first."
        ) from None
    except (ValueError, UnsupportedAlgorithm):
        pass
    if _loads_as(serialization.load_der_public_key, der):
        raise ConfigurationError(
            f"{what}: this is a public key, not a private key. The private key is the "
            "secret half (应用私钥) you generated; the public key belongs in the Alipay "
            "console, not in this argument."
        )
    from cryptography import x509

    if _loads_as(x509.load_der_x509_certificate, der):
        raise ConfigurationError(
            f"{what}: this is a certificate, not a private key. In certificate mode pass "
            "the .crt files as app_cert / alipay_cert / alipay_root_cert and the private "
            "key (应用私钥) here."
        )
    raise ConfigurationError(
        f"{what}: the text decodes, but not to a PKCS#1 or PKCS#8 private key. Check that "
        "the whole key was copied."
    )


def _loads_as(parser: Callable[[bytes], object], der: bytes) -> bool:
    try:
        _quiet(parser, der)
    except (ValueError, UnsupportedAlgorithm, TypeError):
        return False
    return True


def _der_private_key(der: bytes) -> object:
    return serialization.load_der_private_key(der, None)


def _describe_label(label: str) -> str:
    if "CERTIFICATE" in label:
        return "certificate"
    if "PUBLIC KEY" in label:
        return "public key"
    return f"PEM block labelled {label!r}"


# --------------------------------------------------------------------------- public keys


def load_public_key(source: KeySource, *, what: str = "alipay_public_key") -> rsa.RSAPublicKey:
    """Load an RSA public key: SPKI (or PKCS#1) PEM, or the bare base64 Alipay shows."""
    data = _read_source(source, what)
    blocks = _pem_blocks(data)
    if blocks:
        label, body = blocks[0]
        if "PRIVATE KEY" in label:
            raise ConfigurationError(
                f"{what}: this is a private key. Never hand out a private key; here the "
                "public key is needed (for Alipay's key: 支付宝公钥 from the console)."
            )
        if "CERTIFICATE" in label:
            raise ConfigurationError(
                f"{what}: this is a certificate. Certificates are used in certificate "
                "mode: AlipayConfig.cert_mode(app_cert=..., alipay_cert=..., "
                "alipay_root_cert=...)."
            )
        der = _b64_der(body, what)
    else:
        der = _der_of(data, what)
    try:
        key = _quiet(serialization.load_der_public_key, der)
    except (ValueError, UnsupportedAlgorithm):
        try:
            pkcs1_pem = b"-----BEGIN RSA PUBLIC KEY-----\n" + base64.encodebytes(der)
            key = _quiet(
                serialization.load_pem_public_key, pkcs1_pem + b"-----END RSA PUBLIC KEY-----\n"
            )
        except (ValueError, UnsupportedAlgorithm):
            if _loads_as(_der_private_key, der):
                raise ConfigurationError(
                    f"{what}: this is a private key, not a public key. Pass the public key "
                    "(for Alipay's key: 支付宝公钥 from the console)."
                ) from None
            raise ConfigurationError(
                f"{what}: the text decodes, but not to a public key. Check that the whole "
                "key was copied."
            ) from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise ConfigurationError(f"{what}: this is not an RSA public key.")
    return key


# --------------------------------------------------------------------------- certificates


def load_certificates(source: KeySource, *, what: str = "certificate") -> list[x509.Certificate]:
    """Load every certificate in a PEM file or text, in file order.

    Certificates that the parser cannot read are kept out, but only when they are
    not RSA-signed (Alipay's bundle has an SM2 and an EC root that some parsers choke
    on); an unreadable RSA-signed certificate is an error.
    """
    return [cert for _, cert in _certificate_entries(source, what) if cert is not None]


def load_certificate(source: KeySource, *, what: str = "certificate") -> x509.Certificate:
    """Load the first certificate of a PEM file (the leaf, in Alipay's downloads)."""
    for _, cert in _certificate_entries(source, what):
        if cert is not None:
            return cert
    raise ConfigurationError(f"{what}: no readable certificate found.")


def _certificate_entries(source: KeySource, what: str) -> list[tuple[str, x509.Certificate | None]]:
    """Each certificate's signature-algorithm OID with the parsed certificate (or None)."""
    from cryptography import x509

    data = _read_source(source, what)
    blocks = _pem_blocks(data)
    if not blocks:
        if _looks_like_der_certificate(data):
            ders = [data]
        else:
            raise ConfigurationError(
                f"{what}: no '-----BEGIN CERTIFICATE-----' block found. Pass the .crt file "
                "downloaded from the Alipay console (a key is not a certificate)."
            )
    else:
        non_cert = [label for label, _ in blocks if label != "CERTIFICATE"]
        if non_cert and len(non_cert) == len(blocks):
            raise ConfigurationError(
                f"{what}: this is a {_describe_label(non_cert[0])}, not a certificate. Pass "
                "the .crt file downloaded from the Alipay console."
            )
        ders = [_b64_der(body, what) for label, body in blocks if label == "CERTIFICATE"]
    entries: list[tuple[str, x509.Certificate | None]] = []
    for der in ders:
        oid = _outer_signature_oid(der)
        try:
            cert = _quiet(x509.load_der_x509_certificate, der)
        except ValueError:
            if oid.startswith(_RSA_SIGNATURE_OID_PREFIX):
                raise ConfigurationError(
                    f"{what}: an RSA-signed certificate in the file cannot be parsed; the "
                    "file may be damaged. Download it again from the Alipay console."
                ) from None
            cert = None
        entries.append((oid, cert))
    return entries


def _looks_like_der_certificate(data: bytes) -> bool:
    try:
        _outer_signature_oid(data)
    except ConfigurationError:
        return False
    return True


# A minimal DER reader: just enough to learn a certificate's outer signature algorithm
# without trusting a full X.509 parser, which refuses some of Alipay's roots.


def _der_header(der: bytes, pos: int) -> tuple[int, int, int]:
    """Return (tag, content_start, content_end) of the element at ``pos``."""
    if pos + 2 > len(der):
        raise ConfigurationError("certificate: truncated DER data.")
    tag = der[pos]
    length = der[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        if count == 0 or count > 4 or pos + count > len(der):
            raise ConfigurationError("certificate: malformed DER length.")
        length = int.from_bytes(der[pos : pos + count], "big")
        pos += count
    if pos + length > len(der):
        raise ConfigurationError("certificate: truncated DER data.")
    return tag, pos, pos + length


def _outer_signature_oid(der: bytes) -> str:
    tag, start, _ = _der_header(der, 0)
    if tag != 0x30:
        raise ConfigurationError("certificate: not a DER certificate.")
    _, _, tbs_end = _der_header(der, start)  # tbsCertificate
    tag, alg_start, _ = _der_header(der, tbs_end)  # signatureAlgorithm
    if tag != 0x30:
        raise ConfigurationError("certificate: malformed signature algorithm.")
    tag, oid_start, oid_end = _der_header(der, alg_start)
    if tag != 0x06:
        raise ConfigurationError("certificate: malformed signature algorithm.")
    return _decode_oid(der[oid_start:oid_end])


def _decode_oid(body: bytes) -> str:
    if not body:
        raise ConfigurationError("certificate: empty OID.")
    first = body[0]
    parts = [min(first // 40, 2), first - 40 * min(first // 40, 2)]
    value = 0
    for byte in body[1:]:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            parts.append(value)
            value = 0
    return ".".join(str(p) for p in parts)


# --------------------------------------------------------------------------- serial numbers


def cert_sn(cert: x509.Certificate) -> str:
    """The SN Alipay uses for a certificate: md5(issuer DN + decimal serial), hex.

    The issuer is written most-specific RDN first, ``SHORTNAME=value`` joined by commas
    without spaces (RFC 4514 / Java's ``X500Principal.getName()``).
    """
    issuer = cert.issuer.rfc4514_string()
    return hashlib.md5(f"{issuer}{cert.serial_number}".encode()).hexdigest()


def root_cert_sn(bundle: KeySource | Iterable[x509.Certificate]) -> str:
    """The ``alipay-root-cert-sn`` header: SNs of the RSA-signed roots, file order, ``_``-joined."""
    if isinstance(bundle, (str, bytes, os.PathLike)):
        entries = _certificate_entries(bundle, "alipay_root_cert")
    else:
        entries = [(c.signature_algorithm_oid.dotted_string, c) for c in bundle]
    sns = [
        cert_sn(cert)
        for oid, cert in entries
        if cert is not None and oid.startswith(_RSA_SIGNATURE_OID_PREFIX)
    ]
    if not sns:
        raise ConfigurationError(
            "alipay_root_cert: the bundle holds no RSA-signed root certificate. Pass "
            "alipayRootCert.crt as downloaded from the Alipay console."
        )
    return "_".join(sns)
