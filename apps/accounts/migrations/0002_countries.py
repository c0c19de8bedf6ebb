"""Fill the country table from ISO 3166-1 (as shipped by pycountry)."""

from django.db import migrations


def load_countries(apps, schema_editor):
    import pycountry

    Country = apps.get_model("accounts", "Country")
    Country.objects.bulk_create(
        [
            Country(code=c.alpha_2, name=getattr(c, "common_name", None) or c.name)
            for c in pycountry.countries
        ],
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(load_countries, migrations.RunPython.noop)]
