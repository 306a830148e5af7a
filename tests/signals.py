"""Ctrl-C for tests of blocking code: SIGINT sent to the main thread after a delay.

A blocking caller is interrupted in the thread that waits, and Python delivers SIGINT
to the main thread only; the ``main_thread`` fixture (``conftest.py``) makes sure the
test runs there with Python's own handler.
"""

from __future__ import annotations

import signal
import threading


def interrupt_main_after(seconds: float) -> threading.Timer:
    """Send SIGINT to the main thread in ``seconds``; join the timer afterwards."""
    main = threading.main_thread().ident
    assert main is not None
    timer = threading.Timer(seconds, signal.pthread_kill, (main, signal.SIGINT))
    timer.start()
    return timer
