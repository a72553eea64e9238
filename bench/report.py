"""The operations the product sets scale targets for, their targets, and the printed tables.

Ratios are baseline time / crm-tui time (memory: baseline MB / crm-tui MB): above 1 means
crm-tui is faster (smaller). Throughput targets (import, export) are stated for 100,000
customers / 1,000,000 purchases; at other row counts they are shown pro rata (marked ~).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Op:
    key: str
    label: str
    unit: str
    target: float | None = None
    per_rows: int | None = None  # the target is for this many rows: pro rata elsewhere
    rows: str | None = None  # which row count ("customers", "purchases") it scales with


OPS = [
    Op("open", "open TUI, first rows drawn (median, in-process)", "s", 1.5),
    Op("painted", "  table first painted (rows or '…' placeholders)", "s"),
    Op("open_process", "open TUI, new process (spawn -> rows)", "s", 1.5),
    Op("detail", "  + one customer's detail (new process)", "s"),
    Op("search", "search keystroke -> table updated (median)", "ms", 50),
    Op("search_max", "  slowest keystroke", "ms", 50),
    Op("save", "save one purchase, durable (median)", "ms", 10),
    Op("save_first", "  first save of a session", "ms"),
    Op("badge", "save -> row redrawn on screen (median)", "ms", 50),
    Op("import_customers", "import customers CSV", "s", 10, 100_000, "customers"),
    Op("import_purchases", "import purchases CSV", "s", 60, 1_000_000, "purchases"),
    Op("export_customers", "export all customers CSV", "s", 3, 100_000, "customers"),
    Op("memory", "memory: peak RSS after customers + detail", "MB", 1536),
]
ENGINES = [("crm", "crm-tui"), ("tinydb", "stock TinyDB"), ("sqlite", "SQLite")]


def target_for(op: Op, result: Mapping[str, Any]) -> tuple[float | None, bool]:
    """The target at this run's row count, and whether it was scaled pro rata."""
    if op.target is None or op.per_rows is None or op.rows is None:
        return op.target, False
    rows = result[op.rows]
    return op.target * rows / op.per_rows, rows != op.per_rows


def _num(value: float | None, width: int) -> str:
    if value is None:
        return f"{'-':>{width}}"
    if value >= 100:
        return f"{value:>{width},.0f}"
    if value >= 1:
        return f"{value:>{width}.2f}"
    return f"{value:>{width}.3f}"


def _ratio(base: float | None, ours: float | None, width: int = 10) -> str:
    if not base or not ours:
        return f"{'-':>{width}}"
    r = base / ours
    text = f"{r:,.0f}x" if r >= 100 else f"{r:.1f}x" if r >= 1 else f"{r:.2f}x"
    return f"{text:>{width}}"


def size_table(result: Mapping[str, Any]) -> list[str]:
    ops = result["ops"]
    head = (f"{'operation':<48} {'unit':>4} {'crm-tui':>9} {'target':>8} {'met':>4} "
            f"{'TinyDB':>9} {'SQLite':>9} {'TinyDB/crm':>10} {'SQLite/crm':>10}")
    lines = [head, "-" * len(head)]
    for op in OPS:
        row = ops.get(op.key, {})
        crm = row.get("crm")
        target, scaled = target_for(op, result)
        met = "" if target is None or crm is None else ("yes" if crm <= target else "NO")
        target_text = "-" if target is None else ("~" if scaled else "") + _num(target, 0)
        lines.append(
            f"{op.label:<48} {op.unit:>4} {_num(crm, 9)} {target_text:>8} {met:>4} "
            f"{_num(row.get('tinydb'), 9)} {_num(row.get('sqlite'), 9)} "
            f"{_ratio(row.get('tinydb'), crm)} {_ratio(row.get('sqlite'), crm)}")
    return lines


def _size(customers: int) -> str:
    if customers >= 1000 and customers % 1000 == 0:
        return f"{customers // 1000:,}k"
    return f"{customers:,}"


def growth_table(results: list[Mapping[str, Any]]) -> list[str]:
    small, large = results[0], results[-1]
    a, b = _size(small["customers"]), _size(large["customers"])
    head = f"{'operation':<48} {'unit':>4}"
    for _, name in ENGINES:
        head += f" | {name:>12} {a:>7} {b:>8} {'x':>7}"
    lines = [head, "-" * len(head)]
    for op in OPS:
        line = f"{op.label:<48} {op.unit:>4}"
        for engine, _ in ENGINES:
            x = small["ops"].get(op.key, {}).get(engine)
            y = large["ops"].get(op.key, {}).get(engine)
            line += f" | {'':>12} {_num(x, 7)} {_num(y, 8)} {_ratio(y, x, 7)}"
        lines.append(line)
    return lines


def notes(result: Mapping[str, Any]) -> list[str]:
    return [f"  - {note}" for note in result.get("notes", [])]
