"""A campaign with no Python: ``activity`` and ``send-batch`` against a sandbox thread.

The commands run in this process through ``main`` (the configuration comes from
ALIPAY_* variables, set per test), except the Ctrl-C test, which needs a process of
its own to interrupt.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from alipay_voucher.cli import main
from alipay_voucher.testing import Fault, SandboxThread

from .campaigns import batch_env, holdings, start_activity, users
from .raw_calls import activity_body
from .standalone import ROOT
from .waiting import wait_for


@pytest.fixture
def running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxThread]:
    with SandboxThread() as sandbox_thread:
        env = batch_env(sandbox_thread, tmp_path / "creds")
        for name, value in env.items():
            if name.startswith("ALIPAY_"):
                monkeypatch.setenv(name, value)
        yield sandbox_thread


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_an_activity_from_a_file_to_its_end(
    running: SandboxThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    request = tmp_path / "activity.json"
    body = activity_body("cli-create", quantity=5, per_user=1)
    del body["out_biz_no"]
    request.write_text(json.dumps(body, ensure_ascii=False))
    status, out, err = cli(capsys, "activity", "create", "--file", str(request))
    assert status == 0, err
    activity_id = out.strip()
    assert running.call(lambda: running.sandbox.activity(activity_id).activity_id) == activity_id
    assert err.startswith("out_biz_no ")  # the key to repeat it with after a lost answer
    status, out, err = cli(capsys, "activity", "publish", activity_id)
    assert status == 0 and json.loads(out) == {}
    assert err.splitlines()[-1] == (
        "accepted; Alipay confirms it with the message alipay.marketing.activity.message.created"
    )
    assert cli(capsys, "activity", "append", activity_id, "--quantity", "8")[0] == 0
    status, out, _ = cli(capsys, "activity", "query", activity_id)
    shown = json.loads(out)
    assert status == 0 and shown["activity_status"] == "ACTIVE"
    assert shown["voucher_send_rule"]["voucher_quantity"] == 8
    change = tmp_path / "modify.json"
    change.write_text(
        json.dumps({"activity_id": activity_id, "activity_base_info": {"activity_name": "春"}})
    )
    assert cli(capsys, "activity", "modify", "--file", str(change))[0] == 0
    assert cli(capsys, "activity", "stop", activity_id)[0] == 0
    assert json.loads(cli(capsys, "activity", "query", activity_id)[1])["activity_status"] == (
        "FINISHED"
    )


def test_activity_input_problems_are_one_clear_line(
    running: SandboxThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.json"
    status, _, err = cli(capsys, "activity", "create", "--file", str(missing))
    assert status == 1 and err.strip() == f"activity create: cannot read {missing}: " + (
        "No such file or directory"
    )
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    status, _, err = cli(capsys, "activity", "create", "--file", str(broken))
    assert status == 1 and "is not valid JSON" in err
    listed = tmp_path / "list.json"
    listed.write_text("[]")
    status, _, err = cli(capsys, "activity", "modify", "--file", str(listed))
    assert status == 1 and "must hold one JSON object" in err
    status, _, err = cli(capsys, "activity", "stop", "2026000000000000000000000404")
    assert status == 1 and err.splitlines()[-1].startswith("activity stop failed: HTTP 400")


def test_send_batch_checks_the_activity_first(
    running: SandboxThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listing = tmp_path / "ids.txt"
    listing.write_text("\n".join(users(6)) + "\n")
    small = start_activity(running, quantity=4)
    status, _, err = cli(capsys, "send-batch", "--activity-id", small, "--recipients", str(listing))
    assert status == 1
    assert err.strip().splitlines() == [
        f"send-batch refused: activity {small} has 4 vouchers left and this campaign needs "
        f"up to 6: raise its total first (alipay-voucher activity append {small} "
        "--quantity 6)."
    ]
    body = activity_body("cli-unpublished", quantity=50, per_user=1)
    status, out, _ = cli(capsys, "activity", "create", "--file", _write(tmp_path, body))
    waiting = out.strip()
    status, _, err = cli(
        capsys, "send-batch", "--activity-id", waiting, "--recipients", str(listing)
    )
    assert status == 1 and "WAIT_ACTIVE, not ACTIVE (publish it first" in err
    status, _, err = cli(
        capsys, "send-batch", "--activity-id", "2026000000000000000000000404",
        "--recipients", str(listing),
    )  # fmt: skip
    assert status == 1 and len(err.strip().splitlines()) == 1 and "cannot be read" in err
    assert running.call(lambda: len(running.sandbox.activity(small).vouchers)) == 0


def _write(directory: Path, body: dict[str, object]) -> str:
    path = directory / f"{body['out_biz_no']}.json"
    path.write_text(json.dumps(body, ensure_ascii=False))
    return str(path)


def test_send_batch_reports_every_recipient(
    running: SandboxThread, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listing = tmp_path / "ids.csv"
    rows = [*users(5), users(1)[0], users(2)[1], "20881", "074a1CcTG1LelxKe4xQC"]
    listing.write_text("user_id\n" + "\n".join(rows) + "\n")
    activity_id = start_activity(running, quantity=50)
    report = tmp_path / "out.csv"
    status, _, err = cli(
        capsys, "send-batch", "--activity-id", activity_id, "--recipients", str(listing),
        "--report", str(report), "--journal", str(tmp_path / "j.db"),
    )  # fmt: skip
    assert status == 1  # the invalid rows
    assert "2 duplicate row(s) in the input were served once" in err
    assert "invalid rows 2" in err
    last = [line for line in err.splitlines() if line.startswith("done ")][-1]
    assert last.startswith("done 9/9") and "ETA" not in last
    assert stat.S_IMODE(report.stat().st_mode) == 0o600
    with report.open(newline="") as fh:
        lines = list(csv.DictReader(fh))
    assert list(lines[0]) == [
        "recipient", "status", "voucher_id", "out_biz_no", "error_code", "error",
    ]  # fmt: skip
    by_status: dict[str, list[str]] = {}
    for line in lines:
        by_status.setdefault(line["status"], []).append(line["recipient"])
    # an open_id column value in a user_id column is refused by Alipay's own rule
    assert sorted(by_status) == ["invalid", "sent"]
    assert len(by_status["sent"]) == 5 and len(by_status["invalid"]) == 2
    held = holdings(running, activity_id)
    assert {line["voucher_id"] for line in lines if line["status"] == "sent"} == {
        v[0] for v in held.values()
    }


def test_rate_must_be_positive(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    for bad in ("0", "-1", "nan", "fast"):
        with pytest.raises(SystemExit) as info:
            main(["send-batch", "--activity-id", "A", "--recipients", "x", "--rate", bad])
        assert info.value.code == 2
        assert "leave --rate out for no limit" in capsys.readouterr().err


def test_ctrl_c_prints_the_summary_and_how_to_resume(tmp_path: Path) -> None:
    listing = tmp_path / "ids.txt"
    recipients = users(150)
    listing.write_text("\n".join(recipients) + "\n")
    journal = tmp_path / "j.db"
    with SandboxThread() as sandbox_thread:
        activity_id = start_activity(sandbox_thread, quantity=500)
        env = batch_env(sandbox_thread, tmp_path / "creds")
        command = [
            sys.executable, "-m", "alipay_voucher", "send-batch", "--activity-id", activity_id,
            "--recipients", str(listing), "--journal", str(journal), "--rate", "30",
        ]  # fmt: skip
        # Every answer held back a moment: requests are in flight when Ctrl-C comes, and
        # their outcomes, journaled but never read by the command, must be counted too.
        faults = sandbox_thread.sandbox.faults
        faults.delay = 0.3
        faults.rate({Fault.DELAY: 1.0}, operation="send")
        first = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        wait_for(
            lambda: len(holdings(sandbox_thread, activity_id)) >= 20,
            "20 vouchers issued",
            children=[first],
        )
        first.send_signal(signal.SIGINT)
        _, err = first.communicate(timeout=60)
        assert first.returncode == 130, err
        assert "interrupted: no new request was started" in err
        assert "run the same command again with the same --journal" in err
        served = len(holdings(sandbox_thread, activity_id))
        assert f"sent {served}, already sent earlier 0" in err  # in-flight ones landed
        faults.clear()
        rerun = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
        assert rerun.returncode == 0, rerun.stderr
        assert f"already sent earlier {served}," in rerun.stderr
        held = holdings(sandbox_thread, activity_id)
    assert {u: len(v) for u, v in held.items()} == {u: 1 for u in recipients}
    assert os.path.exists(journal)
