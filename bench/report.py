"""The operations the product sets scale targets for, their targets, and the printed tables.

Ratios are baseline time / crm-tui time (memory: baseline MB / crm-tui MB): above 1 means
crm-tui is faster (smaller). Throughput targets (import, export) are stated for 100,000
customers / 1,000,000 purchases; at other row counts they are shown pro rata (marked ~).
The targets are those of the product's scale section; a table lists only the operations
the run measured (`--only`).
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
    baselines: tuple[str, ...] = ("tinydb", "sqlite")  # the engines measured beside it


SQLITE = ("sqlite",)
OPS = [
    Op("open", "open TUI, first rows drawn (median, in-process)", "s"),
    Op("painted", "  table first painted (rows or '…' placeholders)", "s", baselines=()),
    Op("open_process", "open TUI, new process (spawn -> rows)", "s", 1.0),
    Op("detail", "  + one customer's detail (new process)", "s"),
    Op("search", "search keystroke -> table updated (median)", "ms", 20),
    Op("search_max", "  slowest keystroke", "ms", 50),
    Op("save", "save one purchase, durable (median)", "ms", 10),
    Op("save_first", "  first save of a session", "ms"),
    Op("badge", "save -> row redrawn on screen (median)", "ms", 50, baselines=()),
    Op("import_customers", "import customers CSV", "s", 5, 100_000, "customers"),
    Op("import_purchases", "import purchases CSV", "s", 30, 1_000_000, "purchases"),
    Op("export_customers", "export all customers CSV", "s", 1.5, 100_000, "customers"),
    Op("memory", "memory: peak RSS after customers + detail", "MB"),
    # cold 360 view (bench/reads.py)
    Op("view_process", "360 view, new process (spawn -> first view)", "s", baselines=SQLITE),
    Op("view_first", "  first 360 view after the open", "ms", 50, baselines=SQLITE),
    Op("view_first_cpu", "    its CPU time", "ms", baselines=SQLITE),
    Op("view_second", "  next 360 view (another customer)", "ms", 50, baselines=SQLITE),
    Op("view_peak", "  peak RSS of that process", "MB", baselines=SQLITE),
    # cold dashboard
    Op("dash_process", "dashboard figures, new process (spawn -> all)", "s", baselines=SQLITE),
    Op("dash_first", "  every dashboard figure, after the open", "s", 1, baselines=SQLITE),
    Op("dash_cpu", "    its CPU time", "s", baselines=SQLITE),
    Op("dash_peak", "  peak RSS of that process", "MB", baselines=SQLITE),
    # each screen's data, headless, in a new process of its own
    Op("cold_customers", "customers' first rows, new process, headless", "s", 1, baselines=()),
    *(Op(f"cold_{name}", f"  {name} screen's data after the open, headless", "s", 0.3,
         baselines=()) for name in ("pipeline", "tasks", "segments", "products", "feedback")),
    # the real app in one new process visiting every screen
    Op("tui_dashboard", "TUI session: key -> dashboard drawn", "s", 1, baselines=()),
    *(Op(f"tui_{name}", f"  key -> {name} drawn", "s", 0.3, baselines=())
      for name in ("pipeline", "tasks", "segments", "products", "feedback", "settings")),
    Op("tui_360 screen", "  enter -> another customer's 360 drawn", "s", 0.05, baselines=()),
    Op("tui_peak", "memory: peak RSS, session visiting every screen", "MB", 400,
       baselines=SQLITE),
    # ten sessions on one database, one importing
    Op("ten_rss", "sessions on one database, one importing: RSS", "MB", baselines=()),
    Op("ten_pss", "  their PSS (shared pages split), peak total", "MB", baselines=()),
    Op("ten_key_median", "  keystroke median during the import, worst", "ms", baselines=()),
    Op("ten_key_p95", "  keystroke p95 during the import, worst", "ms", baselines=()),
    Op("ten_key_max", "  slowest keystroke during the import", "ms", baselines=()),
    Op("ten_import_rate", "  import rate meanwhile", "rows/s", baselines=()),
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


def measured(results: list[Mapping[str, Any]]) -> list[Op]:
    """The operations with a figure in any of these results, in the tables' order."""
    return [op for op in OPS
            if any(v is not None for r in results for v in r["ops"].get(op.key, {}).values())]


def size_table(result: Mapping[str, Any]) -> list[str]:
    ops = result["ops"]
    head = (f"{'operation':<48} {'unit':>6} {'crm-tui':>9} {'target':>8} {'met':>4} "
            f"{'TinyDB':>9} {'SQLite':>9} {'TinyDB/crm':>10} {'SQLite/crm':>10}")
    lines = [head, "-" * len(head)]
    for op in measured([result]):
        row = ops.get(op.key, {})
        crm = row.get("crm")
        target, scaled = target_for(op, result)
        met = "" if target is None or crm is None else ("yes" if crm <= target else "NO")
        target_text = "-" if target is None else ("~" if scaled else "") + _num(target, 0)
        lines.append(
            f"{op.label:<48} {op.unit:>6} {_num(crm, 9)} {target_text:>8} {met:>4} "
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
    head = f"{'operation':<48} {'unit':>6}"
    for _, name in ENGINES:
        head += f" | {name:>12} {a:>7} {b:>8} {'x':>7}"
    lines = [head, "-" * len(head)]
    for op in measured([small, large]):
        line = f"{op.label:<48} {op.unit:>6}"
        for engine, _ in ENGINES:
            x = small["ops"].get(op.key, {}).get(engine)
            y = large["ops"].get(op.key, {}).get(engine)
            line += f" | {'':>12} {_num(x, 7)} {_num(y, 8)} {_ratio(y, x, 7)}"
        lines.append(line)
    return lines


def notes(result: Mapping[str, Any]) -> list[str]:
    return [f"  - {note}" for note in result.get("notes", [])]


def cold_screens_table(result: Mapping[str, Any]) -> list[str]:
    """Each screen's data read headless in a new process: the open, the data, its CPU."""
    found = result.get("samples", {}).get("cold_screens")
    if not found:
        return []
    head = (f"{'screen data, headless, new process':<36} {'open s':>7} {'data s':>7} "
            f"{'CPU s':>7} {'spawn->data s':>13} {'peak RSS MB':>11}")
    lines = [head, "-" * len(head)]
    for name, r in found.items():
        lines.append(f"{name:<36} {_num(r['open_s'], 7)} {_num(r['first_s'], 7)} "
                     f"{_num(r['first_cpu_s'], 7)} {_num(r['process_s'], 13)} "
                     f"{_num(r['peak_mb'], 11)}")
    return lines


def screens_table(result: Mapping[str, Any]) -> list[str]:
    """The app session that visited every screen: each first paint, CPU, memory after."""
    visits = result.get("samples", {}).get("screens", {}).get("visits")
    if not visits:
        return []
    head = (f"{'screen (in the order visited)':<36} {'paint s':>8} {'CPU s':>7} "
            f"{'peak RSS MB':>11} {'RSS MB':>7} {'all read s':>10}")
    lines = ["TUI session visiting every screen (the first line: from before the open; "
             "CPU since the process started; all read: to the end of the screen's reads)",
             head, "-" * len(head)]
    for v in visits:
        lines.append(f"{v['screen']:<36} {_num(v['paint_s'], 8)} {_num(v['cpu_s'], 7)} "
                     f"{_num(v['peak_mb'], 11)} {_num(v['rss_mb'], 7)} "
                     f"{_num(v.get('settled_s'), 10)}")
    return lines


def _ms(value: float | None) -> str:
    return _num(value, 7)


def sessions_table(result: Mapping[str, Any]) -> list[str]:
    """Each of the ten sessions: keystrokes before and during the import, CPU, memory."""
    found = result.get("samples", {}).get("sessions")
    if not found or not found.get("searchers"):
        return []
    imported = found["import"]
    lines = [f"{found['sessions']} sessions: ready {found['ready_s']:.1f} s after the start "
             f"({found['rss_ready_mb']:,.0f} MB RSS, {found['pss_ready_mb']:,.0f} MB PSS in "
             f"all); the import: {imported['rows']:,} rows in {imported['seconds']:.1f} s"
             + ("" if imported["finished"] else " (stopped at its time limit)")
             + f", its peak {imported['peak_mb']:,.0f} MB"]
    head = (f"{'session':<8} {'keys':>5} {'median':>7} {'p95':>7} {'max':>7} | {'keys':>5} "
            f"{'median':>7} {'p95':>7} {'max':>7} | {'CPU s':>6} {'peak MB':>8}")
    lines += [f"{'':<8} {'before the import (ms)':^29} | {'during the import (ms)':^29} |",
              head, "-" * len(head)]
    for n, s in enumerate(found["searchers"], 1):
        q, d = s["quiet"], s["during"]
        lines.append(f"{n:<8} {q['keys']:>5} {_ms(q['median_ms'])} {_ms(q['p95_ms'])} "
                     f"{_ms(q['max_ms'])} | {d['keys']:>5} {_ms(d['median_ms'])} "
                     f"{_ms(d['p95_ms'])} {_ms(d['max_ms'])} | {_num(s['cpu_s'], 6)} "
                     f"{_num(s['peak_mb'], 8)}")
    return lines
