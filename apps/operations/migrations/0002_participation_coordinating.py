from django.db import migrations, models


def coordinator_bodies_coordinate(apps, schema_editor):
    # Before this field, any coordinator account reached every operation; keep
    # the coordinating bodies that already take part as the operations' coordinators.
    Participation = apps.get_model("operations", "Participation")
    Participation.objects.filter(agency__kind="coordinator").update(coordinating=True)


class Migration(migrations.Migration):
    dependencies = [("operations", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="participation",
            name="coordinating",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(coordinator_bodies_coordinate, migrations.RunPython.noop),
    ]
