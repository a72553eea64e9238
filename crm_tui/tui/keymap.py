"""The person's keymap (config.json "keymap": binding id -> keys), checked before it applies,
and key hints written from the bindings as they apply.

An entry is left out, and said at start, when it names no binding of the app, is not a
key (text like "ctrl+e" or "f5,e"), is a key a terminal cannot tell from another (ctrl+h
arrives as backspace, ctrl+i as tab, ctrl+m as enter, ctrl+[ as escape), or gives a key
that another binding in the same place (a screen, a form, a dialog) already answers, or
that a key answered everywhere first (ctrl+q quits, ctrl+p opens the palette) would
shadow. A widget's keys meet those of every screen it sits on (the customer table's keys
and the customers screen's): a key moved onto one the other side answers is a clash too,
unless the binding had that key already (a widget answering a screen's key while it has
the focus by design). The rest applies.

Where a widget sits is read from the code: a widget class that a screen's methods name
(directly, through the app's helper functions, or through a widget that sits there) is
taken to sit on that screen.

Text that names a key ("x shows the trash", "ctrl+s save") asks `key_hint` for it by the
binding's id, so a remapped key is named everywhere, not only in the footer and Help.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from types import CodeType, FunctionType

from textual.binding import Binding, BindingsMap
from textual.dom import DOMNode
from textual.keys import _character_to_key, format_key
from textual.screen import Screen
from textual.widget import Widget

import crm_tui.tui


@dataclass(frozen=True)
class CheckedKeymap:
    keymap: dict[str, str]  # the entries to apply
    problems: list[str]  # one line per entry left out, naming it and why


# Keys a terminal sends as the same bytes as another key: the app only ever sees the other.
TERMINAL_TWINS = {"ctrl+h": "backspace", "ctrl+i": "tab", "ctrl+m": "enter",
                  "ctrl+left_square_bracket": "escape"}


def _key(text: str) -> str:
    """One key in Textual's long form: "?" -> "question_mark", "ctrl+[" ->
    "ctrl+left_square_bracket"."""
    modifiers, plus, last = text.rpartition("+")
    if len(last) == 1:
        last = _character_to_key(last)
    return modifiers + plus + last


def _keys(text: str) -> list[str]:
    """"f5, e" -> ["f5", "e"] in Textual's long form ("?" -> "question_mark")."""
    return [_key(k.strip()) if k.strip() else "" for k in text.split(",")]


def _own_classes(root: type) -> Iterable[type]:
    cls: type
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


def _scope(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _import_all() -> None:
    for module in pkgutil.walk_packages(crm_tui.tui.__path__, crm_tui.tui.__name__ + "."):
        importlib.import_module(module.name)


def binding_scopes() -> dict[str, list[Binding]]:
    """Every place of the app with key bindings (app, screens, forms, widgets), by name.
    Imports every module of the app, so only call it when there is a keymap to check."""
    _import_all()
    return {_scope(cls): _bindings(cls) for cls in set(_own_classes(DOMNode))}


def _names(code: CodeType) -> Iterator[str]:
    """The global and attribute names a function's code uses, nested functions included."""
    yield from code.co_names
    for const in code.co_consts:
        if isinstance(const, CodeType):
            yield from _names(const)


def _functions(cls: type) -> Iterator[FunctionType]:
    """The functions of a class and of the app's classes it inherits from."""
    for klass in cls.__mro__:
        if _own(klass):
            for member in vars(klass).values():
                member = getattr(member, "__func__", getattr(member, "fget", member))
                if isinstance(member, FunctionType):
                    yield member


def _widgets_named(cls: type) -> set[type]:
    """The app's widget classes that `cls`'s code names, and those their code names, in
    turn, following the app's own helper functions; screens it opens are not counted."""
    found: set[type] = set()
    pending = list(_functions(cls))
    seen: set[FunctionType] = set()
    while pending:
        function = pending.pop()
        if function in seen:
            continue
        seen.add(function)
        for name in _names(function.__code__):
            named = function.__globals__.get(name)
            if isinstance(named, FunctionType) and named.__module__.startswith(
                    crm_tui.tui.__name__ + "."):
                pending.append(named)
            elif (isinstance(named, type) and issubclass(named, Widget)
                  and not issubclass(named, Screen) and _own(named) and named not in found):
                found.add(named)
                pending.extend(_functions(named))
    return found


def widget_places() -> dict[str, set[str]]:
    """Widget scope -> the screen scopes it sits on (see the module docstring)."""
    _import_all()
    places: dict[str, set[str]] = {}
    for screen in set(_own_classes(Screen)):
        for widget in _widgets_named(screen):
            places.setdefault(_scope(widget), set()).add(_scope(screen))
    return places


def check_keymap(keymap: Mapping[str, object], scopes: Mapping[str, list[Binding]],
                 everywhere: Iterable[Binding],
                 places: Mapping[str, Collection[str]] | None = None) -> CheckedKeymap:
    """Split `keymap` into what applies and what is left out (see the module docstring).
    `everywhere`: the bindings answered before any screen's (priority bindings of the app,
    the palette's key). `places`: widget scope -> the screen scopes it sits on."""
    known = {b.id for bindings in scopes.values() for b in bindings if b.id}
    problems: dict[str, str] = {}
    wanted: dict[str, list[str]] = {}
    for binding_id, keys in keymap.items():
        if binding_id not in known:
            problems[binding_id] = "no such key binding (Help lists every id)"
        elif not isinstance(keys, str) or not all(_keys(keys)):
            problems[binding_id] = f"{keys!r} is not a key, like \"ctrl+e\" or \"f5,e\""
        elif twins := [k for k in _keys(keys) if k in TERMINAL_TWINS]:
            problems[binding_id] = (f"{format_key(twins[0])} cannot be used: terminals send "
                                    f"it as {TERMINAL_TWINS[twins[0]]}")
        else:
            wanted[binding_id] = _keys(keys)

    def answering(bindings: Iterable[Binding]) -> dict[str, set[str]]:
        """Key -> what answers it, with the keymap applied."""
        taken: dict[str, set[str]] = {}
        for b in bindings:
            for key in wanted.get(b.id or "", [b.key]):
                taken.setdefault(key, set()).add(b.id or b.description or b.action)
        return taken

    def clash(remapped: str, key: str, others: set[str]) -> None:
        named = sorted(others - {remapped})
        if named:
            problems.setdefault(remapped, f"{key} is already the key of {' and '.join(named)}")

    first = answering(everywhere)
    for bindings in scopes.values():
        taken = answering(bindings)
        for remapped in {b.id for b in bindings if b.id} & set(wanted):
            for key in wanted[remapped]:
                clash(remapped, key, taken[key] | first.get(key, set()))
    declared: dict[str, set[str]] = {}  # binding id -> its keys before the keymap
    for bindings in scopes.values():
        for b in bindings:
            declared.setdefault(b.id or "", set()).add(b.key)
    shadowed: dict[tuple[str, str], set[str]] = {}  # (id, key) -> what else answers there
    for widget, screens in (places or {}).items():
        for screen in screens:
            one, other = scopes.get(widget, []), scopes.get(screen, [])
            for mine, theirs in ((one, other), (other, one)):
                taken = answering(theirs)
                for remapped in {b.id for b in mine if b.id} & set(wanted):
                    for key in set(wanted[remapped]) - declared[remapped]:
                        shadowed.setdefault((remapped, key), set()).update(taken.get(key, ()))
    for (remapped, key), others in sorted(shadowed.items()):
        clash(remapped, key, others)
    applied = {k: ",".join(v) for k, v in wanted.items() if k not in problems}
    return CheckedKeymap(applied, [f"{k}: {why}" for k, why in problems.items()])


def in_declared_order(node: DOMNode, bindings: BindingsMap) -> BindingsMap:
    """`bindings` (the node's, a keymap applied) in the order the node declares them."""
    rank: dict[str, int] = {}
    for found in node._bindings.key_to_bindings.values():
        for binding in found:
            rank.setdefault(binding.id or "", len(rank))
    bindings.key_to_bindings = dict(sorted(
        bindings.key_to_bindings.items(),
        key=lambda item: min((rank.get(b.id or "", len(rank)) for b in item[1]),
                             default=len(rank))))
    return bindings


@cache
def default_keys() -> dict[str, str]:
    """Binding id -> its keys as declared ("d,delete"), for every binding of the app."""
    keys: dict[str, list[str]] = {}
    for bindings in binding_scopes().values():
        for binding in bindings:  # "ctrl+r,f5" comes as one binding per key
            if binding.id and binding.key not in keys.setdefault(binding.id, []):
                keys[binding.id].append(binding.key)
    return {binding_id: ",".join(declared) for binding_id, declared in keys.items()}


def hint_key(key: str) -> str:
    """A key as hints write it: a character as itself ("/", "?"), others by name
    ("ctrl+s", "escape")."""
    shown = format_key(key)
    return shown if "+" not in key and len(shown) == 1 else key


def bound_keys(keymap: Mapping[str, str], binding_id: str) -> list[str]:
    """The keys of binding `binding_id`, the applied `keymap` first: ["n", "escape"]."""
    keys = keymap.get(binding_id) or default_keys()[binding_id]
    return [k.strip() for k in keys.split(",")]


def key_hint(keymap: Mapping[str, str], binding_id: str) -> str:
    """The keys of binding `binding_id` for a hint: "x", "n / escape"."""
    return " / ".join(hint_key(k) for k in bound_keys(keymap, binding_id))


def hint(node: DOMNode, binding_id: str) -> str:
    """`key_hint` with the keymap the node's app applied (its `keymap`: none in an app
    without one)."""
    keymap: Mapping[str, str] = getattr(node.app, "keymap", {})
    return key_hint(keymap, binding_id)


def hinted(node: DOMNode, template: str) -> str:
    """`template` with each "{binding.id}" replaced by that binding's keys (see `hint`).
    Only for the app's own words: text typed by someone may hold braces."""
    return re.sub(r"\{([\w.]+)\}", lambda found: hint(node, found[1]), template)
