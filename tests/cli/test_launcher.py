"""The `crm` command: where the database is, `crm check`, and the TUI launcher."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from crm_tui.cli import main as cli_main
from crm_tui.cli.entry import tui_database
from crm_tui.cli.paths import default_db_path, resolve_db_path
from crm_tui.services.crm import Crm
from crm_tui.services.list_preview import PreviewProcess
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
    opened: list[tuple[Path, str | None, PreviewProcess | None]] = []
    monkeypatch.setattr("crm_tui.tui.launch.run_tui",
                        lambda path, theme=None, preview=None: opened.append((path, theme,
                                                                              preview)))
    result = CliRunner().invoke(cli_main.main, ["--db", str(db_path), "--theme", "nord"])
    assert result.exit_code == 0, result.output
    [(path, theme, preview)] = opened
    assert (path, theme) == (db_path, "nord")
    # The customers preview was started for the app, and is stopped once the app is done.
    assert isinstance(preview, PreviewProcess)
    assert preview._process.returncode is not None


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


@pytest.mark.parametrize(("args", "expected"), [
    ([], (True, None)),
    (["--db", "x.db"], (True, "x.db")),
    (["--db=x.db", "--theme", "nord"], (True, "x.db")),
    (["--theme=nord"], (True, None)),
    (["--db", "x.db", "export", "customers"], (False, None)),
    (["--help"], (False, None)),
    (["--version"], (False, None)),
    (["--db"], (False, None)),  # click reports the missing value
    (["check"], (False, None)),
])
def test_the_entry_point_guesses_when_the_tui_opens(
        args: list[str], expected: tuple[bool, str | None]) -> None:
    assert tui_database(args) == expected
