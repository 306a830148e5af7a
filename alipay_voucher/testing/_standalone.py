"""The sandbox as a process of its own, for SDKs in other languages and manual tests.

``python -m alipay_voucher sandbox --credentials-dir DIR`` writes every file another
client needs (keys, the three certificates, ``settings.json`` with the app id, base
URL and AES key) and then prints ``listening on <base_url>``: a caller that waits for
that line can read the files and start calling.

Started again on the same directory, the sandbox reads those credentials back and goes
on with them (``--fresh-credentials`` makes new ones): a program configured from them
keeps working across restarts. For that the directory also holds the sandbox's own
signing key (:data:`SANDBOX_KEY_FILE`, the stand-in for Alipay's private key), which no
client needs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, TextIO

import attrs
from cryptography.hazmat.primitives.asymmetric import rsa

from .._private_files import write_private_file
from ..aes import load_aes_key
from ..cli._common import printable, stop_on_signals
from ..credentials import load_certificates, load_private_key
from .pki import SandboxPKI, private_key_pem
from .sandbox import Sandbox

__all__ = [
    "SANDBOX_KEY_FILE",
    "CredentialsDirError",
    "SavedCredentials",
    "read_credentials",
    "serve",
    "write_credentials",
]

SANDBOX_KEY_FILE = "sandbox_alipay_private_key.pem"


class CredentialsDirError(ValueError):
    """The credentials directory holds credentials that cannot be reused as they are."""


@attrs.frozen
class SavedCredentials:
    """What a sandbox needs to serve again as the app whose credentials a directory holds."""

    pki: SandboxPKI
    encrypt_key: str


def write_credentials(sandbox: Sandbox, directory: Path) -> Path:
    """Write the PKI files and ``settings.json`` (directory 0700, files 0600);
    returns the settings path."""
    files = sandbox.pki.write(directory)
    settings = {
        "app_id": sandbox.app_id,
        "base_url": sandbox.base_url,
        "encrypt_key": sandbox.encrypt_key,
        "app_cert_sn": sandbox.app_cert_sn,
        "alipay_cert_sn": sandbox.alipay_cert_sn,
        "alipay_root_cert_sn": sandbox.root_cert_sn,
        "notify_url": sandbox.notify_url,
        "files": {role: path.name for role, path in files.items()},
    }
    write_private_file(
        directory / SANDBOX_KEY_FILE, private_key_pem(sandbox.pki.alipay_key), encoding="ascii"
    )
    # settings.json holds the AES key: private like the key files.
    return write_private_file(directory / "settings.json", json.dumps(settings, indent=2) + "\n")


def read_credentials(directory: Path) -> SavedCredentials | None:
    """The credentials a sandbox wrote to ``directory`` before, or ``None`` when it holds
    none (no ``settings.json``). Raises :class:`CredentialsDirError` when they are there
    but cannot be used, naming what is wrong and ``--fresh-credentials``."""
    settings_path = directory / "settings.json"
    if not settings_path.exists():
        return None
    try:
        settings = json.loads(settings_path.read_text(encoding="utf-8"))
        files = settings["files"]
        app_id = str(settings["app_id"])
        encrypt_key = str(settings["encrypt_key"])
        load_aes_key(encrypt_key)
        app_key = load_private_key(directory / files["app_private_key"])
        alipay_key = load_private_key(directory / SANDBOX_KEY_FILE, what="the sandbox's key")
        app_cert = load_certificates(directory / files["app_cert"], what="app_cert")[0]
        alipay_cert = load_certificates(directory / files["alipay_cert"], what="alipay_cert")[0]
        root_bundle = (directory / files["alipay_root_cert"]).read_text(encoding="ascii")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        reason = f"{type(exc).__name__}: {exc}" if isinstance(exc, KeyError) else str(exc)
        raise CredentialsDirError(
            f"{printable(directory)} holds sandbox credentials that cannot be reused "
            f"({printable(reason)}); pass --fresh-credentials to replace them"
        ) from None
    pki = SandboxPKI(app_id, app_key, alipay_key, app_cert, alipay_cert, root_bundle)
    cert_key = app_cert.public_key()
    if (
        not isinstance(cert_key, rsa.RSAPublicKey)
        or cert_key.public_numbers() != app_key.public_key().public_numbers()
    ):
        raise CredentialsDirError(
            f"in {printable(directory)}, app_cert.crt does not belong to "
            "app_private_key.pem; pass --fresh-credentials to replace them"
        )
    return SavedCredentials(pki, encrypt_key)


async def serve(
    *,
    host: str,
    port: int,
    out: TextIO,
    credentials_dir: Path | None = None,
    fresh_credentials: bool = False,
    state: Path | None = None,
    notify_url: str | None = None,
    app_id: str | None = None,
) -> int:
    """Run until SIGINT or SIGTERM; the exit status is 0 after a clean stop.

    Raises :class:`CredentialsDirError` or :class:`._state_file.StateFileError`, before
    binding, when the credentials directory or the state file cannot be used.
    """
    saved = None
    if credentials_dir is not None and not fresh_credentials:
        saved = read_credentials(credentials_dir)
    if saved is not None and app_id is not None and app_id != saved.pki.app_id:
        raise CredentialsDirError(
            f"{printable(credentials_dir)} holds the credentials of app {saved.pki.app_id}, "
            f"not {printable(app_id)}; pass --fresh-credentials to make new ones for it"
        )
    identity: dict[str, Any] = (
        {"pki": saved.pki, "encrypt_key": saved.encrypt_key} if saved else {"app_id": app_id}
    )
    stop = stop_on_signals()
    sandbox = Sandbox(host=host, port=port, notify_url=notify_url, state=state, **identity)
    async with sandbox:
        if credentials_dir is not None:
            settings = write_credentials(sandbox, credentials_dir)
            done = "reused from" if saved else "written to"
            print(f"credentials {done} {printable(settings.parent)}", file=out, flush=True)
        if state is not None:
            activities, vouchers = len(sandbox.book.activities), len(sandbox.book.vouchers)
            kept = (
                f"{activities} {'activity' if activities == 1 else 'activities'}, "
                f"{vouchers} {'voucher' if vouchers == 1 else 'vouchers'}"
            )
            print(f"state kept in {printable(state)} ({kept})", file=out, flush=True)
        print(f"app_id {printable(sandbox.app_id)}", file=out, flush=True)
        print(f"listening on {sandbox.base_url}", file=out, flush=True)
        await stop.wait()
    print("stopped", file=out, flush=True)
    return 0
