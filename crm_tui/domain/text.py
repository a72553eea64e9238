"""Text as search compares it: accents and case folded, so "chloe" finds "Chloé" and
"MULLER" finds "Müller" (and "Chloé" typed with its accent finds "Chloe" stored without).

One function, `fold`, used for both sides of every customer search: the text searched
(made once per customer, kept by the list) and what was typed.
"""

from __future__ import annotations

import unicodedata

# Letters NFKD leaves whole (they are letters of their own, not a letter plus a mark), as
# people type them without the special key: "ø" -> "o", "æ" -> "ae". Keys are lower case:
# `fold` casefolds them first. (ß needs no entry: casefold already makes it "ss".)
_WHOLE_LETTERS = str.maketrans({
    "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i",
    "ħ": "h", "ŧ": "t", "ŋ": "n", "ĸ": "k",
})


def fold(text: str) -> str:
    """`text` for comparison: casefolded, accents and other combining marks dropped,
    compatibility forms made plain ("ﬁ" -> "fi", full-width "Ａ" -> "a")."""
    if text.isascii():
        return text.lower()  # the common case, and casefold's answer for ASCII
    # Decomposed before casefolding too: a compatibility form may decompose to a capital
    # ("ℌ" -> "H"), and casefolding may add a mark ("İ" -> "i" + dot), dropped below.
    plain = unicodedata.normalize("NFKD", text).casefold().translate(_WHOLE_LETTERS)
    decomposed = unicodedata.normalize("NFKD", plain)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
