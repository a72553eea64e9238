"""Helpers for the damage tests: run `crm check` as users do, prove nothing was written
(contents and modification times of every file), and turn a database into one written by
an older crm-tui (no manifest, no end mark, snapshots without checksums)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import orjson

from crm_tui.store.journal import encode_line

ROOT = Path(__file__).resolve().parents[2]


def fingerprint(path: Path) -> dict[str, tuple[str, int]]:
    """Every file under `path` (or `path` itself): its SHA-256 and modification time."""
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    return {str(p): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in files}


def crm(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "crm_tui", "--db", str(db), *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


def crm_check(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return crm(db, "check", *args)


def lines_of(path: Path) -> list[bytes]:
    data = path.read_bytes()
    assert data.endswith(b"\n")
    return data[:-1].split(b"\n")


def docs_of_v3(path: Path) -> tuple[dict[str, object], list[tuple[bytes, bytes]]]:
    """A version 3 snapshot's header record and its (id, json) lines."""
    first, *rest = lines_of(path)
    header = orjson.loads(first[9:])
    docs = [(key, body) for key, _, body in (line.split(b" ", 2) for line in rest
                                               if not line.startswith(b"#"))]
    return header, docs


def rewrite_snapshot_as(path: Path, version: int) -> None:
    """Turn a version 3 snapshot into the version 1 or 2 layout older crm-tui wrote."""
    header, docs = docs_of_v3(path)
    header["version"] = version
    if version == 2:
        body = b"".join(b"%b %b\n" % (key, doc) for key, doc in docs)
    else:
        body = orjson.dumps({key.decode(): orjson.loads(doc) for key, doc in docs}) + b"\n"
    path.write_bytes(orjson.dumps(header) + b"\n" + body)


def make_legacy(db: Path, snapshot_version: int = 2) -> None:
    """What an older crm-tui left: a version 1 journal header (no manifest), no end mark,
    snapshots without checksums. The commits in the journal are kept as they are."""
    for snapshot in (db / "tables").glob("*.json"):
        rewrite_snapshot_as(snapshot, snapshot_version)
    journal = db / "journal.log"
    first, _, rest = journal.read_bytes().partition(b"\n")
    header = orjson.loads(first[9:])
    old = {k: header[k] for k in ("format", "epoch", "prev_size", "g")} | {"version": 1}
    journal.write_bytes(encode_line(old) + rest)
    os.unlink(db / "journal.end")


def cut_last_commit(db: Path) -> None:
    """Cut the journal at a line boundary: its end mark says one more commit was saved."""
    journal = db / "journal.log"
    lines = journal.read_bytes().split(b"\n")
    journal.write_bytes(b"\n".join(lines[:-2]) + b"\n")
