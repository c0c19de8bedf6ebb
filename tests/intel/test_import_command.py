"""manage.py import_seizures: a file imported with a progress bar and a summary."""

from django.core.management import call_command

from apps.reports.models import Report

from .test_imports import BAD_WEIGHT, GOOD_1, GOOD_2, HEADER


def test_the_command_imports_a_file_and_draws_its_progress_to_the_end(
    world, analyst, partners, tmp_path, capsys
):
    path = tmp_path / "earlier.csv"
    path.write_text(HEADER + GOOD_1 + BAD_WEIGHT + GOOD_2, encoding="utf-8")

    call_command("import_seizures", str(path), operation=str(world.operation.pk), officer="analyst")

    out, err = capsys.readouterr()
    assert Report.objects.filter(import_record__isnull=False).count() == 2
    assert "line 3: parcel.weight_g: Ensure this value is greater than or equal to 1." in out
    assert ": 3 rows in " in out and "2 created, 0 already imported, 1 rejected" in out
    assert "100%" in err
    assert "total=3, created=2, existing=0, rejected=1" in err
