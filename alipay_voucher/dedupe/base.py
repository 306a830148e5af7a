"""The claim protocol's types, shared by every store (see the package docstring)."""

from __future__ import annotations

import enum
import secrets
from collections.abc import Sequence
from typing import Protocol

import attrs

DEFAULT_LEASE = 300.0
"""Seconds an unconfirmed claim holds before another process may take it over."""

DEFAULT_TTL = 2 * 86400.0
"""Seconds a handled message is remembered (Alipay redelivers for about a day)."""


class Held(enum.Enum):
    """Why a claim was refused."""

    IN_FLIGHT = "in_flight"
    """Another caller holds an unexpired claim: it is handling the message right now."""
    DONE = "done"
    """The message was handled and confirmed within the dedupe window."""


@attrs.frozen
class Claim:
    """The right to handle one message, until confirmed, released or expired."""

    keys: tuple[str, ...]
    token: str = attrs.field(factory=lambda: secrets.token_hex(12), repr=False)


class DedupeStore(Protocol):
    """Hands out claims on messages; see the module docstring for the contract.

    Every method raises :class:`~alipay_voucher.errors.DedupeStoreError` when the store
    cannot be reached, and never claims anything it could not record.
    """

    async def claim(self, keys: Sequence[str]) -> Claim | Held:
        """Claim every key at once, or none: a :class:`Claim`, or why not."""
        ...

    async def confirm(self, claim: Claim) -> bool:
        """Mark the claimed message done; ``False`` if the claim had expired and been
        taken over (the message may then be handled twice)."""
        ...

    async def release(self, claim: Claim) -> None:
        """Give the claim up (the callback failed) so a redelivery is handled."""
        ...


def check_windows(lease: float, ttl: float) -> None:
    """Refuse windows that would lose messages or never expire a crashed claim."""
    from ..errors import ConfigurationError

    if not lease > 0:
        raise ConfigurationError(f"lease={lease!r}: a claim lease must be positive seconds.")
    if not ttl >= lease:
        raise ConfigurationError(
            f"ttl={ttl!r} is shorter than lease={lease!r}: keep handled messages at "
            "least as long as a claim is leased (the default ttl is two days)."
        )
