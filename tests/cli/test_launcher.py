"""The `crm` command: where the database is, `crm check`, and the TUI launcher."""

from __future__ import annotations

import gc
import subprocess
import sys
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
    monkeypatch.setattr(sys, "argv", ["crm", "--db", str(db_path)])
    thresholds = gc.get_threshold()  # the entry point sets them for the whole process
    try:
        with pytest.raises(SystemExit) as ended:
            entry.main()
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()  # and freezes the collector as the command ends
    assert ended.value.code == 0 and started == []
