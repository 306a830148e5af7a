"""Exactly once across processes: four workers sharing a SQLite file or a Redis server
receive the same 200 messages at once, and a worker is killed inside its callback (the
message is handled once more after the lease, and only once)."""

from __future__ import annotations

from pathlib import Path

import pytest

from alipay_voucher.dedupe import Held

from .crossproc import run_crash, run_many


@pytest.fixture(params=["sqlite", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:{tmp_path / 'claims.sqlite3'}"
    return f"redis:{request.getfixturevalue('redis_url')}"


def test_four_workers_handle_each_of_200_messages_once(store: str, tmp_path: Path) -> None:
    result = run_many(store, tmp_path)
    handled = result["handled"]
    assert {nid: handled[("handled", nid)] for nid in result["ids"]} == dict.fromkeys(
        result["ids"], 1
    )
    assert sum(handled.values()) == 200
    for statuses in result["statuses"]:
        assert statuses.get("200") == 200  # every worker got every message acknowledged
        assert set(statuses) <= {"200", "409"}


def test_a_worker_killed_in_its_callback(store: str, tmp_path: Path) -> None:
    result = run_crash(store, tmp_path)
    nid = result["id"]
    assert result["during_lease"] is Held.IN_FLIGHT
    assert result["after_lease"] == {"200": 1}
    assert result["once_more"] == {"200": 1}
    assert result["events"] == {("started", nid): 1, ("handled", nid): 1}
