"""One Match per pair of reports (1/3): the links table and the pair's updated_at.

0005 folds existing rows (one per pair and selector) into pairs and their links, 0006
drops the per-selector columns. Three migrations, so that on PostgreSQL the rows are
moved in a transaction of their own, between the schema changes.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("crossmatch", "0003_match_value_b"),
        ("reports", "0001_initial"),
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
    ]
