"""Workers hand their results to the screen that asked as typed messages: each message of
the app carries values of a declared type, never a callable to run, no code blocks a worker
on the UI thread (`call_from_thread`), and a result for a screen closed meanwhile is dropped
without an error."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import threading
import time
from pathlib import Path

import pytest
from textual.message import Message

import crm_tui
import crm_tui.tui
from crm_tui.services.crm import Crm
from crm_tui.services.customer_view import CustomerDetail, customer_detail
from crm_tui.tui.messages import CustomerDetailReady
from crm_tui.tui.screens import customer_detail as detail_screen
from crm_tui.tui.screens.customer_detail import CustomerDetailScreen

from .conftest import NARROW, make_app, settle

PACKAGE = Path(crm_tui.__file__).parent
UNTYPED = ("Callable", "Any", "object")  # what says nothing of what the value is


def app_messages() -> list[type[Message]]:
    """Every Message class the app defines (each module of the TUI imported first)."""
    for module in pkgutil.walk_packages(crm_tui.tui.__path__, crm_tui.tui.__name__ + "."):
        importlib.import_module(module.name)
    found: list[type[Message]] = []
    pending: list[type[Message]] = [Message]
    while pending:
        for sub in pending.pop().__subclasses__():
            pending.append(sub)
            if sub.__module__.startswith("crm_tui."):
                found.append(sub)
    return found


def test_every_message_carries_typed_values_and_no_callable() -> None:
    messages = app_messages()
    assert {m.__name__ for m in messages} >= {"BoardReady", "CustomerRowsReady",
                                              "DashboardComputed", "CustomerDetailReady"}
    untyped = []
    for message in messages:
        if "__init__" not in vars(message):
            continue  # carries nothing
        for name, parameter in inspect.signature(message.__init__).parameters.items():
            annotation = str(parameter.annotation)
            if name != "self" and (parameter.annotation is inspect.Parameter.empty
                                   or any(word in annotation for word in UNTYPED)):
                untyped.append(f"{message.__module__}.{message.__qualname__}({name}: "
                               f"{annotation})")
    assert not untyped, "messages carrying values of no declared type:\n" + "\n".join(untyped)


def test_no_module_runs_code_on_the_ui_thread_from_a_worker() -> None:
    calls = [f"{path.relative_to(PACKAGE)}:{node.lineno}"
             for path in sorted(PACKAGE.rglob("*.py"))
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.Attribute) and node.attr == "call_from_thread"]
    assert not calls, f"call_from_thread blocks the worker (ctrl+q could hang): {calls}"


async def test_a_result_for_a_screen_closed_meanwhile_is_dropped(
        crm: Crm, people: dict[str, int], monkeypatch: pytest.MonkeyPatch) -> None:
    """The 360 screen is closed while its worker still reads: the worker's result finds no
    screen to show it on, and the app goes on without an error."""
    release = threading.Event()
    posted: list[bool] = []

    def slow_detail(session: Crm, customer_id: int) -> CustomerDetail:
        release.wait(10)
        return customer_detail(session, customer_id)

    handled: list[CustomerDetailReady] = []
    original_post = CustomerDetailScreen.post_message

    def post(self: CustomerDetailScreen, message: Message) -> bool:
        accepted = original_post(self, message)
        if isinstance(message, CustomerDetailReady):
            posted.append(accepted)
        return accepted

    def record(self: CustomerDetailScreen, message: CustomerDetailReady) -> None:
        handled.append(message)

    monkeypatch.setattr(detail_screen, "customer_detail", slow_detail)
    monkeypatch.setattr(CustomerDetailScreen, "post_message", post)
    monkeypatch.setattr(CustomerDetailScreen, "on_customer_detail_ready", record)
    app = make_app(crm)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        screen = CustomerDetailScreen(people["ann"])
        await app.push_screen(screen)
        await pilot.pause()
        app.pop_screen()
        await pilot.pause()
        assert app.screen is not screen
        release.set()
        deadline = time.monotonic() + 10
        while not posted and time.monotonic() < deadline:
            await pilot.pause(0.01)
        await settle(pilot)
        assert posted == [False]  # refused: the screen had gone
        assert handled == []
        assert app.is_running and app._exception is None
