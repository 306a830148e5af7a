"""``alipay-voucher doctor``: check a configuration and, with ``--ping``, the gateway.

The checks themselves (every problem found in one run, each with its fix) are in
:mod:`._doctor_checks`; this module prints them and makes the ``--ping`` call.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..config import AlipayConfig

__all__ = ["PING_ACTIVITY_ID", "register", "run"]

# --ping publishes this activity: it does not exist, so Alipay refuses the write after
# checking its signature (and decrypting it), and nothing changes anywhere.
PING_ACTIVITY_ID = "alipay-voucher-doctor-ping"


def register(commands: Any) -> None:
    doctor = commands.add_parser(
        "doctor",
        help="check a configuration (flags, then ALIPAY_* variables) and optionally the gateway",
        description="Each setting comes from its flag when given, otherwise from its "
        "ALIPAY_* environment variable. Certificate mode is chosen when a certificate is "
        "given. Every problem found is reported, each with its fix; exit status 1 when "
        "there is any.",
    )
    doctor.add_argument("--app-id")
    doctor.add_argument(
        "--private-key", help="the app private key: PEM, bare base64, or a PEM or DER file"
    )
    doctor.add_argument("--alipay-public-key", help="Alipay's public key (key mode)")
    doctor.add_argument("--app-cert", help="appCertPublicKey_<app_id>.crt (cert mode)")
    doctor.add_argument("--alipay-cert", help="alipayCertPublicKey_RSA2.crt (cert mode)")
    doctor.add_argument("--root-cert", help="alipayRootCert.crt (cert mode)")
    doctor.add_argument("--encrypt-key", help="the AES key (base64), if content encryption is on")
    doctor.add_argument("--base-url", help="gateway URL, or 'production' / 'sandbox'")
    doctor.add_argument(
        "--ping",
        action="store_true",
        help="make one signed (and, with an AES key, encrypted) call that Alipay refuses "
        "harmlessly: publishing an activity that does not exist",
    )
    doctor.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ._common import printable
    from ._doctor_checks import SETTINGS, examine, gather

    flags = {setting.name: getattr(args, setting.name) for setting in SETTINGS}
    report = examine(gather(flags, os.environ))
    for warning in report.warnings:
        print(f"warning: {printable(warning)}", file=sys.stderr)
    if report.config is None:
        count = len(report.problems)
        print(f"configuration: NOT OK ({count} problem{'s' if count > 1 else ''})", file=sys.stderr)
        for problem in report.problems:
            print(f"  - {printable(problem)}", file=sys.stderr)
        return 1
    for line in _describe(report.config, report.environment()):
        print(printable(line))
    if not args.ping:
        return 0
    return _ping(report.config)


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


def _ping(config: AlipayConfig) -> int:
    """Publish an activity that does not exist, and read which refusal came back.

    A business refusal (an upper-case code such as ``INVALID_PARAMETER``) means the
    gateway verified the signature, and decrypted the body when it was encrypted. A
    gateway code (``invalid-signature``, ``decryption-error``, ...) names what it
    refused. A 5xx or no answer at all checks nothing.
    """
    import asyncio

    from ..client import AsyncVoucherClient
    from ..config import RetryPolicy
    from ..errors import (
        APIError,
        DecryptionError,
        OutcomeUnknownError,
        SignatureVerificationError,
        StaleAnswerError,
        TransportError,
    )
    from ._common import printable

    encrypted = config.encrypt_key is not None
    what = "signed, encrypted" if encrypted else "signed"

    async def probe() -> None:
        async with AsyncVoucherClient(config, retry=RetryPolicy.disabled()) as client:
            await client.publish(
                {"activity_id": PING_ACTIVITY_ID}, encrypt=True if encrypted else None
            )

    try:
        asyncio.run(probe())
    except StaleAnswerError as exc:  # signed with the right key, but not fresh
        print(
            "ping: REFUSED here: the gateway's answer verified but is not fresh; check "
            f"this machine's clock (NTP) and what sits in between: {printable(exc)}",
            file=sys.stderr,
        )
        return 1
    except SignatureVerificationError as exc:
        print(
            f"ping: REFUSED here: the gateway's answer did not verify, so the Alipay public "
            f"key or certificate is not the one this gateway signs with: {printable(exc)}",
            file=sys.stderr,
        )
        return 1
    except DecryptionError as exc:
        print(
            "ping: the gateway's answer could not be decrypted; check the AES key: "
            f"{printable(exc)}",
            file=sys.stderr,
        )
        return 1
    except APIError as exc:
        return _refusal(exc, what)
    except (TransportError, OutcomeUnknownError) as exc:
        if isinstance(exc.__cause__, APIError):  # a 5xx to a write: it may have run
            return _refusal(exc.__cause__, what)
        print(
            f"ping: not checked: no usable answer from {printable(config.base_url)} "
            f"({printable(exc)})",
            file=sys.stderr,
        )
        return 1
    print(f"ping: OK, the gateway accepted the {what} request")
    return 0


def _refusal(exc: Any, what: str) -> int:
    from ._common import printable

    code = exc.code or ""
    if exc.status >= 500 or code == "SYSTEM_ERROR":
        print(
            f"ping: not checked: the gateway failed (HTTP {exc.status} {printable(code)}); "
            "try again later",
            file=sys.stderr,
        )
        return 1
    if code and code == code.upper() and "-" not in code:
        checked = (
            "" if exc.verified else " (the refusal was unsigned, so the Alipay key is unchecked)"
        )
        print(
            f"ping: OK, the gateway accepted the {what} request and refused the publish of "
            f"an activity that does not exist, as expected ({printable(code)}; trace_id "
            f"{printable(exc.trace_id)}){checked}"
        )
        return 0
    hint = f"\n  fix: {printable(exc.hint)}" if getattr(exc, "hint", None) else ""
    print(f"ping: REFUSED by the gateway: {printable(exc)}{hint}", file=sys.stderr)
    return 1
