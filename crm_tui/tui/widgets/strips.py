"""One line of Rich text as a Textual `Strip`, for widgets that draw their own lines.

Textual's line filters (NO_COLOR's monochrome, TEXTUAL_FILTERS=dim, ANSI to truecolor) read
the style of every segment, so each one here carries a style. `Text.render` alone does not
promise that: text without spans comes out as one segment with no style at all, its own
style dropped.
"""

from __future__ import annotations

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip


def text_strip(text: Text, width: int, base: Style, console: Console) -> Strip:
    """`text` on `base`, padded or cropped to `width` cells; the text's own style and spans
    sit over `base`."""
    under = base + console.get_style(text.style) if text.style else base
    segments = [Segment(s.text, under + s.style if s.style else under)
                for s in text.render(console)]
    return Strip(segments).extend_cell_length(width, base).crop(0, width)
