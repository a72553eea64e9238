"""The person's keymap (config.json "keymap": binding id -> keys), checked before it applies.

An entry is left out, and said at start, when it names no binding of the app, is not a
key (text like "ctrl+e" or "f5,e"), or gives a key that another binding in the same place
(a screen, a form, a dialog) already answers, or that a key answered everywhere first
(ctrl+q quits, ctrl+p opens the palette) would shadow. The rest applies.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import _character_to_key

import crm_tui.tui


@dataclass(frozen=True)
class CheckedKeymap:
    keymap: dict[str, str]  # the entries to apply
    problems: list[str]  # one line per entry left out, naming it and why


def _keys(text: str) -> list[str]:
    """"f5, e" -> ["f5", "e"] in Textual's long form ("?" -> "question_mark")."""
    keys = [k.strip() for k in text.split(",")]
    return [_character_to_key(k) if len(k) == 1 else k for k in keys]


def _own_classes(root: type) -> Iterable[type]:
    for cls in root.__subclasses__():
        if _own(cls):
            yield cls
        yield from _own_classes(cls)


def _own(cls: type) -> bool:
    return cls.__module__.startswith(crm_tui.tui.__name__ + ".")


def _bindings(cls: type) -> list[Binding]:
    """The class's bindings with those it inherits from the app's own classes."""
    found: list[Binding] = []
    for klass in reversed(cls.__mro__):
        if _own(klass) and "BINDINGS" in klass.__dict__:
            found.extend(Binding.make_bindings(klass.__dict__["BINDINGS"]))
    return found


def binding_scopes() -> dict[str, list[Binding]]:
    """Every place of the app with key bindings (app, screens, forms, widgets), by name.
    Imports every module of the app, so only call it when there is a keymap to check."""
    for module in pkgutil.walk_packages(crm_tui.tui.__path__, crm_tui.tui.__name__ + "."):
        importlib.import_module(module.name)
    return {f"{cls.__module__}.{cls.__qualname__}": _bindings(cls)
            for cls in set(_own_classes(DOMNode))}


def check_keymap(keymap: Mapping[str, object], scopes: Mapping[str, list[Binding]],
                 everywhere: Iterable[Binding]) -> CheckedKeymap:
    """Split `keymap` into what applies and what is left out (see the module docstring).
    `everywhere`: the bindings answered before any screen's (priority bindings of the app,
    the palette's key)."""
    known = {b.id for bindings in scopes.values() for b in bindings if b.id}
    problems: dict[str, str] = {}
    wanted: dict[str, list[str]] = {}
    for binding_id, keys in keymap.items():
        if binding_id not in known:
            problems[binding_id] = "no such key binding (Help lists every id)"
        elif not isinstance(keys, str) or not all(_keys(keys)):
            problems[binding_id] = f"{keys!r} is not a key, like \"ctrl+e\" or \"f5,e\""
        else:
            wanted[binding_id] = _keys(keys)

    def answering(bindings: Iterable[Binding]) -> dict[str, set[str]]:
        """Key -> what answers it, with the keymap applied."""
        taken: dict[str, set[str]] = {}
        for b in bindings:
            for key in wanted.get(b.id or "", [b.key]):
                taken.setdefault(key, set()).add(b.id or b.description or b.action)
        return taken

    first = answering(everywhere)
    for bindings in scopes.values():
        taken = answering(bindings)
        for binding_id in {b.id for b in bindings} & set(wanted):
            for key in wanted[binding_id]:
                others = sorted((taken[key] | first.get(key, set())) - {binding_id})
                if others:
                    problems.setdefault(binding_id, f"{key} is already the key of "
                                                    f"{' and '.join(others)}")
    applied = {k: ",".join(v) for k, v in wanted.items() if k not in problems}
    return CheckedKeymap(applied, [f"{k}: {why}" for k, why in problems.items()])
