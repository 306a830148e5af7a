"""One worker process of a multi-worker service, for the cross-process tests.

``python -m tests.notify_worker STORE BODIES OUT MODE [--lease S] [--go FILE]``

* ``STORE``: ``sqlite:PATH`` or ``redis:URL``, the store every worker shares;
* ``BODIES``: a JSON list of signed message bodies (latin-1 text);
* ``OUT``: the callback appends ``<pid> <event> <notify_id>`` lines here (one
  ``os.write`` each, ``O_APPEND``, so lines of several processes never mix);
* ``MODE``: ``all`` delivers every body concurrently and redelivers whatever was not
  acknowledged, as Alipay does, until all are; ``hang`` blocks forever inside the
  callback (the test kills it there); ``once`` delivers each body once.

Prints a JSON object of how many deliveries got which status.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import time
from pathlib import Path
from typing import Any

from alipay_voucher.config import AlipayConfig
from alipay_voucher.dedupe import DedupeStore, SQLiteDedupeStore
from alipay_voucher.notify import Notification, NotificationReceiver

from .vectors import APP_ID, KEYS


def make_store(spec: str, lease: float) -> DedupeStore:
    kind, _, where = spec.partition(":")
    if kind == "sqlite":
        return SQLiteDedupeStore(where, lease=lease)
    if kind == "redis":
        from alipay_voucher.dedupe import RedisDedupeStore

        # A burst of 200 deliveries queues for the pool's connections; on a loaded
        # machine the default 2 s wait ran out and the store answered 503 (correct, but
        # not what this test is about): exactly once is, so the wait is generous.
        store: DedupeStore = RedisDedupeStore(where, lease=lease, timeout=30.0)
        return store
    raise SystemExit(f"unknown store {spec!r}")


def config() -> AlipayConfig:
    return AlipayConfig.key_mode(
        app_id=APP_ID,
        private_key=(KEYS / "app_private_pkcs1.pem").read_text(),
        alipay_public_key=(KEYS / "alipay_public_spki.pem").read_text(),
    )


async def main(args: argparse.Namespace) -> dict[str, Any]:
    bodies = [b.encode("latin-1") for b in json.loads(Path(args.bodies).read_text())]
    out = os.open(args.out, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    pid = os.getpid()

    def record(event: str, note: Notification) -> None:
        os.write(out, f"{pid} {event} {note.notify_id}\n".encode())

    async def callback(note: Notification) -> None:
        if args.mode == "hang":
            record("started", note)
            time.sleep(3600)  # killed here
        await asyncio.sleep(0.002)  # keeps the message in flight while others arrive
        record("handled", note)

    receiver = NotificationReceiver(config(), callback, dedupe=make_store(args.store, args.lease))
    if args.go:
        Path(f"{args.go}.ready.{pid}").touch()  # at the line: the parent may start us
        while not Path(args.go).exists():
            await asyncio.sleep(0.005)
    statuses: collections.Counter[int] = collections.Counter()
    pending = bodies
    while pending:
        replies = await asyncio.gather(*(receiver.handle(body) for body in pending))
        statuses.update(reply.status for reply in replies)
        if args.mode == "once":
            break
        pending = [b for b, r in zip(pending, replies, strict=True) if not r.acknowledged]
        if pending:
            await asyncio.sleep(0.01)
    return {str(status): count for status, count in sorted(statuses.items())}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("store")
    parser.add_argument("bodies")
    parser.add_argument("out")
    parser.add_argument("mode", choices=["all", "hang", "once"])
    parser.add_argument("--lease", type=float, default=300.0)
    parser.add_argument("--go")
    print(json.dumps(asyncio.run(main(parser.parse_args()))))
