"""One Match per pair of reports (2/3): fold existing rows into pairs and links.

The first row of each pair is kept as the pair, every row becomes a link of it, and the
alerts of the other rows are moved to it (one alert per officer and pair; the most
advanced state is kept).
"""

from django.db import migrations

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
        ("crossmatch", "0004_match_per_pair"),
        ("alerts", "0001_initial"),
    ]

    operations = [migrations.RunPython(fold_pairs, migrations.RunPython.noop)]
