"""What the sandbox was asked, read from its own access log (``alipay_voucher.sandbox``).

Client tests against the sandbox count requests here rather than on a scripted fake:
the record is the sandbox's, so a request counts only if it reached the gateway. A
record is written once its answer is complete (or cut short by a fault), so a request
whose answer the client stopped waiting for (a timeout) is not counted until the
sandbox has given up on it too: count after such a call only with the sandbox on the
test's own loop and its delay over, or not at all.
"""

from __future__ import annotations

import logging

import attrs
import pytest

from alipay_voucher.testing._access_log import logger as sandbox_logger

__all__ = ["Answered", "SandboxRequests"]


@attrs.frozen
class Answered:
    """One request the sandbox answered: method, path, HTTP status, Alipay code."""

    method: str
    path: str
    status: int | str
    code: str | None

    @property
    def operation(self) -> str:
        return self.path.rpartition("/")[2]


class SandboxRequests:
    """``requests()`` (or ``requests("send")``): the answered requests, oldest first."""

    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        caplog.set_level(logging.INFO, logger=sandbox_logger.name)
        self._caplog = caplog

    def __call__(self, operation: str | None = None) -> list[Answered]:
        answered = [
            Answered(
                record.__dict__["sandbox_method"],
                record.__dict__["sandbox_path"],
                record.__dict__["sandbox_status"],
                record.__dict__["sandbox_code"],
            )
            for record in self._caplog.records
            if record.name == sandbox_logger.name
        ]
        return [a for a in answered if operation is None or a.operation == operation]
