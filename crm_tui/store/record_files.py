"""Small JSON records the store writes beside its data (a backup's, a restore's): one
line, a format name and a version, then the record's fields."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any, TypeVar

import orjson

from .errors import CorruptFileError

R = TypeVar("R")


def encode_record(fmt: str, record: Any) -> bytes:
    """`record` (a dataclass) as the line to write."""
    return orjson.dumps({"format": fmt, "version": 1, **asdict(record)}) + b"\n"


def decode_record(path: Path, data: bytes, fmt: str, cls: type[R], what: str) -> R:
    """The record `data` holds; CorruptFileError naming `path` and `what` it is not."""
    try:
        raw = orjson.loads(data)
        if raw.pop("format") != fmt or raw.pop("version") != 1:
            raise ValueError
        return cls(**raw)
    except (ValueError, TypeError, KeyError, AttributeError):
        raise CorruptFileError(path, 0, f"not {what}") from None
