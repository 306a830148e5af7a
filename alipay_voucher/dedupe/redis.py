"""Claims in Redis: every worker of every host shares them.

Needs the optional extra ``alipay_voucher[redis]``. Each key is one Redis string whose
value says who holds it and whether the message is done (``c:<token>`` while claimed,
``d:<token>`` once confirmed) and whose expiry is the lease or the dedupe window; Redis
drops it by itself when that runs out. Claiming is ``SET NX`` with an expiry, done for
all of a message's keys at once by a short server-side script, so two workers can never
each take one of the keys. Confirm and release check the token the same way, so a
worker whose lease ran out cannot touch the claim another worker has taken since.

With Redis Cluster, give a ``prefix`` with a hash tag (``"{alipay}:claim:"``) so that a
message's keys live in one slot, as a script over several keys requires.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError, DedupeStoreError
from .base import DEFAULT_LEASE, DEFAULT_TTL, Claim, Held, check_windows

if TYPE_CHECKING:
    from redis.asyncio import Redis

# Returns 0 (claimed), 1 (another holder's claim is live) or 2 (done).
_CLAIM = """
local held = 0
for _, key in ipairs(KEYS) do
    local value = redis.call('GET', key)
    if value then
        if string.sub(value, 1, 2) == 'd:' then return 2 end
        held = 1
    end
end
if held == 1 then return 1 end
for _, key in ipairs(KEYS) do
    redis.call('SET', key, 'c:' .. ARGV[1], 'NX', 'PX', ARGV[2])
end
return 0
"""

_CONFIRM = """
for _, key in ipairs(KEYS) do
    if redis.call('GET', key) ~= 'c:' .. ARGV[1] then return 0 end
end
for _, key in ipairs(KEYS) do
    redis.call('SET', key, 'd:' .. ARGV[1], 'PX', ARGV[2])
end
return 1
"""

_RELEASE = """
for _, key in ipairs(KEYS) do
    if redis.call('GET', key) == 'c:' .. ARGV[1] then redis.call('DEL', key) end
end
return 0
"""


class RedisDedupeStore:
    """Claims shared through Redis by every worker that uses the same server and prefix.

    ``url_or_client`` is a ``redis://`` URL (a client with a pool of at most
    ``max_connections`` and ``timeout``-second timeouts is made for it) or a
    ``redis.asyncio.Redis`` client of your own. A client is bound to the
    event loop it first talks on: use one store per loop.
    """

    def __init__(
        self,
        url_or_client: str | Redis,
        *,
        ttl: float = DEFAULT_TTL,
        lease: float = DEFAULT_LEASE,
        prefix: str = "alipay_voucher:claim:",
        timeout: float = 2.0,
        max_connections: int = 32,
    ) -> None:
        check_windows(lease, ttl)
        try:
            from redis.asyncio import BlockingConnectionPool, Redis
        except ImportError:
            raise ConfigurationError(
                "RedisDedupeStore needs the redis package: pip install 'alipay_voucher[redis]'."
            ) from None
        if isinstance(url_or_client, str):
            # A bounded pool that makes a burst of deliveries queue for a connection
            # (up to ``timeout``) instead of failing or opening one per delivery.
            pool = BlockingConnectionPool.from_url(
                url_or_client,
                max_connections=max_connections,
                timeout=timeout,
                socket_timeout=timeout,
                socket_connect_timeout=timeout,
            )
            self._client: Redis = Redis.from_pool(pool)
            self._owned = True
        else:
            self._client, self._owned = url_or_client, False
        self._prefix = prefix
        self._lease_ms = max(1, round(lease * 1000))
        self._ttl_ms = max(1, round(ttl * 1000))
        self._claim = self._client.register_script(_CLAIM)
        self._confirm = self._client.register_script(_CONFIRM)
        self._release = self._client.register_script(_RELEASE)

    async def claim(self, keys: Sequence[str]) -> Claim | Held:
        claim = Claim(tuple(keys))
        outcome = await self._call(self._claim, claim, self._lease_ms)
        if outcome == 2:
            return Held.DONE
        if outcome == 1:
            return Held.IN_FLIGHT
        return claim

    async def confirm(self, claim: Claim) -> bool:
        return bool(await self._call(self._confirm, claim, self._ttl_ms))

    async def release(self, claim: Claim) -> None:
        await self._call(self._release, claim)

    async def aclose(self) -> None:
        """Close the client if this store made it from a URL."""
        if self._owned:
            await self._client.aclose()

    async def _call(self, script: Any, claim: Claim, *args: int) -> int:
        from redis.exceptions import RedisError

        keys = [self._prefix + key for key in claim.keys]
        try:
            return int(await script(keys=keys, args=[claim.token, *args]))
        except (RedisError, OSError) as exc:
            raise DedupeStoreError(
                f"the Redis dedupe store failed: {type(exc).__name__}: {exc}. Check that "
                "the server is up and reachable from every worker."
            ) from None
