"""Blocking: the keys that find candidates for fuzzy matching, and the index they live in.

A party's name, address and company each give a handful of keys (apps/crossmatch/names);
the write path stores them (NameKey, one row per key) and the token counts that tell a
common name from a rare one (NameTokenCount). A candidate for a fuzzy match is a party
that shares keys, read from that index a bounded number of rows per key, never by a scan.
"""

from collections.abc import Callable
from datetime import date

from django.db import connection, transaction

from apps.reports.hooks import SavedBatch
from apps.reports.models import Party
from apps.reports.write import store_rows

from .models import NameKey, NameTokenCount
from .names import address_keys, analyse_name, company_keys, name_tokens, person_keys

PERSON, ADDRESS, COMPANY = "person", "address", "company"
FUZZY_TYPES = (PERSON, ADDRESS, COMPANY)

# Rows read per blocking key: a key as common as a frequent given name then
# costs no more than a rare one, so matching time does not grow with the data.
ROWS_PER_KEY = 64
# How many of the best-blocked earlier people one name is scored against.
MAX_FUZZY_CANDIDATES = 40
# A shared (date of birth, name start) key is worth this many shared name keys.
DOB_KEY_WEIGHT = 6


def person_blocking_keys(name: str, date_of_birth, country: str | None) -> set[str]:
    """The name's keys, plus (date of birth, first letters of each name) keys.

    The date keys are very selective, so even the most common name is found
    when the date of birth is known.
    """
    keys = set(person_keys(name, country))
    if date_of_birth:
        day = date_of_birth.strftime("%Y%m%d")
        for token in analyse_name(name, country):
            for form in token.forms[:2]:
                if len(form) >= 2:
                    keys.add(f"d:{day}:{form[:3]}")
    return {key[:64] for key in keys}


def place_keys(entity: str, value: str, country: str | None) -> set[str]:
    """Blocking keys of an address or a company name."""
    keys = address_keys(value, country) if entity == ADDRESS else company_keys(value, country)
    return {key[:64] for key in keys}


def party_keys(
    *, name: str, date_of_birth: date | None, address: str, company: str, country: str | None
) -> list[tuple[str, str]]:
    """(entity, key) blocking rows of one party: its name, address and company.

    The one recipe both write paths use (a posted report, a bulk import).
    """
    rows = []
    if name.strip():
        rows += [(PERSON, key) for key in person_blocking_keys(name, date_of_birth, country)]
    for entity, value in ((ADDRESS, address), (COMPANY, company)):
        if value.strip():
            rows += [(entity, key) for key in place_keys(entity, value, country)]
    return sorted(rows)


def name_token_counts_add(names: list[tuple[str, str | None]]) -> None:
    """Count the tokens of newly stored (name, country) pairs, with upserts that add."""
    tokens: dict[str, int] = {}
    stored = 0
    for name, country in names:
        if name.strip():
            stored += 1
            for token in set(name_tokens(name, country)):
                tokens[token[:64]] = tokens.get(token[:64], 0) + 1
    if not stored:
        return
    tokens[""] = stored
    table = NameTokenCount._meta.db_table
    ordered = sorted(tokens.items())  # one order everywhere, so concurrent writers never deadlock
    upsert = f"ON CONFLICT (token) DO UPDATE SET count = {table}.count + EXCLUDED.count"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement of fixed text for all the tokens (psycopg parses it once).
            cursor.execute(
                f"INSERT INTO {table} (token, count) SELECT token, count "
                "FROM unnest(%s::text[], %s::bigint[]) WITH ORDINALITY AS t(token, count, n) "
                f"ORDER BY n {upsert}",
                [[token for token, _ in ordered], [count for _, count in ordered]],
            )
        else:
            cursor.executemany(
                f"INSERT INTO {table} (token, count) VALUES (%s, %s) {upsert}", ordered
            )


def names_index_add_reports(batch: SavedBatch) -> None:
    """The report-write hook: blocking keys and token counts of every party the batch names.

    Keys made ahead (an import's worker processes) are used as given; the rows go in
    with the batch's storage backend, in index order.
    """
    rows = []
    names: list[tuple[str, str | None]] = []
    for report in batch.reports:
        made = report.party_keys
        for index, party in enumerate(report.parties):
            keys = (
                made[index]
                if made is not None
                else party_keys(
                    name=party.name,
                    date_of_birth=party.date_of_birth,
                    address=party.address,
                    company=party.company,
                    country=report.country_id,
                )
            )
            rows += [
                {"report_id": report.id, "party_id": party.id, "entity": entity, "key": key}
                for entity, key in sorted(set(keys))
            ]
            names.append((party.name, report.country_id))
    rows.sort(key=lambda row: (row["entity"], row["key"]))
    store_rows(NameKey, rows, batch.storage)
    name_token_counts_add(names)


def name_token_frequency(
    names: list[tuple[str, str | None]],
) -> tuple[Callable[[str], float], int]:
    """(token -> share of stored names containing it, number of names stored), for the
    tokens of `names`.

    Raw shares over every stored name, the ones being matched included: `person_score`,
    given the number, leaves the compared pair out and smooths them towards its prior,
    so a handful of stored names does not make every name look common (issue 11).
    """
    wanted = {""}
    for name, country in names:
        wanted.update(t[:64] for t in name_tokens(name, country))
    counts = dict(NameTokenCount.objects.filter(token__in=wanted).values_list("token", "count"))
    total = max(counts.pop("", 0), 1)
    return (lambda token: counts.get(token[:64], 0) / total), total


def name_keys_rebuild(*, batch: int = 5000, progress: Callable[[int], None] | None = None) -> int:
    """Replace every stored party's blocking keys with the current recipe's; parties done.

    A batch of parties per transaction (their keys deleted and written again), in id
    order, so a stopped run can simply be started again. Token counts are not touched:
    they count names, not keys.
    """
    done, last = 0, 0
    while True:
        parties = list(
            Party.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list(
                "pk", "report_id", "name", "date_of_birth", "address", "company",
                "report__country_id",
            )[:batch]
        )  # fmt: skip
        if not parties:
            return done
        rows = [
            NameKey(report_id=report_id, party_id=pk, entity=entity, key=key)
            for pk, report_id, name, dob, address, company, country in parties
            for entity, key in party_keys(
                name=name, date_of_birth=dob, address=address, company=company, country=country
            )
        ]
        with transaction.atomic():
            NameKey.objects.filter(party_id__in=[p[0] for p in parties]).delete()
            NameKey.objects.bulk_create(rows, batch_size=2000)
        done += len(parties)
        last = parties[-1][0]
        if progress is not None:
            progress(done)
