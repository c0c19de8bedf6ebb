"""Running totals kept per room and audience, so each viewer adds up only what they may read.

Totals kept before this could not tell whose reports they counted: they are
rebuilt from the reports (once, here), and indicator totals (which came partly
from scoring, partly from reports) are kept for the coordinators only.
"""

from django.db import migrations, models


def rebuild(apps, schema_editor):
    from apps.dashboard.services import counters_add, report_counter_rows

    Counter = apps.get_model("dashboard", "Counter")
    Report = apps.get_model("reports", "Report")
    Counter.objects.filter(scope="indicator").update(audience="coordinators")
    Counter.objects.exclude(scope="indicator").delete()
    totals: dict[int, dict[tuple, int]] = {}
    reports = Report.objects.select_related("room").prefetch_related("seizures").order_by("pk")
    for report in reports.iterator(chunk_size=2000):
        per_operation = totals.setdefault(report.room.operation_id, {})
        for *where, amount in report_counter_rows(report, report.seizures.all()):
            per_operation[tuple(where)] = per_operation.get(tuple(where), 0) + amount
    for operation_id, rows in totals.items():
        counters_add(operation_id, [(*where, amount) for where, amount in rows.items()])


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0001_initial"),
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="counter", name="counter_unique"),
        migrations.AddField(
            model_name="counter", name="room_id", field=models.BigIntegerField(default=0)
        ),
        migrations.AddField(
            model_name="counter",
            name="audience",
            field=models.CharField(default="operation", max_length=12),
        ),
        migrations.AddConstraint(
            model_name="counter",
            constraint=models.UniqueConstraint(
                fields=("operation", "room_id", "audience", "scope", "key", "metric"),
                name="counter_unique",
            ),
        ),
        migrations.RunPython(rebuild, migrations.RunPython.noop),
    ]
