"""Reading files of earlier seizures: CSV, JSON (an array) and JSON Lines.

One row or object per report, with its line number, so a rejected row can be
named. A row that cannot be taken (bytes that are not text, a NUL, a number of
thousands of digits, nesting deeper than MAX_DEPTH, broken JSON inside an
array) is rejected alone; only a file that cannot be read at all fails whole.

Encoding: a byte-order mark says UTF-8, UTF-16 or UTF-32, and UTF-16 without
one is recognised by its zero bytes; anything else is read as UTF-8, and a row
with bytes that are not UTF-8 (a Latin-1 or Windows-1252 file, one bad byte) is
rejected with the byte named and a request to save the file as UTF-8.

The CSV columns are the report's fields as dotted paths (the JSON keys of
DESIGN.md), plus the four columns of an import; docs/intel.md lists them.
Pure Python, no database.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

#: Columns only an import has: who reported the row, and its own key.
IMPORT_COLUMNS = ("reference", "country", "agency", "agency_kind")
PARTY_FIELDS = ("name", "date_of_birth", "address", "phone", "email", "company")
REPORT_COLUMNS = (
    "kind", "handling", "occurred_at", "body",
    "location.name", "location.country", "location.site_type", "location.lat", "location.lon",
    "checks_count", "outcome", "seizures",
    "parcel.tracking_number", "parcel.carrier", "parcel.origin_country",
    "parcel.destination_country", "parcel.declared_content", "parcel.weight_g",
    *(f"parcel.sender.{f}" for f in PARTY_FIELDS),
    *(f"parcel.recipient.{f}" for f in PARTY_FIELDS),
    "people", "selectors",
)  # fmt: skip
CSV_COLUMNS = IMPORT_COLUMNS + REPORT_COLUMNS
REQUIRED_COLUMNS = ("country", "agency", "kind")
#: Cells holding a list: JSON ("[...]") or the compact form shown in docs/intel.md.
LIST_COLUMNS = ("seizures", "people", "selectors")
FORMATS = ("csv", "json", "jsonl")
MAX_ROW_BYTES = 256 * 1024
csv.field_size_limit(MAX_ROW_BYTES)
#: Deepest nesting a row may have (a report object nests four levels at most).
MAX_DEPTH = 16
#: Longest number a row may hold; Python refuses int() of more than 4300 digits.
MAX_DIGITS = 40
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_NOT_TEXT = re.compile("[\x00\ud800-\udfff]")


class SourceInvalid(ValueError):
    """The file as a whole cannot be read (bad header, not JSON...)."""

    def __init__(self, message: str, line: int = 1):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(slots=True)
class RawRow:
    line: int
    data: dict | None  # None when the row could not even be read
    error: str = ""


def detect_encoding(head: bytes) -> str:
    """The codec of a file from its first bytes: a byte-order mark, UTF-16's zeros, else UTF-8."""
    for bom, encoding in BOMS:
        if head.startswith(bom):
            return encoding
    # UTF-8 text has no zero bytes; UTF-16 has one in every ASCII character, always
    # on the same side of the pair (odd positions little-endian, even big-endian).
    sample = head[:512]
    pairs = len(sample) // 2
    even, odd = sample[0 : pairs * 2 : 2].count(0), sample[1 : pairs * 2 : 2].count(0)
    if pairs >= 2 and odd >= pairs / 4 and even <= odd / 8:
        return "utf-16-le"
    if pairs >= 2 and even >= pairs / 4 and odd <= even / 8:
        return "utf-16-be"
    return "utf-8"


def detect_format(name: str, head: bytes) -> str:
    """csv, json or jsonl from the file name, else from its first character."""
    start = head.decode(detect_encoding(head), errors="ignore").lstrip("\ufeff \t\r\n")[:1]
    lowered = name.lower()
    for suffix, fmt in (
        (".csv", "csv"),
        (".jsonl", "jsonl"),
        (".ndjson", "jsonl"),
        (".json", "json"),
    ):
        if lowered.endswith(suffix):
            return "jsonl" if fmt == "json" and start == "{" else fmt
    return {"[": "json", "{": "jsonl"}.get(start, "csv")


def read_rows(stream: IO[bytes], file_format: str) -> Iterator[RawRow]:
    """The rows of a file, in order, each with the line it starts on."""
    if file_format not in FORMATS:
        raise SourceInvalid(f"Unknown format {file_format!r}; use one of {', '.join(FORMATS)}.")
    text = _text(stream)
    try:
        if file_format == "csv":
            yield from _csv_rows(text)
        elif file_format == "jsonl":
            yield from _jsonl_rows(text)
        else:
            yield from _json_rows(text)
    finally:
        # The caller owns the file (the import command reads its position for the
        # progress line): a text wrapper that is collected would close it.
        text.detach()


def _text(stream: IO[bytes]) -> IO[str]:
    """The file as text in its detected encoding; bytes that are not text become
    lone surrogates (surrogateescape), for the row that holds them to be rejected."""
    if not stream.seekable():
        stream = io.BytesIO(stream.read())
    head = stream.read(4096)
    stream.seek(0)
    encoding = detect_encoding(head)
    if encoding == "utf-8":
        encoding = "utf-8-sig"
    return io.TextIOWrapper(stream, encoding=encoding, errors="surrogateescape", newline="")


class _LongNumber(str):
    """A number of more than MAX_DIGITS digits, kept as its text for the row to be rejected."""


def _number(convert):
    def parse(text: str):
        return _LongNumber(text) if len(text) > MAX_DIGITS else convert(text)

    return parse


_decoder = json.JSONDecoder(parse_int=_number(int), parse_float=_number(float))


class TooDeep(ValueError):
    def __init__(self) -> None:
        super().__init__(f"nested deeper than {MAX_DEPTH} levels")


def loads(text: str):
    """json.loads with bounded numbers; a ValueError with a message for anything unreadable."""
    try:
        return _decoder.decode(text)
    except RecursionError:
        raise TooDeep() from None
    except ValueError as exc:
        raise ValueError(getattr(exc, "msg", None) or str(exc)) from None


def row_problem(value, depth: int = 0) -> str:
    """Why a row read from a file cannot be taken ("" if it can): what PostgreSQL cannot
    store (NUL, lone surrogates), numbers of thousands of digits, needless depth."""
    if isinstance(value, str):
        if isinstance(value, _LongNumber):
            return f"a number of {len(value)} characters (at most {MAX_DIGITS})"
        found = _NOT_TEXT.search(value)
        return _not_text(found.group()) if found else ""
    if isinstance(value, (dict, list)):
        if depth >= MAX_DEPTH:
            return f"nested deeper than {MAX_DEPTH} levels"
        items = value.items() if isinstance(value, dict) else ((None, v) for v in value)
        for key, item in items:
            problem = (key is not None and row_problem(key, depth + 1)) or row_problem(
                item, depth + 1
            )
            if problem:
                return problem
    return ""


def _not_text(char: str) -> str:
    if char == "\x00":
        return "a NUL character (\\u0000) is not text"
    if 0xDC80 <= ord(char) <= 0xDCFF:
        return (
            f"byte 0x{ord(char) - 0xDC00:02x} is not UTF-8: save the file as UTF-8 "
            "(it may be Latin-1 or Windows-1252) and import it again"
        )
    return f"\\u{ord(char):04x} alone is not text"


# ------------------------------------------------------------------------- CSV


def csv_header(names: list[str]) -> list[str]:
    if problem := row_problem(names):
        raise SourceInvalid(f"The header cannot be read: {problem}.")
    header = [n.strip().lower() for n in names]
    unknown = [n for n in header if n not in CSV_COLUMNS]
    if unknown:
        raise SourceInvalid(
            f"Unknown column{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}. "
            "See docs/intel.md for the columns."
        )
    duplicated = sorted({n for n in header if header.count(n) > 1})
    if duplicated:
        raise SourceInvalid(f"Column given twice: {', '.join(duplicated)}.")
    missing = [n for n in REQUIRED_COLUMNS if n not in header]
    if missing:
        raise SourceInvalid(
            f"Missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}."
        )
    return header


def _csv_rows(text: IO[str]) -> Iterator[RawRow]:
    reader = csv.reader(text)
    try:
        names = next(reader)
    except StopIteration:
        raise SourceInvalid("The file is empty.") from None
    except (csv.Error, UnicodeError) as exc:
        raise SourceInvalid(f"Not a readable CSV file: {exc}") from None
    header = csv_header(names)
    line = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except UnicodeError as exc:  # a codec that cannot go on (a UTF-16 file cut in half)
            raise SourceInvalid(f"The file cannot be read as text: {exc.reason}.", line) from None
        except csv.Error as exc:
            yield RawRow(line, None, f"not readable as CSV: {exc}")
            line = reader.line_num + 1
            continue
        start, line = line, reader.line_num + 1
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            yield RawRow(start, None, f"{len(values)} cells where the header has {len(header)}")
            continue
        if problem := row_problem(values):
            yield RawRow(start, None, problem)
            continue
        try:
            yield RawRow(start, csv_row_to_data(header, values))
        except ValueError as exc:
            yield RawRow(start, None, str(exc))


def csv_row_to_data(header: list[str], values: list[str]) -> dict:
    """A CSV row as a report object: dotted columns nest, list cells are parsed."""
    data: dict[str, Any] = {}
    for column, raw in zip(header, values, strict=True):
        value = raw.strip()
        if value == "":
            continue
        if column in LIST_COLUMNS:
            data[column] = _list_cell(column, value)
            continue
        target = data
        *parents, leaf = column.split(".")
        for part in parents:
            target = target.setdefault(part, {})
        target[leaf] = value
    return data


def _list_cell(column: str, value: str) -> list:
    if value.startswith("["):
        try:
            items = loads(value)
        except ValueError as exc:
            raise ValueError(f"{column}: not valid JSON ({exc})") from None
        if not isinstance(items, list):
            raise ValueError(f"{column}: a JSON list is required")
        if problem := row_problem(items, depth=1):
            raise ValueError(f"{column}: {problem}")
        return items
    items = [item.strip() for item in value.split(";") if item.strip()]
    if column == "seizures":
        out = []
        for item in items:
            parts = [p.strip() for p in item.split(":", 2)]
            if len(parts) < 2:
                raise ValueError(f"seizures: {item!r} is not category:quantity[:description]")
            line = {"category": parts[0], "quantity": parts[1]}
            if len(parts) == 3 and parts[2]:
                line["description"] = parts[2]
            out.append(line)
        return out
    if column == "selectors":
        out = []
        for item in items:
            kind, sep, val = item.partition(":")
            if not sep:
                raise ValueError(f"selectors: {item!r} is not type:value")
            out.append({"type": kind.strip(), "value": val.strip()})
        return out
    # people: "name|date_of_birth; name"
    out = []
    for item in items:
        name, _, born = item.partition("|")
        person = {"name": name.strip()}
        if born.strip():
            person["date_of_birth"] = born.strip()
        out.append(person)
    return out


def _csv_agency_cells(text: IO[str]) -> Iterator[tuple]:
    reader = csv.reader(text)
    try:
        header = csv_header(next(reader))
    except StopIteration:
        raise SourceInvalid("The file is empty.") from None
    except (csv.Error, UnicodeError) as exc:
        raise SourceInvalid(f"Not a readable CSV file: {exc}") from None
    width = len(header)
    at = [header.index(c) if c in header else None for c in ("country", "agency", "agency_kind")]
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except UnicodeError as exc:
            raise SourceInvalid(f"The file cannot be read as text: {exc.reason}.") from None
        except csv.Error:
            continue  # rejected with its line when the rows are read
        if len(values) == width:
            yield tuple(values[i].strip() if i is not None else None for i in at)


def read_agency_cells(stream: IO[bytes], file_format: str) -> Iterator[tuple]:
    """(country, agency, agency_kind) of every row as written, for a first pass over a file.

    CSV rows are only split, not turned into reports (about 4x faster than read_rows,
    2-3 % of what loading a row costs); rows that cannot be read are left out
    (read_rows rejects them with their line), and what makes read_rows fail makes
    this fail. JSON is parsed as read_rows does.
    """
    if file_format != "csv":
        for raw in read_rows(stream, file_format):
            if raw.data is not None:
                yield raw.data.get("country"), raw.data.get("agency"), raw.data.get("agency_kind")
        return
    text = _text(stream)
    try:
        yield from _csv_agency_cells(text)
    finally:
        text.detach()


# ------------------------------------------------------------------------ JSON


def _object_row(line: int, value) -> RawRow:
    if not isinstance(value, dict):
        return RawRow(line, None, "a report is a JSON object")
    if problem := row_problem(value):
        return RawRow(line, None, problem)
    return RawRow(line, value)


def _jsonl_rows(text: IO[str]) -> Iterator[RawRow]:
    for number, raw in enumerate(_lines(text), start=1):
        if not raw.strip():
            continue
        if len(raw) > MAX_ROW_BYTES:
            yield RawRow(number, None, f"longer than {MAX_ROW_BYTES} bytes")
            continue
        try:
            value = loads(raw)
        except TooDeep as exc:
            yield RawRow(number, None, str(exc))
            continue
        except ValueError as exc:
            yield RawRow(number, None, f"not valid JSON: {exc}")
            continue
        yield _object_row(number, value)


def _lines(text: IO[str]) -> Iterator[str]:
    """Lines ended by \\n only, as JSON Lines has them (a lone \\r is no line end)."""
    pending = ""
    while chunk := _read(text, 1 << 16):
        lines = (pending + chunk).split("\n")
        pending = lines.pop()
        yield from lines
    if pending:
        yield pending


def _read(text: IO[str], size: int) -> str:
    try:
        return text.read(size)
    except UnicodeError as exc:
        raise SourceInvalid(f"The file cannot be read as text: {exc.reason}.") from None


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},]', re.DOTALL)


def _value_end(text: str, pos: int) -> int | None:
    """Where the JSON value at `pos` ends, found by its brackets (no recursion, no parsing)."""
    depth = 0
    for token in _TOKEN.finditer(text, pos):
        mark = token.group()
        if mark in "[{":
            depth += 1
        elif mark in "]}":
            depth -= 1
            if depth == 0:
                return token.end()
            if depth < 0:
                return token.start()
        elif mark == "," and depth == 0:
            return token.start()
    return None


def _json_rows(stream: IO[str]) -> Iterator[RawRow]:
    text = _read(stream, -1)
    pos = _skip_ws(text, 0)
    if pos >= len(text) or text[pos] != "[":
        raise SourceInvalid("A JSON import is an array of report objects (or use JSON Lines).")
    pos = _skip_ws(text, pos + 1)
    line, counted = 1, 0
    if pos < len(text) and text[pos] == "]":
        return
    while True:
        line += text.count("\n", counted, pos)
        counted = pos
        try:
            value, end = _decoder.raw_decode(text, pos)
        except (ValueError, RecursionError) as exc:
            # Only this report is broken if its brackets close: reject it, go on after it.
            end = _value_end(text, pos)
            if end is None or end == pos:
                where = getattr(exc, "pos", pos)
                raise SourceInvalid(
                    f"Not valid JSON: {getattr(exc, 'msg', 'unbalanced brackets')}",
                    line + text.count("\n", pos, where),
                ) from None
            reason = (
                str(TooDeep())
                if isinstance(exc, RecursionError)
                else f"not valid JSON: {getattr(exc, 'msg', exc)}"
            )
            yield RawRow(line, None, reason)
        else:
            yield _object_row(line, value)
        pos = _skip_ws(text, end)
        if pos < len(text) and text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
            continue
        if pos < len(text) and text[pos] == "]":
            return
        raise SourceInvalid(
            "Expected ',' or ']' after a report.", line + text.count("\n", counted, pos)
        )


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos
