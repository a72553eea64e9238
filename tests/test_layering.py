"""Layering is checked, not hoped for: the contracts in pyproject.toml hold, no module imports
itself back, and headless code never loads Textual or plotext."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("textual", "textual_plotext", "plotext", "rich")
REPORT = f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}))"


def headless_modules() -> list[str]:
    names = {"crm_tui.cli.main"}
    for package in ("store", "domain", "services"):
        for path in (ROOT / "crm_tui" / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            names.add(".".join(p for p in parts if p != "__init__"))
    return sorted(names)


def run(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_domain_services_store_load_no_textual() -> None:
    modules = headless_modules()
    assert "crm_tui.store.engine" in modules
    code = f"import importlib, sys\nfor m in {modules!r}:\n    importlib.import_module(m)\n"
    assert run(code + REPORT) == "[]"


def test_headless_cli_commands_load_no_textual(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from crm_tui.cli.main import main\n"
        f"r = CliRunner().invoke(main, ['--db', {str(tmp_path / 'x.db')!r}, 'check'])\n"
        "assert r.exit_code == 1 and 'no database here' in r.output, r.output\n"
    )
    assert run(code + REPORT) == "[]"


def test_import_contracts_hold() -> None:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports), "--no-cache", "--no-logo"], capture_output=True,
                            text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_module_imports_itself_back() -> None:
    # A function-level import is still an import: grimp sees it. Annotations under
    # TYPE_CHECKING load nothing at run time and are left out.
    graph = grimp.build_graph("crm_tui", exclude_type_checking_imports=True, cache_dir=None)
    # An import that something it imports (directly or not) imports back closes a cycle.
    closing = sorted(
        f"{module} -> {imported}"
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
        if module in graph.find_upstream_modules(imported)
    )
    assert not closing, "imports in a cycle:\n" + "\n".join(closing)
