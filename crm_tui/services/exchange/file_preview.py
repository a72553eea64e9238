"""What the import screen says of a file before anything is imported: its columns and the
kind of records it holds, found as `crm import` would read them.

The counts of what an import would do are `import_file(..., dry_run=True)`'s, and the
field of each column `build_mapping`'s: the screen calls those directly, as the CLI does.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from .csv_rows import CsvSource, ReadOptions
from .formats import detect
from .mapping import KINDS, build_mapping, normalize


def read_header(path: str | os.PathLike[str], reading: ReadOptions | None = None) -> list[str]:
    """The file's column names (its encoding and delimiter, or a workbook's sheet, found
    as an import finds them); ValidationError naming the file when it cannot be read."""
    return read_head(path, reading)[0]


def read_head(path: str | os.PathLike[str], reading: ReadOptions | None = None
              ) -> tuple[list[str], tuple[str, ...]]:
    """`read_header`'s column names, and a workbook's sheets' titles (none for CSV)."""
    with CsvSource(path, reading) as source:
        return list(source.header), source.layout.sheets


def detected_kind(header: Sequence[str]) -> str:
    """The kind of records a header holds: the kind of the tool's export it is recognised
    as, else the kind whose fields its columns name most (customers when none wins)."""
    known = detect(normalize(str(name)) for name in header)
    if known is not None:
        return known.kind

    def named(kind: str) -> int:
        return sum(1 for name in build_mapping(kind, header).fields if name)

    return max(KINDS, key=lambda kind: (named(kind), kind == "customers"))
