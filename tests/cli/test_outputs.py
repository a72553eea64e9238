"""`-o PATH` never destroys what is at PATH by mistake: a device or a FIFO is written into,
not replaced; a symbolic link, a folder, a disk device and anything inside a database are
refused; the temporary file is created exclusively under a name nobody can plant a link
at; and what is written (customers' personal data) is readable by its owner only."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from crm_tui.cli.outputs import stream_fd
from crm_tui.store.check import check_database

from .conftest import crm_cmd

HEADER = "id,external_id,name"


def export(db: Path, target: Path | str, *more: str) -> tuple[int, str]:
    result = crm_cmd(db, "export", "customers", "-o", str(target), *more)
    assert "Traceback" not in result.stderr
    return result.returncode, result.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device node needs root")
def test_a_character_device_is_written_into_not_replaced(small_db: Path,
                                                         tmp_path: Path) -> None:
    null = tmp_path / "null"
    os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # what /dev/null is
    code, err = export(small_db, null)
    assert code == 0, err
    assert stat.S_ISCHR(os.lstat(null).st_mode)  # still the device, not a file
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []


def test_standard_output_by_its_names(small_db: Path) -> None:
    # /proc/self/fd/1 rather than /dev/stdout: a program that renames over what -o names
    # would replace this machine's /dev/stdout (or /dev/null) for everyone.
    result = crm_cmd(small_db, "export", "customers", "-o", "/proc/self/fd/1")
    assert result.returncode == 0 and result.stdout.startswith(HEADER)
    assert [stream_fd(name) for name in ("/dev/stdout", "/dev/stderr", "/dev/fd/7",
                                          "/proc/self/fd/1", "/dev/stdout2")] == [1, 2, 7, 1, None]


def test_a_fifo_is_written_into(small_db: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    code, err = export(small_db, fifo)
    reader.join(timeout=60)
    assert code == 0, err
    assert received and received[0].decode().startswith(HEADER)
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_symbolic_link_is_refused_and_left_as_it_is(small_db: Path, tmp_path: Path) -> None:
    victim = tmp_path / "notes.txt"
    victim.write_text("keep me")
    link = tmp_path / "out.csv"
    link.symlink_to(victim)
    code, err = export(small_db, link)
    assert code == 2
    assert f"{link} is a symbolic link (to {victim})" in err
    assert link.is_symlink() and victim.read_text() == "keep me"


def test_a_link_planted_at_a_guessable_temporary_name_is_not_followed(
        small_db: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (tmp_path / ".out.csv.partial").symlink_to(victim)  # the name an export once used
    code, err = export(small_db, tmp_path / "out.csv")
    assert code == 0, err
    assert victim.read_text() == "keep me"
    assert (tmp_path / "out.csv").read_text().startswith(HEADER)


@pytest.mark.parametrize("inside", ["journal.log", "tables/customers.json", "new.csv"])
def test_nothing_is_written_inside_a_database(small_db: Path, inside: str) -> None:
    before = {p: p.read_bytes() for p in small_db.rglob("*") if p.is_file()}
    code, err = export(small_db, small_db / inside)
    assert code == 2 and f"is inside the database {small_db}" in err
    assert {p: p.read_bytes() for p in small_db.rglob("*") if p.is_file()} == before
    check_database(small_db)
    every = crm_cmd(small_db, "export", "all", "--format", "csv", "-o", str(small_db / "all"))
    assert every.returncode == 2 and not (small_db / "all").exists()
    gdpr = crm_cmd(small_db, "gdpr", "export", "1", "-o", str(small_db / inside))
    assert gdpr.returncode == 2


def test_personal_data_files_are_private_whatever_the_umask(small_db: Path,
                                                            tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "old.csv").write_text("x")
    os.chmod(out / "old.csv", 0o644)
    for args in (("export", "customers", "-o", str(out / "old.csv")),
                 ("export", "customers", "-o", str(out / "new.csv")),
                 ("gdpr", "export", "1", "-o", str(out / "john.json")),
                 ("export", "all", "--format", "csv", "-o", str(out / "all"))):
        assert crm_cmd(small_db, *args).returncode == 0
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) > 5
    assert {stat.S_IMODE(p.stat().st_mode) for p in files} == {0o600}
    assert stat.S_IMODE((out / "all").stat().st_mode) == 0o700
    assert [p.name for p in out.iterdir() if "partial" in p.name] == []
