"""Key and certificate loading, SNs, and the real Alipay certificates."""

from __future__ import annotations

import base64
import warnings
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from alipay_voucher.credentials import (
    RSAKeySigner,
    cert_sn,
    load_certificate,
    load_certificates,
    load_private_key,
    load_public_key,
    root_cert_sn,
)
from alipay_voucher.errors import ConfigurationError

from .vectors import KEYS, REAL_CERTS, key_text, load_vector

KEY_FORMATS = load_vector("key_formats")
CERT_SN = load_vector("cert_sn")

PRIVATE_VARIANTS = {
    "pkcs1_pem_default_keyType": "app_private_pkcs1.pem",
    "pkcs1_raw_base64_default_keyType": "app_private_pkcs1_raw.txt",
    "pkcs8_pem_keyType_PKCS8": "app_private_pkcs8.pem",
    "pkcs8_raw_base64_keyType_PKCS8": "app_private_pkcs8_raw.txt",
    "pkcs8_raw_base64_default_keyType": "app_private_pkcs8_raw.txt",
    # The official Node SDK refuses this one; we accept it, because the DER says what it is.
    "pkcs1_raw_base64_keyType_PKCS8": "app_private_pkcs1_raw.txt",
}
EXPECTED_AUTH = next(c["authorization"] for c in KEY_FORMATS["cases"] if c["ok"])


@pytest.mark.parametrize("variant,filename", sorted(PRIVATE_VARIANTS.items()))
@pytest.mark.parametrize("as_type", ["str", "bytes", "path", "pathstr", "wrapped"])
def test_every_private_key_format_loads_to_the_same_key(
    variant: str, filename: str, as_type: str
) -> None:
    path = KEYS / filename
    text = path.read_text()
    source: Any = {
        "str": text,
        "bytes": text.encode(),
        "path": path,
        "pathstr": str(path),
        "wrapped": "\n".join(text.strip()[i : i + 64] for i in range(0, len(text.strip()), 64))
        if "BEGIN" not in text
        else text,
    }[as_type]
    key = load_private_key(source)
    reference = load_private_key(KEYS / "app_private_pkcs1.pem")
    assert key.private_numbers() == reference.private_numbers()


def test_key_format_vectors_all_sign_identically() -> None:
    """The vector does not record the request it signed, only that every accepted key
    encoding produced one Authorization. We pin what can be pinned: its signature opens
    under the app public key to a SHA-256 DigestInfo (so it is this key pair's RSA2
    signature), the vector's variants agree, and each of our loaded encodings produces
    byte-identical signatures for any content.
    """
    cases = KEY_FORMATS["cases"]
    accepted = {c["authorization"] for c in cases if c["ok"]}
    assert len(accepted) == 1
    signature = base64.b64decode(next(iter(accepted)).rsplit(",sign=", 1)[1])
    public = load_public_key(KEYS / "app_public_spki_raw.txt")
    digest = public.recover_data_from_signature(signature, padding.PKCS1v15(), hashes.SHA256())
    assert len(digest) == 32
    content = b"app_id=2021000000000001,nonce=n,timestamp=1\nGET\n/x\n\n"
    signatures = {
        RSAKeySigner(load_private_key(KEYS / filename)).sign(content)
        for filename in PRIVATE_VARIANTS.values()
    }
    assert len(signatures) == 1
    public.verify(signatures.pop(), content, padding.PKCS1v15(), hashes.SHA256())


@pytest.mark.parametrize("filename", ["alipay_public_spki.pem", "alipay_public_spki_raw.txt"])
def test_public_key_formats(filename: str) -> None:
    key = load_public_key(KEYS / filename)
    assert key.public_numbers() == load_public_key(KEYS / "alipay_public_spki.pem").public_numbers()


def test_pkcs1_public_key_pem_is_accepted() -> None:
    key = load_public_key(KEYS / "alipay_public_spki.pem")
    pkcs1 = key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.PKCS1)
    assert load_public_key(pkcs1).public_numbers() == key.public_numbers()
    bare = base64.b64encode(
        key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    ).decode()
    assert load_public_key(bare).public_numbers() == key.public_numbers()


def test_cert_sn_vectors() -> None:
    app = load_certificate(KEYS / "app_cert.crt")
    alipay = load_certificate(KEYS / "alipay_cert.crt")
    assert app.issuer.rfc4514_string() == CERT_SN["app_cert"]["issuer_string"]
    assert str(app.serial_number) == CERT_SN["app_cert"]["serial_decimal"]
    assert cert_sn(app) == CERT_SN["app_cert"]["sn"]
    assert cert_sn(alipay) == CERT_SN["alipay_cert"]["sn"]
    spki = alipay.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert base64.b64encode(spki).decode() == CERT_SN["alipay_cert"]["public_key_base64_spki"]


def test_root_cert_sn_vector_skips_ec_root_and_keeps_sha384() -> None:
    assert root_cert_sn(KEYS / "root_bundle.crt") == CERT_SN["root_bundle"]["alipay_root_cert_sn"]
    included = [c["md5"] for c in CERT_SN["root_bundle"]["certs"] if c["included"]]
    assert root_cert_sn(KEYS / "root_bundle.crt").split("_") == included
    # The same answer from already-loaded certificates.
    assert root_cert_sn(load_certificates(KEYS / "root_bundle.crt")) == "_".join(included)


REAL = CERT_SN["upstream_public_fixtures"]


def test_real_root_bundle_without_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        sn = root_cert_sn(REAL_CERTS / "alipayRootCert.crt")
    assert sn == REAL["alipayRootCert.crt"]["sn"]
    # SM2 and EC roots are skipped, the two RSA roots kept, in file order.
    assert len(sn.split("_")) == 2


def test_real_app_and_alipay_certs() -> None:
    app = load_certificate(REAL_CERTS / "appCertPublicKey_2021001161683774.crt")
    alipay = load_certificate(REAL_CERTS / "alipayCertPublicKey_RSA2.crt")
    assert cert_sn(app) == REAL["appCertPublicKey_2021001161683774.crt"]["sn"]
    assert cert_sn(alipay) == REAL["alipayCertPublicKey_RSA2.crt"]["sn"]
    spki = alipay.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert base64.b64encode(spki).decode() == REAL["alipayCertPublicKey_RSA2.crt"]["publicKey"]


def test_real_files_match_their_published_hashes() -> None:
    import hashlib

    for name in (
        "alipayRootCert.crt",
        "appCertPublicKey_2021001161683774.crt",
        "alipayCertPublicKey_RSA2.crt",
    ):
        digest = hashlib.sha256((REAL_CERTS / name).read_bytes()).hexdigest()
        assert digest == REAL[name]["sha256"], name


def test_signer_repr_hides_key() -> None:
    signer = RSAKeySigner(load_private_key(KEYS / "app_private_pkcs1.pem"))
    raw = key_text("app_private_pkcs1_raw.txt").strip()
    assert raw[:20] not in repr(signer)
    assert "2048" in repr(signer)


def test_data_copies_match_shared_spec() -> None:
    shared = Path(__file__).resolve().parents[2] / "shared" / "spec"
    if not shared.exists():
        pytest.skip("../shared is not present on this machine; the copies are the reference")
    ours = Path(__file__).parent / "data"
    for sub in ("vectors", "real-certs"):
        for path in (shared / sub).rglob("*"):
            if path.is_file():
                assert (
                    ours / sub / path.relative_to(shared / sub)
                ).read_bytes() == path.read_bytes()


def test_root_bundle_of_only_non_rsa_roots_is_refused(tmp_path: Path) -> None:
    bundle = (REAL_CERTS / "alipayRootCert.crt").read_text()
    blocks = bundle.split("-----END CERTIFICATE-----")
    sm2_only = blocks[0] + "-----END CERTIFICATE-----\n"
    with pytest.raises(ConfigurationError, match="no RSA-signed root"):
        root_cert_sn(sm2_only)
