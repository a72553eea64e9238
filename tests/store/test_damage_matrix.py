"""The damage matrix: for every file of a small database, a changed byte at several offsets,
the file missing, and truncation anywhere (at every line boundary too) are each detected by
`crm check`, which exits non-zero naming the file and writes nothing; and nothing is
written until the database is repaired.

What "nothing is written" covers: for damage that keeps a snapshot's size (a changed byte
inside it), a write to that snapshot's table and any compaction are refused; a write to
another table is not, as a process cannot know of damage in a file it never reads (see
the README). For every other damage (the journal, its end mark, crm.json, a snapshot
missing or of the wrong size), every write is refused.

The lock file is left out: it holds no data (its bytes are never read).
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from crm_tui.cli.main import main
from crm_tui.store import Database, StoreError

from .damage import crm_check, fingerprint

SEED = 20261207
FILES = ["crm.json", "journal.log", "journal.end", "tables/customers.json",
         "tables/events.json"]
Damage = Callable[[bytes], bytes | None]  # None: the file is removed


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("matrix") / "crm.db"
    db = Database(path)
    db.table("customers").insert_multiple({"name": f"C{n}", "city": "Oslo"} for n in range(12))
    db.table("events").insert_multiple({"kind": "visit", "n": n} for n in range(30))
    db.compact()
    db.table("customers").insert({"name": "late"})
    db.table("customers").update({"city": "Bergen"}, doc_ids=[3])
    db.table("events").insert({"kind": "call", "n": 30})
    db.close()
    (path / "lock").unlink()
    return path


def _changed_byte(at: int, xor: int) -> Damage:
    def damage(data: bytes) -> bytes:
        out = bytearray(data)
        out[at] ^= xor
        return bytes(out)
    return damage


def _cut(at: int) -> Damage:
    return lambda data: data[:at]


def damages(data: bytes, rng: random.Random) -> dict[str, Damage]:
    """Every kind of damage for one file's bytes, named for the test's report."""
    size = len(data)
    offsets = sorted({0, size - 1, *(rng.randrange(size) for _ in range(6))})
    out: dict[str, Damage] = {f"byte {at} changed": _changed_byte(at, rng.randrange(1, 256))
                              for at in offsets}
    out["missing"] = lambda data: None
    boundaries = [i + 1 for i, byte in enumerate(data[:-1]) if byte == ord("\n")]
    cuts = {0, *boundaries, *(rng.randrange(size) for _ in range(3))}
    out.update({f"cut at {at}": _cut(at) for at in sorted(cuts)})
    return out


def cases(template_files: dict[str, bytes]) -> list[tuple[str, str, Damage]]:
    rng = random.Random(SEED)
    return [(name, label, damage) for name in FILES
            for label, damage in damages(template_files[name], rng).items()]


def check_in_process(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--db", str(path), "check"])
    return result.exit_code, result.stderr


def writes_refused(path: Path, name: str, label: str) -> None:
    in_snapshot = name.startswith("tables/") and "changed" in label
    tables = [Path(name).stem] if in_snapshot else ["customers", "events"]
    for table in tables:
        with pytest.raises(StoreError):
            db = Database(path, create=False)
            try:
                db.table(table).insert({"n": 99})
            finally:
                db.close()
    with pytest.raises(StoreError):
        db = Database(path, create=False)
        try:
            db.compact()
        finally:
            db.close()


def test_every_damage_is_detected_named_and_nothing_is_written(template: Path,
                                                              tmp_path: Path) -> None:
    originals = {name: (template / name).read_bytes() for name in FILES}
    matrix = cases(originals)
    assert len(matrix) > 80
    for number, (name, label, damage) in enumerate(matrix):
        path = tmp_path / f"case{number}" / "crm.db"
        shutil.copytree(template, path)
        victim = path / name
        damaged = damage(originals[name])
        if damaged is None:
            victim.unlink()
        else:
            victim.write_bytes(damaged)
        before = fingerprint(path)

        status, stderr = check_in_process(path)
        assert status != 0, f"{name}, {label}: not detected"
        assert name in stderr, f"{name}, {label}: {stderr}"
        assert fingerprint(path) == before, f"{name}, {label}: check wrote"
        writes_refused(path, name, label)
        after = fingerprint(path)
        after.pop(str(path / "lock"), None)  # a writer creates it to wait its turn: no data
        assert after == before, f"{name}, {label}: a write landed"
        shutil.rmtree(path.parent)


def test_the_command_itself_on_a_sample_of_the_matrix(template: Path, tmp_path: Path) -> None:
    """The same through `crm check` run as users do, one case per file."""
    originals = {name: (template / name).read_bytes() for name in FILES}
    rng = random.Random(SEED + 1)
    for name in FILES:
        path = tmp_path / Path(name).name / "crm.db"
        shutil.copytree(template, path)
        data = originals[name]
        (path / name).write_bytes(_changed_byte(rng.randrange(len(data)), 0x20)(data))
        before = fingerprint(path)
        result = crm_check(path)
        assert result.returncode != 0 and str(path / name) in result.stderr, result.stderr
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert fingerprint(path) == before
