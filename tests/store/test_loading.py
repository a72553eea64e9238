"""Loading a big table from a worker thread: the snapshot parses without the engine's lock
(other threads keep reading), one parse serves every thread that needs the table, it is
installed once, and a parse made stale by a compaction is done again."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from crm_tui.store import CorruptFileError, Database
from crm_tui.store import engine as engine_module
from crm_tui.store.engine import ParseJob

POKE = Path(__file__).parent / "procs" / "poke.py"
ROOT = Path(__file__).resolve().parents[2]
WAIT = 30  # seconds: only a guard against hanging, never a measure of anything


class Gate:
    """Stands in for `read_snapshot`: its first call stops (before or after reading the
    file) until released; every call is counted."""

    def __init__(self, *, after_reading: bool = False) -> None:
        self.real = engine_module.read_snapshot
        self.after_reading = after_reading
        self.calls = 0
        self.parsing = threading.Event()
        self.release = threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        if self.calls > 1:
            return self.real(*args, **kwargs)
        result = self.real(*args, **kwargs) if self.after_reading else None
        self.parsing.set()
        assert self.release.wait(WAIT)
        return result if self.after_reading else self.real(*args, **kwargs)


class Rebuilds:
    """An observer counting how often the table is installed."""

    name = "rebuilds"

    def __init__(self) -> None:
        self.count = 0

    def add(self, doc_id: int, doc: Mapping[str, Any]) -> None: ...
    def discard(self, doc_id: int, doc: Mapping[str, Any]) -> None: ...
    def replace(self, doc_id: int, old: Mapping[str, Any], new: Mapping[str, Any]) -> None: ...

    def rebuild(self, docs: Mapping[int, Mapping[str, Any]]) -> None:
        self.count += 1

    def clear(self) -> None: ...


def run(target: Callable[[], object]) -> tuple[threading.Thread, list[object]]:
    """Start `target` in a thread; the list gets its result or the exception it raised."""
    out: list[object] = []

    def body() -> None:
        try:
            out.append(target())
        except BaseException as exc:
            out.append(exc)

    thread = threading.Thread(target=body, daemon=True)
    thread.start()
    return thread, out


def finish(thread: threading.Thread, out: list[object]) -> object:
    thread.join(WAIT)
    assert not thread.is_alive() and len(out) == 1
    if isinstance(out[0], BaseException):
        raise out[0]
    return out[0]


@pytest.fixture
def db(db_path: Path) -> Database:
    """A database with a small loaded table and a bigger one in a snapshot plus journal."""
    setup = Database(db_path)
    setup.table("small").insert({"name": "Ann"})
    setup.table("big").insert_multiple({"n": n, "status": "open"} for n in range(500))
    setup.compact()
    setup.table("big").insert({"n": 500, "status": "open"})
    setup.close()
    fresh = Database(db_path)
    assert len(fresh.table("small")) == 1
    return fresh


def count_big(db: Database) -> int:
    with db.engine.reading():
        return len(db.engine.docs("big"))


def test_try_reading_is_not_blocked_while_a_table_parses(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate()
    monkeypatch.setattr(engine_module, "read_snapshot", gate)
    loader = run(lambda: db.engine.preload("big"))
    assert gate.parsing.wait(WAIT)

    with db.engine.try_reading() as free:
        assert free
        assert db.table("small").get(doc_id=1) == {"name": "Ann"}
    assert db.engine.state("big").docs is None

    gate.release.set()
    finish(*loader)
    assert db.engine.state("big").docs is not None and count_big(db) == 501


@pytest.mark.parametrize("second", ["preload", "read"])
def test_a_second_load_waits_for_the_parse_in_progress(
    db: Database, monkeypatch: pytest.MonkeyPatch, second: str
) -> None:
    """Whether the second thread preloads too or reads holding the lock, it waits for the
    first parse (no second parse, no deadlock) and the table is installed once."""
    gate = Gate()
    monkeypatch.setattr(engine_module, "read_snapshot", gate)
    rebuilds = Rebuilds()
    db.observe("big", rebuilds)
    waiting = threading.Event()
    real_wait = ParseJob.wait

    def wait(job: ParseJob) -> None:
        waiting.set()
        real_wait(job)

    monkeypatch.setattr(ParseJob, "wait", wait)
    first = run(lambda: db.engine.preload("big"))
    assert gate.parsing.wait(WAIT)
    other = run(lambda: db.engine.preload("big") if second == "preload" else count_big(db))
    assert waiting.wait(WAIT)  # the second thread is waiting for the first one's parse

    gate.release.set()
    finish(*first)
    result = finish(*other)
    assert gate.calls == 1 and rebuilds.count == 1
    assert count_big(db) == 501 and result in (None, 501)


def test_a_parse_made_stale_by_a_compaction_is_done_again(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = Gate(after_reading=True)  # holds the old snapshot while another process works
    monkeypatch.setattr(engine_module, "read_snapshot", gate)
    loader = run(lambda: db.engine.preload("big"))
    assert gate.parsing.wait(WAIT)

    # Another process adds a document and folds it into a new snapshot; this process
    # follows the new journal, which no longer holds that commit.
    for action in (["insert", "big", "late", "501"], ["compact"]):
        subprocess.run([sys.executable, str(POKE), str(db.path), *action],
                       check=True, cwd=ROOT, timeout=60)
    db.refresh()

    gate.release.set()
    finish(*loader)
    assert gate.calls == 2  # the old file was read, judged stale, and read again
    assert db.table("big").get(doc_id=502) == {"name": "late", "n": 501}
    assert count_big(db) == 502


def test_a_failed_parse_raises_and_is_not_kept(db: Database) -> None:
    snapshot = db.engine.snapshot_path("big")
    snapshot.write_bytes(snapshot.read_bytes()[:-3])
    with pytest.raises(CorruptFileError):
        db.engine.preload("big")
    with pytest.raises(CorruptFileError):
        count_big(db)  # parsed again, not an old answer kept
