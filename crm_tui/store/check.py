"""Verify a database without changing it: every file readable, every commit intact."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .engine import Engine


@dataclass
class CheckReport:
    path: Path
    epoch: int
    generation: int
    journal_bytes: int
    tables: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def check_database(path: str | os.PathLike[str]) -> CheckReport:
    """Open read-only and load every table. Raises the store's errors on damage."""
    engine = Engine(path, create=False)
    try:
        facts = engine.journal_facts()
        report = CheckReport(
            engine.path, facts["epoch"], facts["generation"], facts["journal_bytes"]
        )
        if facts["torn_bytes"]:
            report.notes.append(
                f"{engine.journal_path}: ends with {facts['torn_bytes']} bytes of an interrupted "
                "write (never acknowledged; ignored, and removed by the next write)"
            )
        for name in sorted(engine.table_names()):
            with engine.reading():
                report.tables[name] = len(engine.docs(name))
        leftovers = sorted(p.name for p in engine.path.rglob("*.tmp"))
        if leftovers:
            report.notes.append(
                f"leftovers of an interrupted compaction: {', '.join(leftovers)} "
                "(removed by the next compaction)"
            )
        return report
    finally:
        engine.close()
