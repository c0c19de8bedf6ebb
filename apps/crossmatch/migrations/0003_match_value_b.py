from django.db import migrations, models
from django.db.models import F


def exact_values_on_both_sides(apps, schema_editor):
    Match = apps.get_model("crossmatch", "Match")
    Match.objects.filter(kind="exact").update(value_b=F("value"))


class Migration(migrations.Migration):
    dependencies = [("crossmatch", "0002_name_token_counts")]

    operations = [
        migrations.AddField(
            model_name="match",
            name="value_b",
            field=models.CharField(blank=True, default="", max_length=500),
        ),
        migrations.RunPython(exact_values_on_both_sides, migrations.RunPython.noop),
    ]
