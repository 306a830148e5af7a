"""Files that hold secrets or user ids are their owner's alone, from their first byte.

The sandbox's credentials directory (keys, certificates, ``settings.json`` with the AES
key), journals, their JSON-lines exports and ``send-batch`` reports: mode 0600 files in
a 0700 directory, whatever the umask, also when the file or directory existed before.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from alipay_voucher._private_files import (
    open_private_text,
    private_directory,
    write_private_file,
)
from alipay_voucher.journal import Journal, JournalRecord
from alipay_voucher.testing import SandboxThread
from alipay_voucher.testing._standalone import write_credentials

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The most permissive umask: whatever ends up private was made so on purpose."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.fixture(scope="module")
def sandbox_thread() -> Iterator[SandboxThread]:
    with SandboxThread() as running:
        yield running


@pytest.mark.usefixtures("open_umask")
def test_the_sandbox_credentials_are_private(sandbox_thread: SandboxThread, tmp_path: Path) -> None:
    directory = tmp_path / "creds"
    settings = write_credentials(sandbox_thread.sandbox, directory)
    assert settings == directory / "settings.json"
    assert mode(directory) == 0o700
    names = {p.name: mode(p) for p in directory.iterdir()}
    assert names == {
        name: 0o600
        for name in (
            "app_private_key.pem",
            "app_public_key.pem",
            "alipay_public_key.pem",
            "app_cert.crt",
            "alipay_cert.crt",
            "alipay_root_cert.crt",
            "sandbox_alipay_private_key.pem",  # the sandbox's own key, kept for a restart
            "settings.json",
        )
    }


@pytest.mark.usefixtures("open_umask")
def test_existing_files_are_replaced_by_private_ones_in_a_directory_left_as_it_was(
    sandbox_thread: SandboxThread, tmp_path: Path
) -> None:
    directory = tmp_path / "creds"
    directory.mkdir(mode=0o755)
    stale = directory / "settings.json"
    stale.write_text("{}")
    stale.chmod(0o644)
    with stale.open() as held:  # a handle someone opened on the old file
        write_credentials(sandbox_thread.sandbox, directory)
        assert held.read() == "{}"  # ... never sees the new content (the AES key)
    assert mode(directory) == 0o755  # the owner's choice (it may be "."): not changed
    assert mode(stale) == 0o600 and "encrypt_key" in stale.read_text()


def test_every_file_is_private_from_its_first_byte(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, open_umask: None
) -> None:
    """The content is written to a file that is already 0600, then renamed into place:
    there is no moment at which another user could open it."""
    seen: list[tuple[str, int, bytes]] = []
    replace = os.replace

    def spying_replace(source: str, target: str | Path) -> None:
        seen.append((Path(target).name, mode(Path(source)), Path(source).read_bytes()))
        replace(source, target)

    monkeypatch.setattr(os, "replace", spying_replace)
    write_private_file(tmp_path / "key.pem", "secret text")
    assert seen == [("key.pem", 0o600, b"secret text")]
    assert [p.name for p in tmp_path.iterdir()] == ["key.pem"]


def test_a_failed_write_leaves_no_temporary_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def failing_replace(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError, match="No space"):
        write_private_file(tmp_path / "key.pem", b"secret")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.usefixtures("open_umask")
def test_a_private_directory_is_made_with_its_parents(tmp_path: Path) -> None:
    target = private_directory(tmp_path / "a" / "b")
    assert target.is_dir() and mode(target) == 0o700


@pytest.mark.usefixtures("open_umask")
def test_streamed_files_are_private_even_when_they_existed(tmp_path: Path) -> None:
    report = tmp_path / "report.csv"
    report.write_text("old rows\n")
    report.chmod(0o644)
    with open_private_text(report) as fh:
        fh.write("new\n")
    assert mode(report) == 0o600 and report.read_text() == "new\n"


@pytest.mark.usefixtures("open_umask")
def test_a_journal_export_is_private_even_when_the_file_existed(tmp_path: Path) -> None:
    exported = tmp_path / "export.jsonl"
    exported.write_text("")
    exported.chmod(0o644)
    with Journal(tmp_path / "j.db") as book:
        book.add(
            JournalRecord(
                activity="A1",
                campaign="c",
                recipient="user_id:2088000000000001",
                out_biz_no="o1",
                status="sent",
            )
        )
        book.flush()
        assert book.export_jsonl(exported) == 1
    assert mode(exported) == 0o600 and "2088000000000001" in exported.read_text()
