"""Child processes of this checkout: the sandbox as another process (``python -m
alipay_voucher sandbox``) for CLI tests, and a probe of what an import loads.

The child runs this checkout's package with no ``ALIPAY_*`` setting of the caller's
environment, so a developer's own configuration never leaks into a test.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import alipay_voucher

ROOT = Path(alipay_voucher.__file__).resolve().parent.parent


def subprocess_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ALIPAY_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


@contextlib.contextmanager
def standalone_sandbox(credentials: Path) -> Iterator[subprocess.Popen[str]]:
    """``python -m alipay_voucher sandbox --credentials-dir``, killed on the way out."""
    process = subprocess.Popen(
        [sys.executable, "-m", "alipay_voucher", "sandbox", "--port", "0",
         "--credentials-dir", str(credentials)],
        env=subprocess_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=10)


def wait_for_listening(process: subprocess.Popen[str]) -> str:
    assert process.stdout is not None
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if line.startswith("listening on "):
            return line.split()[-1]
        if not line and process.poll() is not None:
            break
    raise AssertionError(
        f"the sandbox never said it was listening: {process.stderr and process.stderr.read()}"
    )


def loaded_after(code: str, *prefixes: str) -> list[str]:
    """The modules named ``prefix`` or ``prefix.*`` that ``code`` leaves in sys.modules."""
    probe = (
        f"{code}\n"
        "import json, sys\n"
        f"prefixes = {list(prefixes)!r}\n"
        "print(json.dumps(sorted(m for m in sys.modules\n"
        "    if any(m == p or m.startswith(p + '.') for p in prefixes))))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        env=subprocess_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    names: list[str] = json.loads(out.stdout.splitlines()[-1])
    return names
