"""A restarted sandbox goes on where it stopped: the same credentials, the same state.

Restarting ``sandbox --credentials-dir DIR`` used to make new keys, so a program
configured from DIR then failed with a misleading "Alipay has probably rotated its
certificate"; and every activity was gone. Now DIR's credentials are reused
(``--fresh-credentials`` makes new ones) and ``--state FILE`` keeps the book and the
outbox in SQLite.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from alipay_voucher.cli import main
from alipay_voucher.client import AsyncVoucherClient
from alipay_voucher.config import AlipayConfig
from alipay_voucher.errors import APIError
from alipay_voucher.models import ActivityBaseInfo
from alipay_voucher.testing import NotifyReceiver, Sandbox, SandboxPKI
from alipay_voucher.testing._standalone import (
    SANDBOX_KEY_FILE,
    CredentialsDirError,
    read_credentials,
    write_credentials,
)
from alipay_voucher.testing._state_file import StateFileError

from .raw_calls import activity_body
from .standalone import subprocess_env

USER = "2088000000000001"


def _same_key(a: Any, b: Any) -> bool:
    return bool(a.private_numbers() == b.private_numbers())


# ---------------------------------------------------------------- the state file


async def _lifecycle(sandbox: Sandbox) -> dict[str, Any]:
    async with AsyncVoucherClient(sandbox.config()) as client:
        created = await client.create(activity_body("r-create", per_user=2))
        activity_id = created.activity_id
        assert isinstance(activity_id, str)
        await client.publish({"activity_id": activity_id, "out_biz_no": "r-pub"})
        send = {"activity_id": activity_id, "user_id": USER}
        first = await client.send({**send, "out_biz_no": "r-send-1"})
        await client.send({**send, "out_biz_no": "r-send-2"})
        await client.modify(
            {
                "activity_id": activity_id,
                "out_biz_no": "r-mod",
                "activity_base_info": {"activity_name": "kept"},
            }
        )
        assert isinstance(first.voucher_id, str)
        sandbox.use_voucher(first.voucher_id)
        answer = await client.query(activity_id)
    assert answer.raw is not None
    return {"activity_id": activity_id, "voucher_id": first.voucher_id, "query": answer.raw.body}


async def test_the_state_file_keeps_the_book_across_a_restart(
    tmp_path: Path, alipay_sandbox_pki: SandboxPKI
) -> None:
    state = tmp_path / "sandbox.db"
    async with Sandbox(pki=alipay_sandbox_pki, state=state) as first:
        before = await _lifecycle(first)
        messages = [(d.notify_id, d.state) for d in first.outbox]
    activity_id = before["activity_id"]
    async with Sandbox(pki=alipay_sandbox_pki, state=state) as again:
        assert [(d.notify_id, d.state) for d in again.outbox] == messages
        assert again.book.vouchers[before["voucher_id"]].status == "USED"
        async with AsyncVoucherClient(again.config()) as client:
            answer = await client.query(activity_id)
            base = answer.activity_base_info
            assert isinstance(base, ActivityBaseInfo) and base.activity_name == "kept"
            assert str(answer.activity_status) == "ACTIVE"
            assert answer.raw is not None
            assert json.loads(answer.raw.body) == json.loads(before["query"])
            # the same out_biz_no is still the same voucher, not a second one
            repeat = await client.send(
                {"activity_id": activity_id, "user_id": USER, "out_biz_no": "r-send-1"}
            )
            assert repeat.voucher_id == before["voucher_id"]
            # the per-user count was rebuilt from the vouchers: a third one is refused
            with pytest.raises(APIError) as info:
                await client.send(
                    {"activity_id": activity_id, "user_id": USER, "out_biz_no": "r-send-3"}
                )
            assert info.value.code == "COUNT_OVER_LIMIT"
            # new ids do not collide with the old ones
            other = await client.create(activity_body("r-create-2"))
        assert other.activity_id != activity_id and len(again.book.activities) == 2
        assert len(again.book.vouchers) == 2


async def test_messages_pending_at_the_stop_are_delivered_after_the_restart(
    tmp_path: Path, alipay_sandbox_pki: SandboxPKI
) -> None:
    state = tmp_path / "sandbox.db"
    async with NotifyReceiver() as receiver:
        receiver.answer_next(1)  # the first attempt fails; the retry waits a minute
        options: dict[str, Any] = {"pki": alipay_sandbox_pki, "state": state}
        async with Sandbox(notify_url=receiver.url, notify_retry_delays=(60,), **options) as first:
            async with AsyncVoucherClient(first.config()) as client:
                created = await client.create(activity_body("p-create"))
                await client.publish({"activity_id": created.activity_id, "out_biz_no": "p-pub"})
            pending = await first.outbox.wait_for("created", delivered=False)
            while not pending.attempts:
                await asyncio.sleep(0.01)
            assert pending.state == "pending"
        async with Sandbox(notify_url=receiver.url, **options) as again:
            delivery = await again.outbox.wait_for("created")
            assert delivery.notify_id == pending.notify_id and len(delivery.attempts) == 2
        assert len(receiver.acknowledged("created")) == 1


def test_a_state_file_of_another_app_or_no_state_file_is_refused(
    tmp_path: Path, alipay_sandbox_pki: SandboxPKI
) -> None:
    state = tmp_path / "sandbox.db"
    Sandbox(pki=alipay_sandbox_pki, state=state)._state_file.close()  # type: ignore[union-attr]
    with pytest.raises(StateFileError, match="holds the state of app 2021000000000001"):
        Sandbox(app_id="2021000000000099", state=state)
    garbage = tmp_path / "notes.txt"
    garbage.write_text("not a database, just text that is long enough\n" * 20)
    with pytest.raises(StateFileError, match="not a sandbox state file"):
        Sandbox(pki=alipay_sandbox_pki, state=garbage)
    with pytest.raises(StateFileError, match="cannot open the state file"):
        Sandbox(pki=alipay_sandbox_pki, state=tmp_path / "missing" / "dir" / "s.db")


def test_the_state_file_is_private(tmp_path: Path, alipay_sandbox_pki: SandboxPKI) -> None:
    state = tmp_path / "sandbox.db"
    Sandbox(pki=alipay_sandbox_pki, state=state)._state_file.close()  # type: ignore[union-attr]
    assert state.stat().st_mode & 0o777 == 0o600
    with sqlite3.connect(state) as db:  # plain SQLite: a developer can look inside
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
    db.close()
    assert {"activities", "vouchers", "done", "deliveries"} <= tables


# ---------------------------------------------------------------- the credentials directory


def test_credentials_written_are_read_back(tmp_path: Path, alipay_sandbox_pki: SandboxPKI) -> None:
    directory = tmp_path / "creds"
    assert read_credentials(directory) is None  # nothing there yet
    sandbox = Sandbox(pki=alipay_sandbox_pki)
    write_credentials(sandbox, directory)
    saved = read_credentials(directory)
    assert saved is not None and saved.encrypt_key == sandbox.encrypt_key
    assert saved.pki.app_id == sandbox.app_id
    assert _same_key(saved.pki.app_key, alipay_sandbox_pki.app_key)
    assert _same_key(saved.pki.alipay_key, alipay_sandbox_pki.alipay_key)
    assert saved.pki.app_cert == alipay_sandbox_pki.app_cert
    assert saved.pki.root_bundle_pem == alipay_sandbox_pki.root_bundle_pem
    assert (directory / SANDBOX_KEY_FILE).stat().st_mode & 0o777 == 0o600


def test_unusable_credentials_name_the_way_out(
    tmp_path: Path, alipay_sandbox_pki: SandboxPKI
) -> None:
    directory = tmp_path / "creds"
    write_credentials(Sandbox(pki=alipay_sandbox_pki), directory)
    (directory / SANDBOX_KEY_FILE).unlink()  # e.g. written by an older version
    with pytest.raises(CredentialsDirError, match="--fresh-credentials"):
        read_credentials(directory)
    (directory / "settings.json").write_text("{not json")
    with pytest.raises(CredentialsDirError, match="cannot be reused"):
        read_credentials(directory)


def test_the_command_refuses_unusable_credentials_in_one_line(
    tmp_path: Path, alipay_sandbox_pki: SandboxPKI, capsys: pytest.CaptureFixture[str]
) -> None:
    directory = tmp_path / "creds"
    write_credentials(Sandbox(pki=alipay_sandbox_pki), directory)
    assert (
        main(["sandbox", "--credentials-dir", str(directory), "--app-id", "2021000000000099"]) == 2
    )
    err = capsys.readouterr().err.strip()
    assert "holds the credentials of app 2021000000000001" in err and "--fresh-credentials" in err
    assert len(err.splitlines()) == 1
    assert main(["sandbox", "--fresh-credentials"]) == 2
    assert "--fresh-credentials needs --credentials-dir" in capsys.readouterr().err


class _Run:
    """One ``alipay-voucher sandbox`` process: its first lines, then its exit."""

    def __init__(self, *flags: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "alipay_voucher", "sandbox", "--port", "0", *flags],
            env=subprocess_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip

    def started(self) -> str:
        assert self.process.stdout is not None
        lines: list[str] = []
        while not lines or not lines[-1].startswith("listening on"):
            lines.append(self.process.stdout.readline())
            if not lines[-1]:
                raise AssertionError(f"the sandbox did not start: {self.process.stderr}")
        return "".join(lines)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        self.process.communicate(timeout=20)


@pytest.fixture
def runs() -> Iterator[list[_Run]]:
    started: list[_Run] = []
    yield started
    for run in started:
        if run.process.poll() is None:
            run.process.kill()
        run.process.communicate(timeout=10)


def _config(directory: Path) -> AlipayConfig:
    settings = json.loads((directory / "settings.json").read_text())
    return AlipayConfig.key_mode(
        app_id=settings["app_id"],
        private_key=directory / "app_private_key.pem",
        alipay_public_key=directory / "alipay_public_key.pem",
        base_url=settings["base_url"],
        encrypt_key=settings["encrypt_key"],
        encrypt=True,
    )


async def _call(config: AlipayConfig, operation: str, *args: Any) -> Any:
    async with AsyncVoucherClient(config) as client:
        return await getattr(client, operation)(*args)


async def test_a_restarted_sandbox_process_keeps_its_credentials_and_state(
    tmp_path: Path, runs: list[_Run]
) -> None:
    directory, state = tmp_path / "creds", tmp_path / "sandbox.db"
    flags = ("--credentials-dir", str(directory), "--state", str(state))
    runs.append(_Run(*flags))
    out = await asyncio.to_thread(runs[-1].started)
    assert "credentials written to" in out and "(0 activities, 0 vouchers)" in out
    config = _config(directory)  # what a running program was configured with
    created = await _call(config, "create", activity_body("x-create"))
    key_before = (directory / "app_private_key.pem").read_bytes()
    await asyncio.to_thread(runs[-1].stop)

    runs.append(_Run(*flags))
    out = await asyncio.to_thread(runs[-1].started)
    assert "credentials reused from" in out and "(1 activity, 0 vouchers)" in out
    assert (directory / "app_private_key.pem").read_bytes() == key_before
    # the same keys and AES key still work; only the port (base_url) is new
    moved = config.with_options(base_url=_config(directory).base_url)
    answer = await _call(moved, "query", created.activity_id)
    assert str(answer.activity_status) == "WAIT_ACTIVE"
    await asyncio.to_thread(runs[-1].stop)

    runs.append(_Run("--credentials-dir", str(directory), "--fresh-credentials"))
    out = await asyncio.to_thread(runs[-1].started)
    assert "credentials written to" in out
    assert (directory / "app_private_key.pem").read_bytes() != key_before
    await asyncio.to_thread(runs[-1].stop)
