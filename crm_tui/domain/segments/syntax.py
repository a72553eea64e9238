"""The text syntax of one condition: `field op value`, with quoting and [a, b] lists.

Values are written bare (`region = Casablanca`) or in double quotes when they contain
commas, brackets or quotes (`name = "Smith, Jones"`, backslash escapes \\" and \\\\).
"""

from __future__ import annotations

import re

from crm_tui.domain.errors import ValidationError

_FIELD_RE = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*", re.ASCII)
_SYMBOL_OPS = (">=", "<=", "!=", "==", "<>", "=", ">", "<")
# Longest first, so "not in" is not read as a field followed by "in".
_WORD_OPS = (
    "is not empty",
    "is_not_empty",
    "is empty",
    "is_empty",
    "not_empty",
    "not in",
    "not_in",
    "contains",
    "within",
    "before",
    "after",
    "has",
    "in",
)
_WORD_OPS_RE = re.compile(
    r"(" + "|".join(w.replace(" ", r"\s+") for w in _WORD_OPS) + r")(?=[\s\[\"]|$)",
    re.IGNORECASE | re.ASCII,
)
_NEEDS_QUOTES_RE = re.compile(r'[,\[\]"\\]|^\s|\s$')


def split_condition(text: str, prefix: str) -> tuple[str, str, str]:
    """Split "total_spent >= 1000" into ("total_spent", ">=", "1000"); the operator is as
    written (canonical names are the caller's business)."""
    match = _FIELD_RE.match(text)
    if match is None:
        raise ValidationError(
            f"{prefix}.field", f"must start with a field name; got {text.strip()[:40]!r}"
        )
    field, rest = match.group(1), text[match.end() :]
    for symbol in _SYMBOL_OPS:
        if rest.startswith(symbol):
            return field, symbol, rest[len(symbol) :].strip()
    word = _WORD_OPS_RE.match(rest)
    if word is None:
        raise ValidationError(
            f"{prefix}.op",
            f"expected an operator after {field!r} (one of =, !=, >, >=, <, <=, in, not_in, has, "
            f"contains, within, before, after, is_empty, not_empty); got {rest.strip()[:40]!r}",
        )
    return field, word.group(1), rest[word.end() :].strip()


def split_list(text: str, where: str) -> list[str]:
    """The unquoted items of "[a, "b, c", d]" (the brackets are optional)."""
    inner = text.strip()
    if inner.startswith("["):
        if not inner.endswith("]") or len(inner) < 2:
            raise ValidationError(where, f"has an unclosed list: {text!r}; expected [a, b]")
        inner = inner[1:-1]
    elif inner.endswith("]"):
        raise ValidationError(where, f"has a ']' without '[': {text!r}; expected [a, b]")
    if not inner.strip():
        return []
    return [unquote(part, where) for part in _split_commas(inner, where)]


def _split_commas(text: str, where: str) -> list[str]:
    parts: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    if quoted:
        raise ValidationError(where, f"has an unclosed quote: {text!r}")
    parts.append("".join(current))
    return parts


def unquote(raw: str, where: str) -> str:
    """A bare value, trimmed, or the content of a "quoted" value with its escapes undone."""
    text = raw.strip()
    if not text.startswith('"'):
        return text
    body: list[str] = []
    escaped = False
    for index, char in enumerate(text[1:], start=1):
        if escaped:
            body.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            if index != len(text) - 1:
                raise ValidationError(where, f"has text after a closing quote: {text!r}")
            return "".join(body)
        else:
            body.append(char)
    raise ValidationError(where, f"has an unclosed quote: {text!r}")


def quote(text: str) -> str:
    """Write a value so that `unquote` (and list splitting) reads it back unchanged."""
    if text and not _NEEDS_QUOTES_RE.search(text) and not text.startswith('"'):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
