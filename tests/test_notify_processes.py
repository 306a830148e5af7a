"""Exactly once across processes: four workers sharing a SQLite store, and a worker
killed inside its callback (the message is handled once more after the lease)."""

from __future__ import annotations

from pathlib import Path

from .crossproc import run_crash, run_many


def test_four_workers_handle_each_of_200_messages_once(tmp_path: Path) -> None:
    result = run_many(f"sqlite:{tmp_path / 'claims.sqlite3'}", tmp_path)
    handled = result["handled"]
    assert {nid: handled[("handled", nid)] for nid in result["ids"]} == dict.fromkeys(
        result["ids"], 1
    )
    assert sum(handled.values()) == 200
    for statuses in result["statuses"]:
        assert statuses.get("200") == 200  # every worker got every message acknowledged
        assert set(statuses) <= {"200", "409"}


def test_a_worker_killed_in_its_callback(tmp_path: Path) -> None:
    result = run_crash(f"sqlite:{tmp_path / 'claims.sqlite3'}", tmp_path)
    nid = result["id"]
    assert result["during_lease"] == {"409": 1}
    assert result["after_lease"] == {"200": 1}
    assert result["once_more"] == {"200": 1}
    assert result["events"] == {("started", nid): 1, ("handled", nid): 1}
