"""One Match per pair of reports: the selectors and names it shares become its links.

Existing rows (one per pair and selector) are folded: the first row of each pair is
kept as the pair, every row becomes a link of it, and the alerts of the other rows are
moved to it (one alert per officer and pair; the most advanced state is kept).
"""

import django.db.models.deletion
from django.db import migrations, models

STATE_ORDER = {"new": 0, "seen": 1, "acknowledged": 2}


def fold_pairs(apps, schema_editor):
    Match = apps.get_model("crossmatch", "Match")
    MatchLink = apps.get_model("crossmatch", "MatchLink")
    Alert = apps.get_model("alerts", "Alert")
    kept: dict[tuple[int, int], object] = {}
    for row in Match.objects.order_by("id").iterator():
        pair = kept.setdefault((row.report_a_id, row.report_b_id), row)
        MatchLink.objects.create(
            match_id=pair.pk,
            kind=row.kind,
            selector_type=row.selector_type,
            value=row.value,
            value_b=row.value_b or row.value,
            score=row.score,
            reasons=row.reasons,
        )
        if pair.pk == row.pk:
            continue
        if row.kind == "exact":
            pair.kind = "exact"
        pair.score = max(pair.score, row.score)
        pair.save(update_fields=["kind", "score"])
        for alert in Alert.objects.filter(match_id=row.pk):
            other = Alert.objects.filter(officer_id=alert.officer_id, match_id=pair.pk).first()
            if other is None:
                alert.match_id = pair.pk
                alert.save(update_fields=["match"])
            elif STATE_ORDER.get(alert.state, 0) > STATE_ORDER.get(other.state, 0):
                other.state, other.acknowledged_at = alert.state, alert.acknowledged_at
                other.save(update_fields=["state", "acknowledged_at"])
        row.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("crossmatch", "0003_match_value_b"),
        ("reports", "0001_initial"),
        ("alerts", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="MatchLink",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[("exact", "exact"), ("fuzzy", "fuzzy")], max_length=10)),
                ("selector_type", models.CharField(max_length=20)),
                ("value", models.CharField(max_length=500)),
                ("value_b", models.CharField(blank=True, default="", max_length=500)),
                ("score", models.FloatField(default=1.0)),
                ("reasons", models.JSONField(default=list)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("match", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="links", to="crossmatch.match")),
            ],
            options={"ordering": ["-score", "id"]},
        ),
        migrations.AddField(
            model_name="match",
            name="updated_at",
            field=models.DateTimeField(auto_now=True),
        ),
        migrations.RunPython(fold_pairs, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="match", name="match_unique"),
        migrations.RemoveField(model_name="match", name="reasons"),
        migrations.RemoveField(model_name="match", name="selector_type"),
        migrations.RemoveField(model_name="match", name="value"),
        migrations.RemoveField(model_name="match", name="value_b"),
        migrations.AddConstraint(
            model_name="match",
            constraint=models.UniqueConstraint(fields=("report_a", "report_b"), name="match_pair_unique"),
        ),
        migrations.AddConstraint(
            model_name="matchlink",
            constraint=models.UniqueConstraint(fields=("match", "selector_type", "value"), name="matchlink_unique"),
        ),
        migrations.AddConstraint(
            model_name="matchlink",
            constraint=models.CheckConstraint(condition=models.Q(("score__gte", 0), ("score__lte", 1)), name="matchlink_score_range"),
        ),
    ]
