"""Words users read name things as users know them, never as the product was specified
("the customers.json of the original single-file CRM script", not "seed 000"): checked in
the README and docs, in `crm --help` and every subcommand's help, in the app's text, and in
every message the code can show (its string literals other than docstrings)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from crm_tui.cli.main import main
from crm_tui.store.engine import describe_foreign

ROOT = Path(__file__).resolve().parent.parent
# The names of the documents the product was built from, and of the product's own contract.
INTERNAL = re.compile(r"(?i:seed 0|seed-format|spec section)|\bSPEC\b")
APP = ROOT / "crm_tui" / "tui"
DOCUMENTS = [ROOT / "README.md", ROOT / "bench" / "README.md",
             *sorted((ROOT / "docs").glob("*.md"))]


def internal_words(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if INTERNAL.search(line)]


def command_paths(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from command_paths(sub, (*path, name))


def strings(path: Path, *, docstrings: bool) -> Iterator[str]:
    """The string literals of a module: labels, messages, help text, and its docstrings
    if asked (outside the app, docstrings are for developers; click's help, which comes
    from docstrings, is read through --help below)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = set() if docstrings else {
        id(node.body[0].value) for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and ast.get_docstring(node, clean=False) is not None}
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            yield node.value


def test_the_pattern_catches_what_it_is_for() -> None:
    assert internal_words("import seed 000's JSON\nthe layout of Seed 001\nSPEC 8 scale\n"
                          "seed-format customers") == [
        "import seed 000's JSON", "the layout of Seed 001", "SPEC 8 scale",
        "seed-format customers"]
    assert internal_words("demo data, same seed 1; the specification; respect") == []


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_documents(path: Path) -> None:
    assert internal_words(path.read_text(encoding="utf-8")) == []


def test_every_command_help() -> None:
    runner = CliRunner()
    paths = list(command_paths(main))
    assert ("import", "legacy") in paths and ("export",) in paths
    for path in paths:
        result = runner.invoke(main, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert internal_words(result.output) == [], path


@pytest.mark.parametrize("path", sorted((ROOT / "crm_tui").rglob("*.py")),
                         ids=lambda p: str(p.relative_to(ROOT / "crm_tui")))
def test_app_text_and_messages(path: Path) -> None:
    found = strings(path, docstrings=path.is_relative_to(APP))
    assert [s for s in found if INTERNAL.search(s)] == []


def test_a_json_file_given_as_a_database_points_to_the_legacy_import(tmp_path: Path) -> None:
    path = tmp_path / "customers.json"
    path.write_text('{"John Doe": {"contact_info": "john.doe@email.com"}}')
    message = describe_foreign(path)
    assert "crm import legacy" in message and "original single-file CRM script" in message
