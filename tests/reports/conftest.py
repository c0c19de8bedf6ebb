import pytest

from apps.crossmatch.models import NameKey, NameTokenCount
from apps.dashboard.models import Counter
from apps.operations.models import Room
from apps.reports.models import Parcel, Party, Report, ReportRecipient, Seizure, Selector

WRITTEN_BY_A_REPORT = (
    Report, Seizure, Parcel, Party, Selector, ReportRecipient, Counter, NameKey, NameTokenCount,
)  # fmt: skip


def report_rows() -> dict[str, object]:
    """Everything posting a report writes: row counts, the totals and the rooms' seq."""
    rows: dict[str, object] = {m.__name__: m.objects.count() for m in WRITTEN_BY_A_REPORT}
    rows["Counter.values"] = sorted(Counter.objects.values_list("scope", "key", "metric", "value"))
    rows["NameTokenCount.values"] = sorted(NameTokenCount.objects.values_list("token", "count"))
    rows["Room.last_seq"] = sorted(Room.objects.values_list("pk", "last_seq"))
    return rows


@pytest.fixture
def rows():
    """rows() -> a snapshot of everything a report write touches, to compare before/after."""
    return report_rows
