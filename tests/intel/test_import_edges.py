"""Files with a bad row in them: only that row is rejected, by line, the rest is imported."""

import io
import json

import pytest

from apps.intel.imports import import_file, import_run_start
from apps.intel.models import ImportStatus
from apps.intel.sources import detect_encoding, detect_format
from apps.reports.models import Party, Report

HEADER = "reference,country,agency,kind,body,parcel.recipient.name\n"
LATIN1_HINT = "save the file as UTF-8 (it may be Latin-1 or Windows-1252) and import it again"


@pytest.fixture
def run_bytes(world, analyst, django_capture_on_commit_callbacks):
    """run_bytes(data, fmt, name) -> ImportRun, from the file's bytes as uploaded."""

    def _run(data: bytes, fmt: str, name: str = "earlier"):
        with django_capture_on_commit_callbacks(execute=True):
            run = import_run_start(
                operation=world.operation, officer=analyst, name=name, file_format=fmt
            )
            run = import_file(run, io.BytesIO(data))
        run.refresh_from_db()
        return run

    return _run


def row(reference: str, **fields) -> dict:
    return {"reference": reference, "country": "GR", "agency": "Hellenic Customs",
            "kind": "update", "body": f"row {reference}", **fields}  # fmt: skip


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def created(run) -> list[str]:
    return sorted(Report.objects.filter(import_record__run=run).values_list("body", flat=True))


def test_a_json_array_with_bad_rows_rejects_only_those(world, run_bytes):
    # given an array with a 5000-digit number, deep nesting, a NUL, broken JSON and a lone
    # surrogate between two good rows
    lines = [
        "[",
        json.dumps(row("1")) + ",",
        '{"reference": "2", "country": "GR", "agency": "X", "kind": "hit", "seizures": '
        '[{"category": "firearm", "quantity": ' + "9" * 5000 + "}]},",
        '{"reference": "3", "country": "GR", "agency": "X", "kind": "update", "people": '
        + nested(100_000)
        + "},",
        json.dumps(row("4", body="a\u0000b")) + ",",
        '{"reference": "5", "kind": "update",, "body": "x"},',
        '{"reference": "6", "country": "GR", "agency": "X", "kind": "update", "body": "\\ud800"},',
        json.dumps(row("7")),
        "]",
    ]

    # when it is imported
    run = run_bytes("\n".join(lines).encode(), "json")

    # then the good rows are in, each bad one is named by its line
    assert run.status == ImportStatus.DONE
    assert created(run) == ["row 1", "row 7"]
    assert run.errors == [
        {"line": 3, "reason": "a number of 5000 characters (at most 40)"},
        {"line": 4, "reason": "nested deeper than 16 levels"},
        {"line": 5, "reason": "a NUL character (\\u0000) is not text"},
        {"line": 6, "reason": "not valid JSON: Expecting property name enclosed in double quotes"},
        {"line": 7, "reason": "\\ud800 alone is not text"},
    ]
    assert (run.rows_total, run.rows_created, run.rows_rejected) == (7, 2, 5)


def test_json_lines_with_bad_rows_reject_only_those(world, run_bytes):
    # given JSON Lines with a huge number, deep nesting, a bad UTF-8 byte and a good row
    data = b"\n".join([
        b'{"reference": "1", "country": "GR", "agency": "X", "kind": "update", "checks_count": '
        + b"1" * 5000 + b"}",
        b'{"reference": "2", "country": "GR", "agency": "X", "kind": "update", "people": '
        + nested(5000).encode() + b"}",
        b'{"reference": "3", "country": "GR", "agency": "X", "kind": "update", "body": "caf\xe9"}',
        json.dumps(row("4")).encode(),
    ])  # fmt: skip

    # when it is imported
    run = run_bytes(data, "jsonl")

    # then only the good row is in
    assert run.status == ImportStatus.DONE
    assert created(run) == ["row 4"]
    assert run.errors == [
        {"line": 1, "reason": "a number of 5000 characters (at most 40)"},
        {"line": 2, "reason": "nested deeper than 16 levels"},
        {"line": 3, "reason": f"byte 0xe9 is not UTF-8: {LATIN1_HINT}"},
    ]


def test_a_csv_with_one_bad_byte_rejects_that_row(world, run_bytes):
    # given a UTF-8 CSV with one stray byte in its second row
    data = (
        HEADER.encode()
        + "GR-1,GR,Hellenic Customs,update,first,Giorgos Müller\n".encode()
        + b"GR-2,GR,Hellenic Customs,update,second \xff,\n"
        + b"GR-3,GR,Hellenic Customs,update,third,\n"
    )

    # when it is imported
    run = run_bytes(data, "csv")

    # then the row with the byte is rejected, named by line and byte
    assert run.status == ImportStatus.DONE
    assert created(run) == ["first", "third"]
    assert run.errors == [{"line": 3, "reason": f"byte 0xff is not UTF-8: {LATIN1_HINT}"}]
    assert Party.objects.get(report__body="first").name == "Giorgos Müller"


def test_a_latin1_csv_imports_its_ascii_rows_and_names_the_others(world, partners, run_bytes):
    # given a CSV saved as Latin-1, one row with an accented name
    data = (HEADER + "DE-1,DE,Zoll,update,one,Hans Müller\nDE-2,DE,Zoll,update,two,Hans\n").encode(
        "latin-1"
    )

    # when it is imported
    run = run_bytes(data, "csv")

    # then the ASCII row is in, and the other is named with what to do
    assert run.status == ImportStatus.DONE
    assert created(run) == ["two"]
    assert run.errors == [{"line": 2, "reason": f"byte 0xfc is not UTF-8: {LATIN1_HINT}"}]


@pytest.mark.parametrize(
    "encoding, bom",
    [
        ("utf-16", b""),
        ("utf-16-le", b""),
        ("utf-16-be", b""),
        ("utf-32", b""),
        ("utf-8", b"\xef\xbb\xbf"),
    ],
)
def test_utf16_utf32_and_bom_files_are_read_in_their_encoding(
    world, partners, run_bytes, encoding, bom
):
    # given the same CSV in another encoding (utf-16 and utf-32 write a byte-order mark)
    text = HEADER + "DE-1,DE,Zoll,update,one,Hans Müller\nGR-2,GR,Τελωνείο,update,two,Γιώργος\n"

    # when it is imported
    run = run_bytes(bom + text.encode(encoding), "csv")

    # then every row is in, with its letters
    assert (run.status, run.errors) == (ImportStatus.DONE, [])
    assert created(run) == ["one", "two"]
    assert sorted(Party.objects.values_list("name", flat=True)) == ["Hans Müller", "Γιώργος"]


def test_a_utf16_json_file_is_recognised_without_its_name():
    data = '[{"kind": "hit"}]'.encode("utf-16")
    lines = '{"kind": "hit"}\n{"kind": "hit"}'.encode("utf-16-le")

    assert (detect_encoding(data), detect_format("upload", data)) == ("utf-16", "json")
    assert (detect_encoding(lines), detect_format("upload.json", lines)) == ("utf-16-le", "jsonl")
    assert detect_encoding("country,agency".encode("latin-1")) == "utf-8"


def test_a_huge_number_in_a_csv_list_cell_rejects_the_row(world, run_bytes):
    # given a seizures cell in JSON with a 5000-digit quantity
    data = (
        "country,agency,kind,seizures\n"
        'GR,Hellenic Customs,hit,"[{""category"": ""firearm"", ""quantity"": '
        + "7"
        * 5000
        + '}]"\n'
        "GR,Hellenic Customs,hit,firearm:1\n"
    ).encode()

    # when it is imported
    run = run_bytes(data, "csv")

    # then that row alone is rejected
    assert run.status == ImportStatus.DONE
    assert run.errors == [
        {"line": 2, "reason": "seizures: a number of 5000 characters (at most 40)"}
    ]
    assert run.rows_created == 1


def test_a_json_file_whose_brackets_never_close_is_refused_whole(world, run_bytes):
    # given an array cut off in the middle of its second report
    data = b'[\n{"country": "GR", "agency": "X", "kind": "update"},\n{"kind": "upd'

    # when it is imported
    run = run_bytes(data, "json")

    # then the file is refused with the line where it breaks, and nothing is imported
    assert run.status == ImportStatus.FAILED
    assert run.errors == [{"line": 3, "reason": "Not valid JSON: Unterminated string starting at"}]
    assert created(run) == []
