"""`journal.end`: how far the journal's acknowledged commits reach.

A journal cut at a line boundary is still a valid journal, so nothing inside it can show
that commits are gone. This small file records, after each commit is durable, the
journal's epoch, the commit's number and the byte where its line ends. A journal that
ends before what this records lost acknowledged commits.

One fixed-size line, `<crc32> <json padded with spaces>\\n`, overwritten in place by each
writer after its commit's fdatasync returned (one pwrite, no fsync: the commit itself is
already durable, and the mark only ever says less than the journal holds):

- A process killed between the fdatasync and the pwrite leaves the mark one commit
  behind: cutting that last commit away would not be noticed.
- After a power failure the mark may be behind by the commits made since the system last
  wrote it back (seconds): the same. It is never ahead of the journal on disk, as it is
  written only after the journal's data is.
- The record is well under one disk sector, so a power failure does not tear it.
- Compaction starts a journal of the next epoch and then writes a mark of that epoch: a
  mark of an older epoch than the journal's is from before a compaction (or one killed
  in between) and tells nothing; a mark of a newer epoch means the journal was replaced
  by an older one.
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass
from pathlib import Path

import orjson

from .errors import CorruptFileError

END = "journal.end"
RECORD_SIZE = 128


@dataclass(frozen=True)
class EndMark:
    epoch: int
    generation: int
    end: int  # bytes: where the line of commit `generation` ends

    def encode(self) -> bytes:
        payload = orjson.dumps({"epoch": self.epoch, "g": self.generation, "end": self.end})
        payload = payload.ljust(RECORD_SIZE - 10)
        return b"%08x %b\n" % (zlib.crc32(payload), payload)


def decode(data: bytes, path: Path) -> EndMark:
    if len(data) != RECORD_SIZE or data[8:9] != b" " or not data.endswith(b"\n"):
        raise CorruptFileError(path, min(len(data), RECORD_SIZE),
                               f"damaged: expected one {RECORD_SIZE}-byte record")
    payload = data[9:-1]
    if b"%08x" % zlib.crc32(payload) != data[:8]:
        raise CorruptFileError(path, 0, "checksum mismatch: the record is damaged")
    try:
        record = orjson.loads(payload)
        return EndMark(int(record["epoch"]), int(record["g"]), int(record["end"]))
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        raise CorruptFileError(path, 9, "damaged: not an end-of-journal record") from None


def read(fd: int, path: Path) -> EndMark:
    return decode(os.pread(fd, RECORD_SIZE + 1, 0), path)


def read_file(path: Path) -> EndMark | None:
    """The mark at `path`, None if there is none (raises CorruptFileError if damaged)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    try:
        return read(fd, path)
    finally:
        os.close(fd)


def write(fd: int, mark: EndMark) -> None:
    data = mark.encode()
    if os.pwrite(fd, data, 0) != len(data):
        raise OSError("short write")


def behind(mark: EndMark, epoch: int, generation: int, end: int, path: Path
           ) -> CorruptFileError | None:
    """The damage when the journal (at `epoch`, holding commits up to `generation`, whose
    complete lines end at byte `end`) holds less than `mark` says was acknowledged."""
    if mark.epoch > epoch:
        return CorruptFileError(
            path, None, f"holds epoch {epoch}, but commits of epoch {mark.epoch} were made: "
            "the journal was replaced by an older one")
    if mark.epoch == epoch and (generation < mark.generation or end < mark.end):
        return CorruptFileError(
            path, end, f"cut short: its commits end at byte {end} (commit {generation}), "
            f"but commits up to {mark.generation}, ending at byte {mark.end}, were saved")
    return None
