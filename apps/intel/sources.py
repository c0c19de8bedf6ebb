"""Reading files of earlier seizures: CSV, JSON (an array) and JSON Lines.

One row or object per report, with its line number, so a rejected row can be
named. The CSV columns are the report's fields as dotted paths (the JSON keys
of DESIGN.md), plus the four columns of an import; docs/intel.md lists them.
Pure Python, no database.
"""

from __future__ import annotations

import csv
import io
import json
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


def detect_format(name: str, head: bytes) -> str:
    """csv, json or jsonl from the file name, else from its first character."""
    lowered = name.lower()
    for suffix, fmt in (
        (".csv", "csv"),
        (".jsonl", "jsonl"),
        (".ndjson", "jsonl"),
        (".json", "json"),
    ):
        if lowered.endswith(suffix):
            if fmt == "json" and head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{"):
                return "jsonl"
            return fmt
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return {b"[": "json", b"{": "jsonl"}.get(start, "csv")


def read_rows(stream: IO[bytes], file_format: str) -> Iterator[RawRow]:
    """The rows of a file, in order, each with the line it starts on."""
    if file_format == "csv":
        yield from _csv_rows(stream)
    elif file_format == "jsonl":
        yield from _jsonl_rows(stream)
    elif file_format == "json":
        yield from _json_rows(stream)
    else:
        raise SourceInvalid(f"Unknown format {file_format!r}; use one of {', '.join(FORMATS)}.")


# ------------------------------------------------------------------------- CSV


def csv_header(names: list[str]) -> list[str]:
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


def _csv_rows(stream: IO[bytes]) -> Iterator[RawRow]:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="", errors="strict")
    reader = csv.reader(text)
    try:
        names = next(reader)
    except StopIteration:
        raise SourceInvalid("The file is empty.") from None
    except (csv.Error, UnicodeDecodeError) as exc:
        raise SourceInvalid(f"Not a readable CSV file: {exc}") from None
    header = csv_header(names)
    line = reader.line_num + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError:
            raise SourceInvalid("The file is not UTF-8 text.", line) from None
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
            items = json.loads(value)
        except ValueError as exc:
            raise ValueError(f"{column}: not valid JSON ({exc.msg})") from None
        if not isinstance(items, list):
            raise ValueError(f"{column}: a JSON list is required")
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


# ------------------------------------------------------------------------ JSON


def _jsonl_rows(stream: IO[bytes]) -> Iterator[RawRow]:
    for number, raw in enumerate(stream, start=1):
        if number == 1:
            raw = raw.removeprefix(b"\xef\xbb\xbf")
        if not raw.strip():
            continue
        if len(raw) > MAX_ROW_BYTES:
            yield RawRow(number, None, f"longer than {MAX_ROW_BYTES} bytes")
            continue
        try:
            value = json.loads(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            yield RawRow(number, None, f"not valid JSON: {getattr(exc, 'msg', exc)}")
            continue
        if not isinstance(value, dict):
            yield RawRow(number, None, "a report is a JSON object")
            continue
        yield RawRow(number, value)


def _json_rows(stream: IO[bytes]) -> Iterator[RawRow]:
    try:
        text = stream.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceInvalid("The file is not UTF-8 text.") from None
    decoder = json.JSONDecoder()
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
            value, end = decoder.raw_decode(text, pos)
        except ValueError as exc:
            raise SourceInvalid(
                f"Not valid JSON: {exc.msg}", line + text.count("\n", pos, exc.pos)
            ) from None
        if isinstance(value, dict):
            yield RawRow(line, value)
        else:
            yield RawRow(line, None, "a report is a JSON object")
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
