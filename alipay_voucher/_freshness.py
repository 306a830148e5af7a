"""Whether a verified answer is fresh: its signed timestamp near this machine's clock,
and (optionally) its signed nonce not seen before.

An answer's signature covers ``alipay-timestamp``, ``alipay-nonce`` and the body, and
nothing of the request it answers (PROTOCOL 4.2). Without these checks a signed answer
recorded once (by a TLS-inspecting proxy, or anything on a plain-http path) could be
replayed as the answer to any later call forever. With them, a replay must happen
within ``max_answer_skew`` seconds, and, with ``reject_replayed_answers``, can be used
at most once per client. What remains unbound is said in the README's security notes.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable

__all__ = ["AnswerNonces", "check_freshness"]


class AnswerNonces:
    """The nonces of the answers accepted within the freshness window.

    Each nonce is kept until its answer's timestamp leaves the window: from then on the
    timestamp check refuses a replay by itself, so memory is bounded by the number of
    answers accepted per ``2 * max_answer_skew`` seconds.
    """

    __slots__ = ("_expiries", "_seen")

    def __init__(self) -> None:
        self._seen: set[str] = set()
        self._expiries: list[tuple[float, str]] = []

    def __len__(self) -> int:
        return len(self._seen)

    def first_sighting(self, nonce: str, *, forget_after: float, now: float) -> bool:
        """Record ``nonce``; False if it was recorded already (and not yet forgotten)."""
        expiries = self._expiries
        while expiries and expiries[0][0] < now:
            self._seen.discard(heapq.heappop(expiries)[1])
        if nonce in self._seen:
            return False
        self._seen.add(nonce)
        heapq.heappush(expiries, (forget_after, nonce))
        return True


def check_freshness(
    timestamp: str,
    nonce: str,
    *,
    max_skew: float | None,
    now: float,
    nonces: AnswerNonces | None,
    fail: Callable[[str], Exception],
) -> None:
    """Raise ``fail(reason)`` when the answer is stale or a replay; return when fresh.

    ``timestamp`` is the signed ``alipay-timestamp`` (epoch milliseconds) and ``nonce``
    the signed ``alipay-nonce``, both already verified (so a forged answer never
    reaches ``nonces``).
    """
    if max_skew is None:
        return
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 16):
        raise fail(
            f"the answer's alipay-timestamp is not epoch milliseconds ({len(timestamp)} "
            "characters), so its freshness cannot be checked; it was not used."
        )
    signed_at = int(timestamp) / 1000
    skew = signed_at - now
    if abs(skew) > max_skew:
        direction = "ahead of" if skew > 0 else "behind"
        raise fail(
            f"the answer's signed timestamp is {abs(skew):.0f} s {direction} this machine's "
            f"clock, more than max_answer_skew={max_skew:g} s: it may be an old answer "
            "replayed, so it was not used. If this machine's clock is wrong, fix it (NTP); "
            "otherwise suspect what sits between you and Alipay."
        )
    if nonces is not None and not nonces.first_sighting(
        nonce, forget_after=signed_at + max_skew, now=now
    ):
        raise fail(
            "the answer's signed nonce was already seen in an earlier answer: it is a "
            "replay of another call's answer, so it was not used. Suspect what sits "
            "between you and Alipay (a proxy, a plain-http hop)."
        )
