"""``alipay-voucher`` / ``python -m alipay_voucher``: demo, sandbox, doctor, query, send-batch.

Importing this module loads only the standard library; each subcommand imports what
it needs when it runs, so ``--help`` is instant and a broken optional piece cannot
stop the others.

Exit status: 0 success, 1 failure (the reason is printed), 2 bad usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .config import AlipayConfig

__all__ = ["main"]

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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alipay-voucher",
        description="Alipay OpenAPI v3 payment vouchers: demo, local sandbox gateway, "
        "configuration doctor and activity query.",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="show the SDK's log (each call, each retry)"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser(
        "demo", help="run the whole voucher lifecycle against a local sandbox (key and cert mode)"
    )
    demo.set_defaults(handler=_demo)

    sandbox = commands.add_parser(
        "sandbox", help="run the sandbox gateway until interrupted (for tests and other SDKs)"
    )
    sandbox.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    sandbox.add_argument("--port", type=int, default=0, help="port to bind (default: a free one)")
    sandbox.add_argument(
        "--credentials-dir",
        type=Path,
        help="write keys, certificates and settings.json here for other clients",
    )
    sandbox.add_argument("--notify-url", help="where to POST the activity messages")
    sandbox.add_argument("--app-id", help="the app id the sandbox serves")
    sandbox.set_defaults(handler=_sandbox)

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
    doctor.set_defaults(handler=_doctor)

    query = commands.add_parser("query", help="print an activity as JSON (config from ALIPAY_*)")
    query.add_argument("activity_id")
    query.add_argument("--merchant-access-mode", choices=("SELF_MODE", "AGENCY_MODE"))
    query.set_defaults(handler=_query)

    batch = commands.add_parser(
        "send-batch",
        help="send one voucher to each recipient in a file (config from ALIPAY_*); resumable",
        description="Each recipient's out_biz_no is derived from the campaign key, the "
        "activity and the recipient, so rerunning with the same --journal after a crash "
        "or a lost answer never issues a second voucher. Exit status 1 when any "
        "recipient failed.",
    )
    _send_batch_arguments(batch)
    batch.set_defaults(handler=_send_batch)
    return parser


def _send_batch_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--activity-id", required=True, help="the active activity to send from")
    parser.add_argument(
        "--recipients",
        required=True,
        type=Path,
        help="CSV with a user_id or open_id column, or one id per line "
        "(2088 + 12 digits is a user_id, anything else an open_id)",
    )
    parser.add_argument(
        "--journal",
        type=Path,
        help="JSON-lines record of outcomes; rerun with the same file to resume safely",
    )
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight (16)")
    parser.add_argument("--rate", type=float, help="at most this many requests per second")
    parser.add_argument(
        "--campaign-key",
        default="default",
        help="names the campaign; the same key never sends a recipient a second voucher",
    )
    parser.add_argument("--merchant-access-mode", choices=("SELF_MODE", "AGENCY_MODE"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    _configure_logging(verbose=args.verbose)
    try:
        status: int = handler(args)
    except KeyboardInterrupt:
        return 130
    return status


def _send_batch(args: argparse.Namespace) -> int:
    from ._send_batch import run

    return run(args)


def _configure_logging(*, verbose: bool) -> None:
    # The library configures no logging; a command-line tool is an application and
    # does. Failures are reported by the commands themselves, so the SDK's own
    # warnings are shown only on request.
    import logging

    logging.basicConfig(
        level=logging.INFO if verbose else logging.ERROR,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


# --------------------------------------------------------------------------- commands


def _demo(args: argparse.Namespace) -> int:
    import asyncio

    from .testing.demo import run_demo

    return asyncio.run(run_demo(lambda line: print(line, flush=True)))


def _sandbox(args: argparse.Namespace) -> int:
    import asyncio

    from .testing._standalone import serve

    return asyncio.run(
        serve(
            host=args.host,
            port=args.port,
            out=sys.stdout,
            credentials_dir=args.credentials_dir,
            notify_url=args.notify_url,
            app_id=args.app_id,
        )
    )


def _doctor(args: argparse.Namespace) -> int:
    from .errors import ConfigurationError

    env = _doctor_environment(args)
    try:
        config = _load_config(env)
    except ConfigurationError as exc:
        print(f"configuration: NOT OK\n  {exc}", file=sys.stderr)
        return 1
    for line in _describe(config, env):
        print(line)
    if not args.ping:
        return 0
    return _ping(config, args.activity_id)


def _query(args: argparse.Namespace) -> int:
    import asyncio
    import json

    from .client import AsyncVoucherClient
    from .errors import AlipayError
    from .models.converter import to_json

    async def fetch() -> dict[str, Any]:
        async with AsyncVoucherClient(_load_config(os.environ)) as client:
            result = await client.query(args.activity_id, args.merchant_access_mode)
            return to_json(result)

    try:
        activity = asyncio.run(fetch())
    except AlipayError as exc:
        print(f"query failed: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(activity, ensure_ascii=False, indent=2))
    return 0


# --------------------------------------------------------------------------- doctor


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


def _load_config(env: Any) -> AlipayConfig:
    from .config import AlipayConfig

    return AlipayConfig.from_env(env)


def _describe(config: AlipayConfig, env: dict[str, str]) -> list[str]:
    import datetime as _dt

    from .credentials import cert_sn, load_certificate, public_key_fingerprint

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

    from .client import AsyncVoucherClient
    from .config import RetryPolicy
    from .errors import APIError, SignatureVerificationError, TransportError

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
