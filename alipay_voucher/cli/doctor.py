"""``alipay-voucher doctor``: check a configuration and, with ``--ping``, the gateway."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

from ._common import load_config

if TYPE_CHECKING:
    from ..config import AlipayConfig

__all__ = ["register", "run"]

# doctor's flags, and the ALIPAY_* variable each stands for (AlipayConfig.from_env)
_CREDENTIAL_FLAGS = {
    "app_id": "APP_ID",
    "private_key": "PRIVATE_KEY",
    "alipay_public_key": "PUBLIC_KEY",
    "app_cert": "APP_CERT",
    "alipay_cert": "ALIPAY_CERT",
    "root_cert": "ROOT_CERT",
    "encrypt_key": "ENCRYPT_KEY",
}


def register(commands: Any) -> None:
    doctor = commands.add_parser(
        "doctor",
        help="check a configuration (ALIPAY_* environment or flags) and optionally the gateway",
        description="Credentials come from the flags when any credential flag is given, "
        "otherwise from the ALIPAY_* environment variables. Certificate mode is chosen "
        "when a certificate is given.",
    )
    doctor.add_argument("--app-id")
    doctor.add_argument("--private-key", help="the app private key: PEM, bare base64 or a file")
    doctor.add_argument("--alipay-public-key", help="Alipay's public key (key mode)")
    doctor.add_argument("--app-cert", help="appCertPublicKey_<app_id>.crt (cert mode)")
    doctor.add_argument("--alipay-cert", help="alipayCertPublicKey_RSA2.crt (cert mode)")
    doctor.add_argument("--root-cert", help="alipayRootCert.crt (cert mode)")
    doctor.add_argument("--encrypt-key", help="the AES key (base64), if content encryption is on")
    doctor.add_argument("--base-url", help="gateway URL, or 'production' / 'sandbox'")
    doctor.add_argument(
        "--ping", action="store_true", help="make one signed query to check the gateway accepts it"
    )
    doctor.add_argument(
        "--activity-id",
        default="0",
        help="activity id for --ping (default: one that does not exist)",
    )
    doctor.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..errors import ConfigurationError

    env = _doctor_environment(args)
    try:
        config = load_config(env)
    except ConfigurationError as exc:
        print(f"configuration: NOT OK\n  {exc}", file=sys.stderr)
        return 1
    for line in _describe(config, env):
        print(line)
    if not args.ping:
        return 0
    return _ping(config, args.activity_id)


def _doctor_environment(args: argparse.Namespace) -> dict[str, str]:
    """The ALIPAY_* variables doctor checks: from the flags if any was given."""
    flags = {
        f"ALIPAY_{name}": getattr(args, attribute)
        for attribute, name in _CREDENTIAL_FLAGS.items()
        if getattr(args, attribute)
    }
    env = flags or {k: v for k, v in os.environ.items() if k.startswith("ALIPAY_")}
    if args.base_url:
        env["ALIPAY_BASE_URL"] = args.base_url
    return env


def _describe(config: AlipayConfig, env: dict[str, str]) -> list[str]:
    import datetime as _dt

    from ..credentials import cert_sn, load_certificate, public_key_fingerprint

    now = _dt.datetime.now(_dt.timezone.utc)
    lines = [
        "configuration: OK",
        f"  app_id        {config.app_id}",
        f"  mode          {'certificate (公钥证书)' if config.mode == 'cert' else 'public key'}",
        f"  base_url      {config.base_url}",
    ]
    app_public = getattr(config.signer, "public_key", None)
    if app_public is not None:
        lines.append(
            f"  app key       RSA {app_public.key_size} bits, fingerprint "
            f"{public_key_fingerprint(app_public)}"
        )
    if config.mode == "cert":
        lines.append(f"  app_cert_sn   {config.app_cert_sn}")
        lines.append(f"  root_cert_sn  {config.alipay_root_cert_sn}")
        sources = [("app cert", env["ALIPAY_APP_CERT"])]
        sources += [
            ("alipay cert", source)
            for source in env["ALIPAY_ALIPAY_CERT"].split(os.pathsep)
            if source
        ]
        for role, source in sources:
            certificate = load_certificate(source, what=role)
            expires = certificate.not_valid_after_utc
            days = (expires - now).days
            lines.append(
                f"  {role:<13} SN {cert_sn(certificate)}, expires {expires:%Y-%m-%d} ({days} days)"
            )
        lines.append("  key pair      the private key matches the app certificate")
    else:
        key = config.alipay_key_for(None)
        if key is not None:
            lines.append(f"  alipay key    fingerprint {public_key_fingerprint(key)}")
        lines.append("  key pair      the Alipay public key is not the app's own public key")
    if config.encrypt_key is not None:
        lines.append(
            f"  AES           {config.encrypt_key.size_bits}-bit key; "
            f"encrypt by default: {'yes' if config.encrypt else 'no'}"
        )
    else:
        lines.append("  AES           not configured")
    return lines


def _ping(config: AlipayConfig, activity_id: str) -> int:
    import asyncio

    from ..client import AsyncVoucherClient
    from ..config import RetryPolicy
    from ..errors import APIError, SignatureVerificationError, TransportError

    async def probe() -> None:
        async with AsyncVoucherClient(config, retry=RetryPolicy.disabled()) as client:
            await client.query(activity_id)

    try:
        asyncio.run(probe())
    except APIError as exc:
        if exc.code and exc.code.isupper():  # a business answer: the credentials passed
            print(
                f"ping: OK, the gateway accepted the signed request (it answered "
                f"{exc.code} for activity {activity_id!r}; trace_id {exc.trace_id})"
            )
            return 0
        print(f"ping: REFUSED by the gateway: {exc}", file=sys.stderr)
        return 1
    except SignatureVerificationError as exc:
        print(f"ping: the gateway's answer did not verify: {exc}", file=sys.stderr)
        return 1
    except TransportError as exc:
        print(f"ping: could not reach {config.base_url}: {exc}", file=sys.stderr)
        return 1
    print(f"ping: OK, activity {activity_id!r} found")
    return 0
