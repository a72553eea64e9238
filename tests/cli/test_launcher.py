"""The `crm` command: where the database is, `crm check`, and the TUI launcher."""

from __future__ import annotations

import gc
import os
import select
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from crm_tui.cli import entry
from crm_tui.cli import main as cli_main
from crm_tui.cli.paths import default_db_path, resolve_db_path
from crm_tui.services.crm import Crm
from crm_tui.store import Database
from crm_tui.tui.app import CrmApp
from crm_tui.tui.config import UserConfig


def test_db_option_then_env_then_user_data_dir(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CRM_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_db_path() == tmp_path / "xdg" / "crm-tui" / "crm.db"
    monkeypatch.setenv("CRM_DB", str(tmp_path / "env.db"))
    assert resolve_db_path(None) == tmp_path / "env.db"
    assert resolve_db_path(str(tmp_path / "opt.db")) == tmp_path / "opt.db"


def test_check_reports_tables_and_exits_zero(db_path: Path) -> None:
    db = Database(db_path)
    db.table("customers").insert_multiple([{"n": 1}, {"n": 2}])
    db.close()
    result = CliRunner().invoke(cli_main.main, ["--db", str(db_path), "check"])
    assert result.exit_code == 0, result.output
    assert "customers: 2 documents" in result.output and result.output.endswith("ok\n")


def test_check_uses_crm_db_from_the_environment(db_path: Path) -> None:
    Database(db_path).close()
    result = CliRunner().invoke(cli_main.main, ["check"], env={"CRM_DB": str(db_path)})
    assert result.exit_code == 0 and str(db_path) in result.output


def test_no_subcommand_opens_the_tui_on_the_chosen_database(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[tuple[Path, str | None]] = []
    monkeypatch.setattr(cli_main, "has_terminal", lambda: True)
    monkeypatch.setattr("crm_tui.tui.launch.run_tui",
                        lambda path, theme=None: opened.append((path, theme)) or 0)
    result = CliRunner().invoke(cli_main.main, ["--db", str(db_path), "--theme", "nord"])
    assert result.exit_code == 0, result.output
    assert opened == [(db_path, "nord")]


def test_help_lists_the_commands() -> None:
    result = CliRunner().invoke(cli_main.main, ["--help"])
    assert result.exit_code == 0 and "check" in result.output and "--db" in result.output


async def test_app_opens_on_the_customers_screen_and_quits(crm: Crm) -> None:
    crm.customers.create({"first_name": "Ann", "email": "ann@example.com"})
    app = CrmApp(crm, config=UserConfig())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "CustomersScreen"
        assert str(crm.db.path) in app.sub_title
        await pilot.press("ctrl+q")
    assert app.return_code == 0


def test_opening_the_app_starts_no_other_process(db_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    # The first rows come from the database's own files: nothing is worked out aside.
    started: list[object] = []
    monkeypatch.setattr(subprocess, "Popen", lambda *args, **kwargs: started.append(args))
    monkeypatch.setattr("crm_tui.tui.launch.run_tui", lambda path, theme=None: 0)
    monkeypatch.setattr(cli_main, "has_terminal", lambda: True)
    monkeypatch.setattr(sys, "argv", ["crm", "--db", str(db_path)])
    thresholds = gc.get_threshold()  # the entry point sets them for the whole process
    try:
        with pytest.raises(SystemExit) as ended:
            entry.main()
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()  # and freezes the collector as the command ends
    assert ended.value.code == 0 and started == []


def test_without_a_terminal_the_app_is_refused_not_left_waiting(db_path: Path) -> None:
    # Under cron or in a pipe nobody can type: the app would wait for ever.
    ran = subprocess.run([sys.executable, "-m", "crm_tui", "--db", str(db_path)],
                         stdin=subprocess.DEVNULL, capture_output=True, text=True,
                         timeout=60, cwd=Path(__file__).resolve().parents[2])
    assert ran.returncode == 2 and ran.stdout == "" and "Traceback" not in ran.stderr
    assert "the app needs a terminal: run crm in one, or give it a command" in ran.stderr
    assert not db_path.exists()  # nothing created either


def test_a_terminal_for_the_keys_but_a_pipe_for_the_screen_is_refused(db_path: Path) -> None:
    ran = crm_in_terminal_piping_stdout(db_path)
    assert ran.returncode == 2 and ran.stdout == ""
    assert "the app needs a terminal" in ran.output


@dataclass(frozen=True)
class PipedScreen:
    returncode: int
    stdout: str  # what went to the pipe
    output: str  # what the terminal showed (stderr)


def crm_in_terminal_piping_stdout(db: Path) -> PipedScreen:
    """`crm --db DB | cat` typed in a terminal: stdin and stderr a terminal, stdout a pipe."""
    master, slave = os.openpty()
    try:
        process = subprocess.Popen([sys.executable, "-m", "crm_tui", "--db", str(db)],
                                   stdin=slave, stdout=subprocess.PIPE, stderr=slave,
                                   cwd=Path(__file__).resolve().parents[2])
    finally:
        os.close(slave)
    try:
        stdout, _ = process.communicate(timeout=60)
        shown = b""
        while select.select([master], [], [], 0.1)[0]:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(master)
        if process.poll() is None:
            process.kill()
    return PipedScreen(process.returncode, stdout.decode(), shown.decode(errors="replace"))
