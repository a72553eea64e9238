"""Reading what is still readable from damaged files, for `crm check --repair`.

Unlike loading, which stops at the first damaged byte, these readers keep every line
whose own checksum verifies and describe every one they drop: a document line of a
version 3 snapshot carries a CRC of its id and JSON, a journal line one of its commit.
Lines of older snapshots, which carry none, are kept when they parse.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from .endmark import EndMark
from .errors import CorruptFileError
from .journal import JournalHeader, decode_line, read_header, unterminated
from .manifest import SnapshotEntry
from .snapshot import BLOCK_HEADER, SnapshotHeader, line_verifies, parse_header

Doc = dict[str, Any]


@dataclass
class SalvagedTable:
    docs: dict[int, Doc] = field(default_factory=dict)
    last_id: int = 0
    epoch: int = 0
    dropped: list[str] = field(default_factory=list)
    lines_dropped: int = 0

    def drop(self, what: str) -> None:
        self.dropped.append(what)
        self.lines_dropped += 1


@dataclass
class SalvagedJournal:
    header: JournalHeader | None
    commits: list[dict[str, Any]] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _id_hint(key: bytes) -> str:
    return f" (document #{int(key)}, as far as can be read)" if key.isdigit() else ""


def salvage_snapshot(path: Path, table: str, listed: SnapshotEntry | None) -> SalvagedTable:
    out = SalvagedTable()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if listed is not None:
            out.dropped.append(f"{path}: missing: the {listed.count} documents it held are "
                               "lost, except those changed since (the journal has them)")
        return out
    first, newline, body = data.partition(b"\n")
    header: SnapshotHeader | None
    try:
        header = parse_header(first + newline, path, table)
    except CorruptFileError as exc:
        out.dropped.append(f"{exc}: what it says is lost (the documents are read without it)")
        header = None
    else:
        out.epoch, out.last_id = header.epoch, header.last_id
    version = header.version if header else 3 if body.startswith(b"#") else 2
    start = len(first) + len(newline)
    if version == 1:
        _v1_body(out, body, path, start)
    else:
        _lines(out, body, path, start, version)
    missing = header.count - len(out.docs) - out.lines_dropped if header else 0
    if missing > 0:
        out.dropped.append(f"{path}: {missing} documents are missing (the file was cut short "
                           "at a line boundary); which ones cannot be known")
    out.last_id = max(out.last_id, max(out.docs, default=0))
    return out


def _v1_body(out: SalvagedTable, body: bytes, path: Path, start: int) -> None:
    try:
        raw = orjson.loads(body)
        out.docs = {int(key): doc for key, doc in raw.items() if isinstance(doc, dict)}
    except (orjson.JSONDecodeError, AttributeError, ValueError):
        out.dropped.append(f"{path}: offset {start}: the documents (one JSON object, without "
                           "checksums) cannot be read: all of them are lost")


def _lines(out: SalvagedTable, body: bytes, path: Path, start: int, version: int) -> None:
    offset, lines = start, body.split(b"\n")
    cut = lines.pop()  # after the last newline: empty unless the file was cut in a line
    line_no = 2
    for line in lines:
        where = f"{path}: offset {offset}: line {line_no}"
        offset, line_no = offset + len(line) + 1, line_no + 1
        if version == 3 and line.startswith(b"#"):
            if BLOCK_HEADER.match(line + b"\n") is None:
                out.drop(f"{where}: damaged (neither a document nor a block header): dropped")
            continue  # a block's framing: the lines vouch for themselves
        key, _, rest = line.partition(b" ")
        body_json = rest.partition(b" ")[2] if version == 3 else rest
        if version == 3 and not line_verifies(line):
            out.drop(f"{where}: damaged: dropped{_id_hint(key)}")
            continue
        try:
            doc = orjson.loads(body_json)
            if not isinstance(doc, dict) or not key.isdigit():
                raise ValueError
        except ValueError:
            out.drop(f"{where}: unreadable: dropped{_id_hint(key)}")
            continue
        out.docs[int(key)] = doc
    if cut:
        out.drop(f"{path}: offset {offset}: the file ends inside line {line_no} (cut short): "
                 f"dropped{_id_hint(cut.partition(b' ')[0])}")


def _changed(payload: bytes) -> str:
    """What an unverifiable commit seems to have changed, for the report."""
    try:
        record = orjson.loads(payload)
        changes = record["c"]
        parts = [f"{table} " + ", ".join(f"#{doc_id}" for doc_id in docs)
                 for table, docs in changes.items()]
    except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError):
        return "what it changed cannot be read"
    return "it changed " + "; ".join(parts) + " (as far as can be read)"


def salvage_journal(path: Path, mark: EndMark | None) -> SalvagedJournal:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        out = SalvagedJournal(None)
        upto = f" (up to commit {mark.generation})" if mark else ""
        out.dropped.append(f"{path}: missing: every commit since the last compaction{upto} "
                           "is lost; the snapshots are kept")
        return out
    try:
        data = os.pread(fd, os.fstat(fd).st_size, 0)
        try:
            header = read_header(fd, path)
        except CorruptFileError as exc:
            header = None
            note = f"{exc}: the list of snapshots it held is lost; its commits are read"
    finally:
        os.close(fd)
    out = SalvagedJournal(header)
    if header is None:
        out.dropped.append(note)
    start = header.size if header else data.find(b"\n") + 1
    lines = data[start:].split(b"\n")
    fragment = lines.pop()
    offset = start
    for line in lines:
        try:
            out.commits.append(decode_line(line + b"\n", path, offset))
        except CorruptFileError as exc:
            out.dropped.append(f"{exc}: the commit is lost; {_changed(line[9:])}")
        offset += len(line) + 1
    last = out.commits[-1]["g"] if out.commits else header.generation if header else 0
    if fragment and (kind := unterminated(fragment)) is not None:
        repaired = fragment[:-1] if kind == "damaged" else fragment
        out.commits.append(decode_line(repaired + b"\n", path, offset))
        last = out.commits[-1]["g"]
        out.notes.append(f"{path}: offset {offset}: the last commit's newline was {kind}; "
                         "the commit is kept")
    elif fragment:  # a torn write; if it was a saved commit, the end mark says so below
        out.notes.append(f"{path}: offset {offset}: {len(fragment)} bytes of an unfinished "
                         "line were removed")
    if mark is not None and header is not None and mark.epoch == header.epoch and (
            mark.generation > last):
        which = (f"commit {last + 1} was" if mark.generation == last + 1
                 else f"commits {last + 1} to {mark.generation} were")
        out.dropped.append(f"{path}: {which} cut from the end of the journal: lost (what "
                           "they changed cannot be known)")
    return out
