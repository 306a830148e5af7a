"""Waiting in a test for something another process does, without a timed sleep."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable, Iterable
from typing import Any


def wait_for(
    condition: Callable[[], object],
    what: str,
    *,
    children: Iterable[subprocess.Popen[Any]] = (),
    timeout: float = 60.0,
) -> None:
    """Return once ``condition()`` is true. Fail naming ``what`` after ``timeout``
    seconds, or at once with its stderr when one of ``children`` has exited, since
    then the condition will not come."""
    watched = list(children)
    deadline = time.monotonic() + timeout
    while not condition():
        for child in watched:
            assert child.poll() is None, child.communicate()[1]
        assert time.monotonic() < deadline, f"{what} did not happen within {timeout:.0f} s"
        time.sleep(0.02)
