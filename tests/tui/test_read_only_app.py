"""The app on a database that cannot take changes: read-only here (every open of one of its
files for writing fails with EROFS), or damaged. It opens what it can read, a banner at the
top of every screen says why nothing can be saved, and keys that would change data say so
instead of opening a form; damage met while reading is said, and the app goes on."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.screen import ModalScreen

from crm_tui.services.crm import Crm
from crm_tui.tui.app import CrmApp
from crm_tui.tui.screens.customer_detail import CustomerDetailScreen
from crm_tui.tui.widgets.banner import Banner

from ..conftest import open_session
from ..store.damage import cut_last_commit
from .conftest import NARROW, make_app, settle

WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
SnapCompare = Callable[..., bool]


def read_only_disk(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every open of a file of the database for writing fails as on a read-only mount."""
    real_open = os.open

    def refusing(path: str | os.PathLike[str], flags: int, *args: Any, **kwargs: Any) -> int:
        if str(path).startswith(str(db)) and flags & WRITE_FLAGS:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing)


@pytest.fixture
def read_only(crm: Crm, people: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> Crm:
    """The TUI fixture's customers, opened again on a read-only disk."""
    path = crm.db.path
    crm.close()
    read_only_disk(path, monkeypatch)
    session = open_session(path)
    assert session.db.read_only
    return session


def banner_of(app: CrmApp) -> str:
    banners = app.screen.query(Banner)
    assert len(banners) == 1, f"{len(banners)} banners on {app.screen}"
    return str(banners.first().render())


def notifications(app: CrmApp) -> str:
    return " ".join(n.message for n in app._notifications)


async def test_a_read_only_database_opens_with_a_banner_and_refuses_new(read_only: Crm) -> None:
    app = make_app(read_only)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        assert "Read-only database" in banner_of(app)
        assert "Ann Lee" in str(app.screen.query_one("CustomerTable").render_line(1))
        await pilot.press("n")
        await settle(pilot)
        assert not isinstance(app.screen, ModalScreen)  # no form opened
        assert "Read-only database: nothing can be saved" in notifications(app)
        assert app.is_running


@pytest.mark.parametrize("keys", [("p",), ("5", "n"), ("2", "d")],
                         ids=["purchase", "new segment", "delete customer"])
async def test_every_key_that_would_change_data_says_read_only(
        read_only: Crm, keys: tuple[str, ...]) -> None:
    app = make_app(read_only)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        assert not isinstance(app.screen, ModalScreen)  # no form, editor or question
        assert "Read-only database" in notifications(app)
        assert "Read-only database" in banner_of(app)  # on this screen too


async def test_changes_made_by_keys_without_a_form_say_read_only(read_only: Crm) -> None:
    """Undo, a settings save, a deal move, a task done: all go through run_change."""
    app = make_app(read_only)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        assert app.run_change(lambda: read_only.customers.delete(1), "gone") is False
        await settle(pilot)
        assert "Read-only database" in notifications(app)
        assert read_only.customers.get(1)["first_name"] == "Ann"


def test_snapshot_of_the_read_only_banner(read_only: Crm, snap_compare: SnapCompare) -> None:
    async def run_before(pilot: Any) -> None:  # on the products screen: its keys change less
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)

    assert snap_compare(make_app(read_only), terminal_size=NARROW, run_before=run_before)


async def test_a_damaged_database_opens_with_a_banner_naming_the_repair(
        crm: Crm, people: dict[str, int]) -> None:
    path = crm.db.path
    crm.close()
    cut_last_commit(path)
    session = open_session(path)
    assert session.db.damage
    app = make_app(session)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        text = banner_of(app)
        assert "damaged (journal.log)" in text and "check --repair" in text
        await pilot.press("n")
        await settle(pilot)
        assert not isinstance(app.screen, ModalScreen)
        assert "Damaged database: nothing can be saved" in notifications(app)
    session.close()


async def test_damage_met_while_reading_is_said_and_the_app_goes_on(
        crm: Crm, people: dict[str, int]) -> None:
    crm.db.compact()
    path = crm.db.path
    crm.close()
    snapshot = path / "tables" / "purchases.json"
    data = bytearray(snapshot.read_bytes())
    at = data.index(b'"total"')
    data[at + 1] = ord("T")  # one changed byte inside a purchase: its line's CRC fails
    snapshot.write_bytes(bytes(data))
    session = open_session(path)
    app = make_app(session)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        assert not app.screen.query(Banner)  # nothing met yet: the list needs no purchases
        app.open_customer(people["ann"])  # her 360 view reads the purchases
        await settle(pilot)
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, CustomerDetailScreen)
        assert "purchases.json" in notifications(app)
        assert "damaged (purchases.json)" in banner_of(app)
        await pilot.press("escape")
        await settle(pilot)
        assert "damaged (purchases.json)" in banner_of(app)  # the screen below has it too
    session.close()
