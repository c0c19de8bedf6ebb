"""Reading files of earlier seizures: rows, line numbers, the compact list cells."""

import io

import pytest

from apps.intel.sources import SourceInvalid, detect_format, read_rows


def rows(text: str, fmt: str) -> list[tuple[int, dict | None, str]]:
    return [(r.line, r.data, r.error) for r in read_rows(io.BytesIO(text.encode()), fmt)]


def test_csv_rows_start_lines_nesting_and_list_cells():
    text = (
        "Country,agency,kind,body,seizures,people,selectors,parcel.recipient.name\n"
        'GR,Hellenic Customs,hit,"two\nlines",firearm:1:Glock 17; ammunition:50,'
        "Ivan Petrov|1980-02-01; Maria K,vendor_handle:@gunsmith; phone:+30 694 123 4567,A B\n"
        "\n"
        'BG,Bulgarian Customs,hit,,"[{""category"": ""firearm"", ""quantity"": 2}]",,,\n'
        "BG,Bulgarian Customs,hit,,firearm,,,\n"
    )

    (first, second, third) = rows(text, "csv")

    assert first == (2, {
        "country": "GR", "agency": "Hellenic Customs", "kind": "hit", "body": "two\nlines",
        "seizures": [{"category": "firearm", "quantity": "1", "description": "Glock 17"},
                     {"category": "ammunition", "quantity": "50"}],
        "people": [{"name": "Ivan Petrov", "date_of_birth": "1980-02-01"}, {"name": "Maria K"}],
        "selectors": [{"type": "vendor_handle", "value": "@gunsmith"},
                      {"type": "phone", "value": "+30 694 123 4567"}],
        "parcel": {"recipient": {"name": "A B"}},
    }, "")  # fmt: skip
    assert second == (
        5, {"country": "BG", "agency": "Bulgarian Customs", "kind": "hit",
            "seizures": [{"category": "firearm", "quantity": 2}]}, "",
    )  # fmt: skip
    assert third == (6, None, "seizures: 'firearm' is not category:quantity[:description]")


@pytest.mark.parametrize(
    "header, message",
    [
        (
            "country,agency,kind,colour",
            "Unknown column: colour. See docs/intel.md for the columns.",
        ),
        ("country,agency", "Missing column: kind."),
        ("country,agency,kind,kind", "Column given twice: kind."),
    ],
)
def test_a_bad_csv_header_refuses_the_file(header, message):
    with pytest.raises(SourceInvalid) as refused:
        rows(header + "\n", "csv")
    assert refused.value.message == message


def test_json_array_objects_carry_the_line_they_start_on():
    text = '[\n  {"kind": "hit"},\n  "not an object",\n\n  {\n    "kind": "intel"\n  }\n]\n'

    assert rows(text, "json") == [
        (2, {"kind": "hit"}, ""),
        (3, None, "a report is a JSON object"),
        (5, {"kind": "intel"}, ""),
    ]


def test_json_lines_name_the_bad_line():
    assert rows('{"kind": "hit"}\n{broken\n\n[1]\n', "jsonl") == [
        (1, {"kind": "hit"}, ""),
        (2, None, "not valid JSON: Expecting property name enclosed in double quotes"),
        (4, None, "a report is a JSON object"),
    ]


def test_format_from_name_then_content():
    assert detect_format("a.CSV", b"country") == "csv"
    assert detect_format("a.json", b'[{"a": 1}]') == "json"
    assert detect_format("a.json", b'{"a": 1}\n{"a": 2}') == "jsonl"
    assert detect_format("upload", b"\xef\xbb\xbf[") == "json"
    assert detect_format("upload", b"country,agency") == "csv"


@pytest.mark.parametrize(
    ("file_format", "content"),
    [
        ("json", b'[{"country": "GR"}]'),
        ("jsonl", b'{"country": "GR"}\n'),
        ("csv", b"country,agency,kind\nGR,Hellenic Customs,hit\n"),
    ],
)
def test_reading_the_rows_leaves_the_callers_file_open(file_format, content):
    # given an open file the caller goes on using (the import command's progress line)
    stream = io.BytesIO(content)

    # when
    rows = list(read_rows(stream, file_format))

    # then
    assert len(rows) == 1
    assert stream.closed is False
    assert stream.tell() == len(content)
