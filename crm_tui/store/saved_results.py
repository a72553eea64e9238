"""Saved results: what a session computed from the documents, kept beside the snapshots
so that the next session starts from it (`Database.saved_result`, `save_result`,
`save_at_compaction`, `journal_changes`).

A result belongs to whoever computes it (the services: segment standings as of a day);
the store knows only its name, a key saying what it was computed for (the caller's: a
day, a digest of the settings and rules), and its bytes. The file, `derived.<name>.result`
in the tables folder, starts with a header line as a derivation's state does (its CRC,
the name, the key, the journal start it holds for, the body's size and CRC, see
`encode_saved`). It holds for a journal start (epoch, commit count): the result as of
that start or of any later commit of the same journal, so a reader re-computes exactly
the documents the journal changed since its start (`journal_changes`) and has the result
as of now. Anything that does not match (another key or journal, a bad checksum, no
file) is None for the reader: computed again, never damage of the database.

Written aside and renamed (`write_replacing`): by the session that had to compute it
(for the journal start read with what it computed), and at every compaction, by the
producers registered in the compacting process (`save_at_compaction`), for the new
journal's start. A producer runs under the store's lock, before the snapshots are
written: it must answer from what its session keeps (never a scan), or None.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from .derived_files import DERIVED_FORMAT, Unusable, write_replacing
from .journal import read_header

if TYPE_CHECKING:
    from .engine import Engine

SAVED_VERSION = 1
RESULT_SUFFIX = ".result"
Start = tuple[int, int]  # a journal's epoch, and the commits made before it began
# What a producer answers at compaction: (key, body), or None (nothing current to save).
Producer = Callable[[], "tuple[str, bytes] | None"]


def result_path(tables_dir: Path, name: str) -> Path:
    return tables_dir / f"derived.{name}{RESULT_SUFFIX}"


def encode_saved(kind: str, name: str, definition: str, start: Start, body: bytes) -> bytes:
    """A saved file: a header line (its own CRC, then what it is, the journal start it
    holds for, and its body's size and CRC), then the body as given."""
    epoch, generation = start
    record = orjson.dumps({
        "format": DERIVED_FORMAT, "version": SAVED_VERSION, "kind": kind, "name": name,
        "epoch": epoch, "generation": generation, "definition": definition,
        "body_size": len(body), "body_crc": f"{zlib.crc32(body):08x}"})
    return b"%08x %b\n%b" % (zlib.crc32(record), record, body)


def decode_saved(kind: str, name: str, definition: str, start: Start, data: bytes) -> bytes:
    """The body of a saved file; Unusable when it is damaged, of another journal start or
    of another definition."""
    epoch, generation = start
    end = data.find(b"\n")
    if end < 9 or data[8:9] != b" " or b"%08x" % zlib.crc32(data[9:end]) != data[:8]:
        raise Unusable("damaged (header)")
    try:
        head = orjson.loads(data[9:end])
        expected = {"format": DERIVED_FORMAT, "version": SAVED_VERSION, "kind": kind,
                    "name": name, "epoch": epoch, "generation": generation,
                    "definition": definition}
        if any(head.get(key) != value for key, value in expected.items()):
            raise Unusable("stale (of another journal or definition)")
        body = data[end + 1:]
        if len(body) != head["body_size"] or f"{zlib.crc32(body):08x}" != head["body_crc"]:
            raise Unusable("damaged (body)")
        return body
    except (orjson.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError):
        raise Unusable("damaged (not a saved file)") from None


def read_saved(path: Path, kind: str, name: str, definition: str, start: Start) -> bytes:
    """The body of the file at `path` (Unusable: missing, stale or damaged)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise Unusable("missing") from None
    return decode_saved(kind, name, definition, start, data)


class SavedResults:
    """The results saved in one engine's folder, and the producers that save them at each
    compaction."""

    KIND = "result"

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._producers: dict[str, Producer] = {}
        self._due: dict[str, tuple[str, bytes]] = {}  # produced before a compaction's writes

    def start(self) -> Start:
        """The current journal's start (the engine's lock held)."""
        engine = self._engine
        return engine._epoch, read_header(engine._fd, engine.journal_path).generation

    def read(self, name: str, key: str) -> bytes | None:
        """The body saved under `name` for `key` and the current journal start, or None
        (missing, stale or damaged: the caller computes it). The engine's lock held."""
        try:
            return read_saved(result_path(self._engine.tables_dir, name), self.KIND, name,
                              key, self.start())
        except (Unusable, OSError):
            return None

    def problem(self, name: str, key: str) -> Unusable | None:
        """Why the result saved under `name` is not usable for `key` now (None: it is)."""
        try:
            read_saved(result_path(self._engine.tables_dir, name), self.KIND, name, key,
                       self.start())
        except Unusable as exc:
            return exc
        return None

    def write(self, name: str, key: str, body: bytes, start: Start) -> None:
        """Save `body` as `name`'s result for `key`, holding for the journal that began at
        `start`; nothing on a database this session only reads, or a damaged one, and a
        full disk is not an error (computed again next time)."""
        engine = self._engine
        if engine.read_only is not None or engine.damage:
            return
        with suppress(OSError):
            write_replacing(result_path(engine.tables_dir, name),
                            [encode_saved(self.KIND, name, key, start, body)], engine.mode)

    def register(self, name: str, producer: Producer) -> None:
        self._producers[name] = producer

    def prepare(self) -> None:
        """Before a compaction writes the snapshots (the lock held, the journal read to its
        end): what each producer has current now, which is the next journal's start. A
        producer that fails saves nothing: the next session computes it."""
        self._due = {}
        for name, producer in self._producers.items():
            try:
                produced = producer()
            except Exception:  # never a reason for a compaction to fail
                continue
            if produced is not None:
                self._due[name] = produced

    def save(self, start: Start) -> None:
        """A compaction's, before it writes the journal that begins at `start`."""
        due, self._due = self._due, {}
        for name, (key, body) in due.items():
            self.write(name, key, body, start)


def changed_ids(engine: Engine, table: str) -> set[int] | None:
    """Ids of `table`'s documents the current journal changed (written or deleted) since
    it began; None when it truncated the table (the engine's lock held)."""
    tail: Any = engine.reads.tail.get(table)
    return None if tail.truncated else set(tail.where)
