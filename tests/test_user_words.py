"""Words users read name things as users know them, never as the product was specified
("the customers.json of the original single-file CRM script", not "seed 000"): checked in
the README and docs, in `crm --help` and every subcommand's help, and in the app's text."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from crm_tui.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
# The names of the documents the product was built from, and of the product's own contract.
INTERNAL = re.compile(r"(?i:seed 0|spec section)|\bSPEC\b")
DOCUMENTS = [ROOT / "README.md", ROOT / "bench" / "README.md",
             *sorted((ROOT / "docs").glob("*.md"))]


def internal_words(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if INTERNAL.search(line)]


def command_paths(command: click.Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from command_paths(sub, (*path, name))


def app_strings(path: Path) -> Iterator[str]:
    """Every string literal of an app module: labels, messages, help text, docstrings."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value


def test_the_pattern_catches_what_it_is_for() -> None:
    assert internal_words("import seed 000's JSON\nthe layout of Seed 001\nSPEC 8 scale") == [
        "import seed 000's JSON", "the layout of Seed 001", "SPEC 8 scale"]
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


@pytest.mark.parametrize("path", sorted((ROOT / "crm_tui" / "tui").rglob("*.py")),
                         ids=lambda p: str(p.relative_to(ROOT / "crm_tui" / "tui")))
def test_app_text(path: Path) -> None:
    assert [s for s in app_strings(path) if INTERNAL.search(s)] == []
