"""One Match per pair of reports (3/3): the per-selector columns go, a pair is unique."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("crossmatch", "0005_fold_pairs")]

    operations = [
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
