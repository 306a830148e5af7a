"""The sandbox as a process of its own, for SDKs in other languages and manual tests.

``python -m alipay_voucher sandbox --credentials-dir DIR`` writes every file another
client needs (keys, the three certificates, ``settings.json`` with the app id, base
URL and AES key) and then prints ``listening on <base_url>``: a caller that waits for
that line can read the files and start calling.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
from pathlib import Path
from typing import TextIO

from .._private_files import write_private_file
from ..cli._common import printable
from .sandbox import Sandbox

__all__ = ["serve", "write_credentials"]


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
    # settings.json holds the AES key: private like the key files.
    return write_private_file(directory / "settings.json", json.dumps(settings, indent=2) + "\n")


async def serve(
    *,
    host: str,
    port: int,
    out: TextIO,
    credentials_dir: Path | None = None,
    notify_url: str | None = None,
    app_id: str | None = None,
) -> int:
    """Run until SIGINT or SIGTERM; the exit status is 0 after a clean stop."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        # Windows has no loop signal handlers; Ctrl+C still ends asyncio.run there.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    async with Sandbox(host=host, port=port, notify_url=notify_url, app_id=app_id) as sandbox:
        if credentials_dir is not None:
            settings = write_credentials(sandbox, credentials_dir)
            print(f"credentials written to {printable(settings.parent)}", file=out, flush=True)
        print(f"app_id {printable(sandbox.app_id)}", file=out, flush=True)
        print(f"listening on {sandbox.base_url}", file=out, flush=True)
        await stop.wait()
    print("stopped", file=out, flush=True)
    return 0
