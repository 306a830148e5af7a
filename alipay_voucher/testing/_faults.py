"""Fault injection: what a flaky network or gateway does to an API call.

Tests arm faults either for the next N requests (``faults.next("drop")``) or at a
seeded random rate (``faults.rate({"503": 0.05}, seed=7)``); queued faults are used
first. Each fault kind is defined by *when* the operation takes effect relative to what
the client sees, because that is what a client's retry logic must get right:

=====================  =========================  ====================================
kind                   the operation...           the client sees (aiohttp)
=====================  =========================  ====================================
``refuse``             never reaches the gateway  the connection reset before the
                                                  request was read:
                                                  ``ClientOSError`` (ECONNRESET) or
                                                  ``ServerDisconnectedError``. The TCP
                                                  connect itself succeeded; for a
                                                  genuine ``ClientConnectorError`` use
                                                  ``Sandbox.offline()``.
``502`` / ``503``      never reaches the gateway  an unsigned HTML error page from a
                                                  "load balancer", no trace id
``drop``               takes effect               the connection closed without any
                                                  answer: ``ServerDisconnectedError``
``delay``              takes effect, then the     nothing for ``faults.delay`` seconds,
                       answer waits               then the normal answer (a read
                                                  timeout if the client gives up first)
``truncate``           takes effect               status and headers, half the body,
                                                  then EOF: ``ClientPayloadError``
``corrupt_signature``  takes effect               a complete answer whose
                                                  ``alipay-signature`` does not verify
=====================  =========================  ====================================

Messages triggered by an operation that took effect are delivered as usual, exactly as
Alipay would: the answer was lost, not the change.
"""

from __future__ import annotations

import enum
import random
import threading
from collections import Counter, deque
from collections.abc import Iterable, Mapping

import attrs

__all__ = ["Fault", "Faults", "InjectedFault"]


class Fault(str, enum.Enum):
    """The kinds of fault; the plain strings (``"drop"``, ``"503"`` ...) work as well."""

    REFUSE = "refuse"
    DROP = "drop"
    DELAY = "delay"
    BAD_GATEWAY = "502"
    UNAVAILABLE = "503"
    TRUNCATE = "truncate"
    CORRUPT_SIGNATURE = "corrupt_signature"

    @property
    def before_gateway(self) -> bool:
        """Whether the request is stopped before the gateway sees it (no effect)."""
        return self in (Fault.REFUSE, Fault.BAD_GATEWAY, Fault.UNAVAILABLE)


@attrs.frozen
class InjectedFault:
    """One fault that was injected, for assertions (``faults.log``)."""

    kind: Fault
    operation: str | None
    request_id: str | None


@attrs.define
class _Queued:
    kind: Fault
    remaining: int
    operations: frozenset[str] | None


def _operations(operation: str | Iterable[str] | None) -> frozenset[str] | None:
    if operation is None:
        return None
    return frozenset([operation] if isinstance(operation, str) else operation)


class Faults:
    """The fault plan of one sandbox, and the record of what it injected.

    ``injected`` counts faults by kind; ``log`` lists them in order with the operation
    (``"send"``, ``"query"`` ...) and the request's ``alipay-request-id``.
    """

    def __init__(self, *, delay: float = 1.0) -> None:
        self.delay = delay
        """Seconds a ``delay`` fault holds the answer back."""
        self.injected: Counter[Fault] = Counter()
        self.log: list[InjectedFault] = []
        self._queue: deque[_Queued] = deque()
        self._rates: list[tuple[Fault, float]] = []
        self._rate_operations: frozenset[str] | None = None
        self._random = random.Random()
        self._lock = threading.Lock()  # tests may arm faults from another thread

    def next(
        self,
        kind: Fault | str,
        count: int = 1,
        *,
        operation: str | Iterable[str] | None = None,
    ) -> None:
        """Inject ``kind`` into the next ``count`` requests (of ``operation`` only, if given)."""
        if count < 1:
            raise ValueError("count must be at least 1")
        with self._lock:
            self._queue.append(_Queued(Fault(kind), count, _operations(operation)))

    def rate(
        self,
        rates: Mapping[Fault | str, float],
        *,
        seed: int | None = None,
        operation: str | Iterable[str] | None = None,
    ) -> None:
        """Inject faults at random with these per-request probabilities (replacing any
        earlier rates); a ``seed`` makes the sequence repeatable."""
        parsed = [(Fault(kind), float(p)) for kind, p in rates.items()]
        if any(p < 0 for _, p in parsed) or sum(p for _, p in parsed) > 1:
            raise ValueError("rates must be non-negative and add up to at most 1")
        with self._lock:
            self._rates = parsed
            self._rate_operations = _operations(operation)
            self._random = random.Random(seed)

    def clear(self) -> None:
        """Disarm every queued fault and rate (the record is kept)."""
        with self._lock:
            self._queue.clear()
            self._rates = []

    @property
    def pending(self) -> int:
        """How many queued faults are still to be injected."""
        return sum(item.remaining for item in self._queue)

    def draw(self, operation: str | None, request_id: str | None = None) -> Fault | None:
        """Decide the fate of one request; called once per request by the gateway."""
        with self._lock:
            kind = self._from_queue(operation) or self._from_rates(operation)
            if kind is not None:
                self.injected[kind] += 1
                self.log.append(InjectedFault(kind, operation, request_id))
        return kind

    def _from_queue(self, operation: str | None) -> Fault | None:
        for item in self._queue:
            if item.operations is None or operation in item.operations:
                item.remaining -= 1
                if not item.remaining:
                    self._queue.remove(item)
                return item.kind
        return None

    def _from_rates(self, operation: str | None) -> Fault | None:
        if not self._rates:
            return None
        if self._rate_operations is not None and operation not in self._rate_operations:
            return None
        roll = self._random.random()
        for kind, probability in self._rates:
            if roll < probability:
                return kind
            roll -= probability
        return None
