"""What a notification costs through ``aiohttp_handler`` with each dedupe store.

Every message is distinct (a redelivery would be cheaper), so each one is verified,
claimed, called back and confirmed. 8 deliveries are kept in flight over a real
loopback HTTP connection, as a busy endpoint sees them. Printed: messages per second
per store, and each store's cost per message against the in-memory store's, all from
this one run. Target: at least 1,000 messages a second with the SQLite store.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiohttp import ClientSession, web
from aiohttp.test_utils import TestServer

from alipay_voucher.config import AlipayConfig
from alipay_voucher.credentials import RSAKeySigner, load_private_key
from alipay_voucher.dedupe import DedupeStore, MemoryDedupeStore, SQLiteDedupeStore
from alipay_voucher.notify import Notification, aiohttp_handler
from benchmarks._util import print_table
from tests.notify_helpers import form_body, signed_params
from tests.vectors import APP_ID, KEYS

MESSAGES = 2000
IN_FLIGHT = 8
REPEATS = 3
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def bodies(run: str) -> list[bytes]:
    signer = RSAKeySigner(load_private_key(KEYS / "alipay_private_pkcs1.pem"))
    return [
        form_body(
            signed_params(
                "alipay.marketing.activity.message.created",
                {"id": f"ev-{run}-{i}", "activity_id": "a1"},
                notify_id=f"{run}-{i}",
                signer=signer,
            )
        )
        for i in range(MESSAGES)
    ]


async def rate(config: AlipayConfig, store: DedupeStore, messages: list[bytes]) -> float:
    async def callback(note: Notification) -> None:
        return None

    app = web.Application()
    app.router.add_post("/notify", aiohttp_handler(config, callback, dedupe=store))
    async with TestServer(app) as server, ClientSession() as session:
        url = str(server.make_url("/notify"))
        queue = iter(messages)

        async def deliver() -> None:
            for body in queue:
                async with session.post(url, data=body, headers=FORM) as response:
                    assert response.status == 200, response.status

        start = time.perf_counter()
        await asyncio.gather(*(deliver() for _ in range(IN_FLIGHT)))
        return len(messages) / (time.perf_counter() - start)


async def main() -> None:
    config = AlipayConfig.key_mode(
        app_id=APP_ID,
        private_key=(KEYS / "app_private_pkcs1.pem").read_text(),
        alipay_public_key=(KEYS / "alipay_public_spki.pem").read_text(),
    )
    best: dict[str, float] = {"memory": 0.0, "sqlite": 0.0}
    with tempfile.TemporaryDirectory() as folder:
        for repeat in range(REPEATS):  # interleaved, so both see the same machine
            for name in best:
                messages = bodies(f"{name}{repeat}")
                if name == "memory":
                    store: DedupeStore = MemoryDedupeStore()
                    best[name] = max(best[name], await rate(config, store, messages))
                else:
                    sqlite = SQLiteDedupeStore(Path(folder) / "claims.sqlite3")
                    try:
                        best[name] = max(best[name], await rate(config, sqlite, messages))
                    finally:
                        sqlite.close()
    memory = best["memory"]
    rows = [
        (
            f"{name} store",
            f"{value:7.0f} msg/s  {1e6 / value:6.0f} us/msg  cost x{memory / value:.2f} of memory",
        )
        for name, value in best.items()
    ]
    target = "met" if best["sqlite"] >= 1000 else "MISSED"
    rows.append(("target (sqlite >= 1000 msg/s)", target))
    print_table(
        f"aiohttp_handler, {MESSAGES} distinct messages, {IN_FLIGHT} in flight, best of {REPEATS}",
        rows,
    )


if __name__ == "__main__":
    asyncio.run(main())
