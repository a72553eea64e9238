"""How an import file is written: its text encoding and its delimiter, found from the file.

The encoding, decided once for the whole file:
- a byte order mark says it: UTF-8, UTF-16 (LE or BE) or UTF-32;
- no mark, but every other byte of the first block NUL: UTF-16 without a mark;
- bytes that are UTF-8 from end to end are UTF-8 (the same pass counts the lines, for
  progress, and proves no byte further down would stop the import half-way);
- anything else is a single-byte code page, chosen by charset-normalizer from the lines
  that hold non-ASCII bytes, but Windows-1252 whenever it reads them as cleanly as the best
  guess: charset-normalizer calls Western European text Central European (cp1250) as often
  as not, while Excel on Windows in Western Europe and the Americas saves Windows-1252.
  Lines ended by a carriage return alone are Excel for Mac's "CSV (Macintosh)": Mac OS
  Roman, which Windows-1252 reads wrongly without a byte it cannot read ("Zoé" as "ZoŽ").
  Should the chosen code page have no character for a byte of the file, ISO-8859-1
  (Latin-1), which has one for every byte.
`--encoding` replaces all this with the codec it names.

The delimiter is `,` `;` tab or `|`: the one that splits the first rows into as many cells
as the header most often, then the one that splits the header into the most columns
(quotes obeyed).
"""

from __future__ import annotations

import codecs
import csv
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from crm_tui.domain.errors import ValidationError

_BLOCK = 1 << 20
_SAMPLE_BYTES = 1 << 16  # of non-ASCII lines, for telling code pages apart
DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
SNIFF_LINES = 50
_BOMS = (  # longest first: a UTF-32 LE mark starts like a UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32 LE"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32 BE"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8 with BOM"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16 LE"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16 BE"),
)
# Names users know the code pages by (keys: Python's own names for them), and the ones a
# guess is taken from: anything more exotic reads better as Windows-1252.
_CODE_PAGES = {
    "cp1252": "Windows-1252 (Western European)",
    "cp1250": "Windows-1250 (Central European)",
    "cp1251": "Windows-1251 (Cyrillic)",
    "cp1253": "Windows-1253 (Greek)",
    "cp1254": "Windows-1254 (Turkish)",
    "cp1255": "Windows-1255 (Hebrew)",
    "cp1256": "Windows-1256 (Arabic)",
    "cp1257": "Windows-1257 (Baltic)",
    "cp1258": "Windows-1258 (Vietnamese)",
    "iso8859-1": "ISO-8859-1 (Latin-1)",
    "iso8859-2": "ISO-8859-2 (Central European)",
    "iso8859-5": "ISO-8859-5 (Cyrillic)",
    "iso8859-7": "ISO-8859-7 (Greek)",
    "iso8859-15": "ISO-8859-15 (Western European with euro)",
    "koi8-r": "KOI8-R (Russian)",
    "mac-roman": "Mac OS Roman (Excel for Mac's CSV)",
}
_LATIN_1 = "iso8859-1"
_MAC_ROMAN = "mac-roman"
_WINDOWS_1252 = "cp1252"


@dataclass(frozen=True)
class Encoding:
    codec: str  # what Python opens the file with
    label: str  # what the user is told
    ascii_based: bool = True  # newlines and delimiters are single bytes as in ASCII


UTF_8 = Encoding("utf-8", "UTF-8")


def file_error(path: str | os.PathLike[str], problem: str) -> ValidationError:
    """The one error for a file that cannot be imported at all: it names the file."""
    return ValidationError("file", f"{path}: {problem}")


@contextmanager
def read_errors(path: str | os.PathLike[str]) -> Iterator[None]:
    """Reading `path`, an OSError becomes the file's one-line error."""
    try:
        yield
    except IsADirectoryError:
        raise file_error(path, "is a directory, not a file") from None
    except FileNotFoundError:
        raise file_error(path, "no such file") from None
    except OSError as exc:
        raise unreadable(path, exc) from None


def unreadable(path: str | os.PathLike[str], exc: OSError) -> ValidationError:
    """The file's error for a read the system refused (before or during an import)."""
    return file_error(path, f"cannot be read ({exc.strerror or exc})")


def _blocks(path: str | os.PathLike[str]) -> Iterator[bytes]:
    with read_errors(path), open(path, "rb") as handle:
        while block := handle.read(_BLOCK):
            yield block


def scan(path: str | os.PathLike[str], codec: str | None = None) -> tuple[Encoding, int]:
    """The file's encoding (or `codec`'s, when the user named one) and its number of lines,
    having checked every byte of it decodes, before anything is imported."""
    first = next(_blocks(path), b"")
    # Lines ended by a carriage return alone (old Macs): counted by those.
    end = "\r" if b"\r" in first and b"\n" not in first else "\n"
    if codec is not None:
        chosen = named_encoding(codec)
        return chosen, _count_lines(path, chosen, end)
    for mark, name, label in _BOMS:
        if first.startswith(mark):
            chosen = Encoding(name, label, ascii_based=name == "utf-8-sig")
            return chosen, _count_lines(path, chosen, end)
    if b"\0" in first:
        chosen = _utf16_unmarked(path, first)
        return chosen, _count_lines(path, chosen, end)
    try:
        return UTF_8, _count_lines(path, UTF_8, end, strict=True)
    except _NotUtf8 as failed:
        chosen = _code_page_named(_MAC_ROMAN) if end == "\r" else _code_page(failed.sample)
    try:
        return chosen, _count_lines(path, chosen, end, strict=True)
    except _NotUtf8:
        latin = _code_page_named(_LATIN_1)
        return latin, _count_lines(path, latin, end)


# Spreadsheet programs' own formats that are not read (an .xlsx or .xlsm workbook is: see
# workbook_rows.py), which they also save as CSV or .xlsx.
_WORKBOOKS = (".xls", ".ods", ".numbers")
_ZIP = b"PK\x03\x04"


def _binary(path: str | os.PathLike[str]) -> ValidationError:
    if os.fspath(path).lower().endswith(_WORKBOOKS):
        return file_error(path, "is a spreadsheet workbook in a format not read here: save "
                                "it as CSV or as an Excel workbook (.xlsx) and import that")
    with read_errors(path), open(path, "rb") as handle:
        zipped = handle.read(4) == _ZIP
    if zipped:  # what Mailchimp's audience export and many download buttons give
        return file_error(path, "is a zip archive: unzip it, then import the CSV files it "
                                "holds")
    return file_error(path, "is a binary file, not CSV text")


def named_encoding(codec: str) -> Encoding:
    """The encoding `--encoding` names (any codec Python knows: utf-8, cp1252, latin-1...)."""
    try:
        info = codecs.lookup(codec)
    except LookupError:
        raise ValidationError("encoding", f"unknown encoding {codec!r}: use one like utf-8, "
                                          "utf-16, cp1252 or latin-1") from None
    name = "utf-8-sig" if info.name == "utf-8" else info.name  # a BOM is not a cell
    wide = name.startswith(("utf-16", "utf-32"))
    return Encoding(name, _CODE_PAGES.get(name, codec), ascii_based=not wide)


def _utf16_unmarked(path: str | os.PathLike[str], first: bytes) -> Encoding:
    """UTF-16 without a byte order mark (its ASCII characters have a NUL beside them),
    or a binary file."""
    head = first[:4096]
    even, odd = head[0::2], head[1::2]
    pairs = max(len(odd), 1)
    if odd.count(0) >= 0.7 * pairs and even.count(0) <= 0.1 * pairs:
        return Encoding("utf-16-le", "UTF-16 LE (no BOM)", ascii_based=False)
    if even.count(0) >= 0.7 * pairs and odd.count(0) <= 0.1 * pairs:
        return Encoding("utf-16-be", "UTF-16 BE (no BOM)", ascii_based=False)
    raise _binary(path)


class _NotUtf8(Exception):
    def __init__(self, sample: bytes) -> None:
        super().__init__()
        self.sample = sample


def _count_lines(path: str | os.PathLike[str], encoding: Encoding, end: str = "\n", *,
                 strict: bool = False) -> int:
    """Lines of the file (ended by `end`), every byte decoded on the way. A byte that does
    not decode raises _NotUtf8 with a sample of the lines holding non-ASCII bytes when
    `strict` (the caller tries another encoding), else a file error."""
    decoder = codecs.getincrementaldecoder(encoding.codec)()
    lines, offset = 0, 0
    try:
        for block in _blocks(path):
            if encoding.ascii_based and b"\0" in block:
                raise _binary(path)
            try:
                text = decoder.decode(block)
            except UnicodeDecodeError as exc:
                if strict:
                    raise _NotUtf8(_non_ascii_lines(block)) from None
                raise file_error(path, f"is not {encoding.label} text (bad byte at offset "
                                       f"{offset + exc.start}); name its encoding with "
                                       "--encoding") from None
            lines += block.count(end.encode()) if encoding.ascii_based else text.count(end)
            offset += len(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        if strict:
            raise _NotUtf8(b"") from None
        raise file_error(path, f"is not {encoding.label} text (it ends inside a "
                               "character)") from None
    return lines


def _non_ascii_lines(block: bytes) -> bytes:
    lines = (line for line in block.split(b"\n") if not line.isascii())
    sample = bytearray()
    for line in lines:
        sample += line + b"\n"
        if len(sample) >= _SAMPLE_BYTES:
            break
    return bytes(sample)


def _code_page(sample: bytes) -> Encoding:
    """The single-byte code page of text that is not UTF-8 (see the module's docstring)."""
    from charset_normalizer import from_bytes  # only files that are not UTF-8 need it

    if not sample:
        return _code_page_named(_WINDOWS_1252)
    matches = from_bytes(sample)
    best = matches[0] if matches else None
    if best is None or any(_WINDOWS_1252 in match.could_be_from_charset
                           for match in matches if match.chaos <= best.chaos):
        return _code_page_named(_WINDOWS_1252)
    name = codecs.lookup(best.encoding).name
    if name not in _CODE_PAGES:
        return _code_page_named(_WINDOWS_1252)
    return _code_page_named(name)


def _code_page_named(name: str) -> Encoding:
    return Encoding(name, _CODE_PAGES[name])


def sniff_delimiter(lines: Iterable[str]) -> str:
    """The delimiter of a CSV's first lines (see the module's docstring); `,` when none
    splits the header."""
    sample = list(lines)
    best, best_score = ",", (0.0, 1, 0)
    for delimiter in DELIMITERS:
        records = _records(sample, delimiter)
        if not records or len(records[0]) < 2:
            continue
        width = len(records[0])
        rows = records[1:]
        fit = sum(len(row) == width for row in rows) / len(rows) if rows else 1.0
        # Between equals, the one less often followed by a space: that is prose in a
        # cell ("amount (EUR, net)"); files put nothing after their delimiter.
        score = (fit, width, -sum(line.count(delimiter + " ") for line in sample))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _records(lines: list[str], delimiter: str) -> list[list[str]]:
    """The non-empty rows of `lines` split by `delimiter`, up to the first that does not
    parse (a cell longer than the csv module takes): reading the rows reports that one by
    its line."""
    records = []
    try:
        for row in csv.reader(lines, delimiter=delimiter, strict=False):
            if row:
                records.append(row)
    except csv.Error:
        pass
    return records
