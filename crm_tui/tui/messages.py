"""Messages the app sends its screens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.message import Message


class DataChanged(Message):
    """The database changed (a save here, or another session's commit): refresh views."""


class Deliver(Message):
    """A worker's result, applied on the UI thread by the app.

    Workers post this instead of `call_from_thread`, which blocks the worker until the UI
    runs the call: if the app is shutting down and waiting for that very worker, neither
    ever finishes and ctrl+q hangs.
    """

    def __init__(self, apply: Callable[..., object], *args: object) -> None:
        super().__init__()
        self.apply = apply
        self.args = args


def deliver(app: App[Any], apply: Callable[..., object], *args: object) -> None:
    """From a worker thread: run `apply(*args)` on the UI thread, without waiting."""
    app.post_message(Deliver(apply, *args))
