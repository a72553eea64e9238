"""Every `crm` command run as users run it: in a terminal and piped, with the same result.

In a terminal, long work draws its progress on stderr (a bar when the total is known, a
counter when not); piped, nothing but the output is written. No command may end in a
traceback either way.
"""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import AS_OF, copy_of, crm_cmd
from .terminal import crm_in_terminal

DAY = AS_OF.isoformat()
PEOPLE = 3000  # rows of the customers file: enough for the bar to move (imports go by 2000)


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]  # {files}: the source files; {out}: the test's own folder
    db: str = "shared"  # shared (only read), copy (changed: a copy of the demo), fresh (none)
    drawn: str = ""  # the progress a terminal shows: a "bar", a "counter" or nothing
    before: tuple[str, ...] = ()  # run piped first (an import to revert, a backup to restore)


def export(kind: str, *more: str) -> Case:
    """Records are counted when they go to a file, not when they go to the terminal."""
    return Case(("export", kind, "--as-of", DAY, *more), drawn="counter" if "-o" in more else "")


CASES = {
    "demo": Case(("demo", "--customers", "300", "--as-of", DAY), db="fresh", drawn="bar"),
    "import customers": Case(("import", "customers", "{files}/people.csv"), db="copy", drawn="bar"),
    **{f"import {kind}": Case(("import", kind, f"{{files}}/all/{kind}.csv"), db="copy",
                              drawn="bar")
       for kind in ("purchases", "interactions", "opportunities", "tasks", "feedback",
                    "products")},
    "import dry run": Case(("import", "customers", "{files}/people.csv", "--dry-run"),
                           db="copy", drawn="bar"),
    "import legacy": Case(("import", "legacy", "{files}/customers.json"), db="fresh",
                          drawn="bar"),
    "import all": Case(("import", "all", "{files}/all.json"), db="fresh", drawn="bar"),
    "import list": Case(("import", "list")),
    "import revert": Case(("import", "revert", "{batch}"), db="copy",
                          before=("import", "customers", "{files}/all/customers.csv")),
    **{f"export {kind}": export(kind) for kind in (
        "customers", "purchases", "interactions", "opportunities", "tasks", "feedback",
        "products", "product-revenue", "segments", "audit")},
    "export json": export("customers", "--format", "json"),
    "export jsonl": export("purchases", "--format", "jsonl"),
    "export xlsx": export("customers", "-o", "{out}/customers.xlsx"),
    "export filtered": export("purchases", "--segment", "lifecycle:vip", "--tag", "vip"),
    "export all json": export("all", "--format", "json", "-o", "{out}/all.json"),
    "export all csv": export("all", "--format", "csv", "-o", "{out}/all"),
    "export all xlsx": export("all", "--format", "xlsx", "-o", "{out}/sheets"),
    "report": Case(("report", "--as-of", DAY)),
    "check": Case(("check",)),
    "backup": Case(("backup", "{out}/backup")),
    "backup managed": Case(("backup",), db="copy"),
    "restore": Case(("restore", "{out}/kept"), db="copy", before=("backup", "{out}/kept")),
    "compact": Case(("compact",), db="copy"),
    "gdpr export": Case(("gdpr", "export", "5")),
    "gdpr export to a file": Case(("gdpr", "export", "5", "-o", "{out}/five.json")),
    "gdpr erase": Case(("gdpr", "erase", "5", "--yes"), db="copy"),
}


@pytest.fixture(scope="module")
def files(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the imports read: the demo's own exports, a long customers file, and the
    customers.json of the original single-file CRM script."""
    folder = tmp_path_factory.mktemp("files")
    for args in (("all", "--format", "csv", "-o", str(folder / "all")),
                 ("all", "--format", "json", "-o", str(folder / "all.json"))):
        assert crm_cmd(demo_db, "export", *args, "--as-of", DAY).returncode == 0
    lines = ["first name,last name,email,phone,tags"]
    lines += [f"Person,No{i},person{i}@example.com,+1 555 {i:04d},{'vip' if i % 7 else ''}"
              for i in range(PEOPLE)]
    (folder / "people.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    legacy = {"John Doe": {"contact_info": "john.doe@email.com", "loyalty_points": 120,
                           "purchase_history": [{"item": "Laptop", "amount": 1200}]}}
    (folder / "customers.json").write_text(json.dumps(legacy), encoding="utf-8")
    return folder


def prepared(case: Case, demo_db: Path, files: Path, out: Path) -> tuple[Path, list[str]]:
    """The database the case runs on, and its arguments with the paths filled in."""
    out.mkdir()
    db = {"shared": demo_db, "copy": copy_of(demo_db, out), "fresh": out / "new.db"}[case.db]
    values = {"files": files, "out": out}
    if case.before:
        first = crm_cmd(db, *(arg.format(**values) for arg in case.before))
        assert first.returncode == 0, first.stderr
        values["batch"] = crm_cmd(db, "import", "list").stdout.split()[0]
    return db, [arg.format(**values) for arg in case.args]


BAR = re.compile(r"\[[#-]+\] +\d+%")
COUNTER = re.compile(r"\r[\w .-]+  [|/\\-] \d+")


def drawn(output: str) -> str:
    """What progress a terminal showed: a bar that reached 100%, a counter, or nothing."""
    if "100%" in output and BAR.search(output):
        return "bar"
    return "counter" if COUNTER.search(output) else ""


TIME = re.compile(r"\d{4}-?\d\d-?\d\d[T-]\d\d:?\d\d:?\d\d")  # of a backup's name, say


def lines(text: str, out: Path, *, terminal: bool) -> list[str]:
    """The lines left on screen but for the progress, in order of text (a terminal
    interleaves stdout and stderr), with the test's own folder as OUT and times as TIME."""
    if terminal:
        text = text.replace("\r\n", "\n")  # the terminal's own line ends
    shown = (line.removesuffix("\r").rsplit("\r", 1)[-1] for line in text.split("\n")
             if not line.startswith("\r"))  # a progress line: it starts on its own
    return sorted(TIME.sub("TIME", line.replace(str(out), "OUT")) for line in shown)


@pytest.mark.parametrize("name", CASES)
def test_the_same_in_a_terminal_and_piped(name: str, demo_db: Path, files: Path,
                                          tmp_path: Path) -> None:
    case = CASES[name]
    in_terminal = prepared(case, demo_db, files, tmp_path / "terminal")
    in_pipes = prepared(case, demo_db, files, tmp_path / "piped")
    with ThreadPoolExecutor(1) as beside:  # both at once: the machine has a core for each
        running = beside.submit(crm_in_terminal, in_terminal[0], *in_terminal[1])
        piped = crm_cmd(in_pipes[0], *in_pipes[1])
        shown = running.result()
    assert "Traceback" not in shown.output, shown.output[-3000:]
    assert shown.returncode == 0, shown.output[-3000:]
    assert "Traceback" not in piped.stderr, piped.stderr[-3000:]
    assert piped.returncode == 0, piped.stderr[-3000:]
    assert "\r" not in piped.stderr and "%" not in piped.stderr  # no bar, no counter

    assert drawn(shown.output) == case.drawn, shown.output[-3000:]
    # The terminal shows what the pipes carried, and the progress.
    assert lines(shown.output, tmp_path / "terminal", terminal=True) == lines(
        piped.stdout + piped.stderr, tmp_path / "piped", terminal=False)
