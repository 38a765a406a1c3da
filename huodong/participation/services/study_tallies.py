"""The per-person study counts (`StudyTally`) that whole-campaign requirements read.

Every service that adds or removes a study record calls `study_tallies_change` in the same
transaction, so a tally is never seen out of step with the records. The change is an increment
(`F()`) after an insert that ignores a row already there: two writers for the same person add
up instead of overwriting each other, and neither reads the count first.

These are not actions of their own: the audit records the study, sign-in or attendance that
changed the count. `study_tallies_rebuild` recounts a campaign from its records, after a bulk
load (the demo, the benchmarks) or to repair one; the management command
`recount_study_tallies` runs it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, F, Q

from huodong.participation.models import TALLY_COLUMNS, StudyRecord, StudyTally

_BATCH = 2_000


def study_tallies_change(*, campaign_id: int, records: Iterable[tuple[int, str]], by: int) -> None:
    """Add `by` (1 or -1) to the tallies of these records, given as (person id, kind).

    Runs inside the caller's transaction: the records and their counts commit together.
    """
    if by not in (1, -1):
        raise ValueError("a tally changes by one record at a time")
    changes = Counter(records)
    if not changes:
        return
    person_ids = sorted({person_id for person_id, _kind in changes})
    if by > 0:
        StudyTally.objects.bulk_create(
            [StudyTally(campaign_id=campaign_id, person_id=pk) for pk in person_ids],
            ignore_conflicts=True,
        )
    # One UPDATE per kind and amount: a session's attendance (one kind, once each) is one.
    groups: dict[tuple[str, int], list[int]] = {}
    for (person_id, kind), n in sorted(changes.items()):
        groups.setdefault((TALLY_COLUMNS[kind], n * by), []).append(person_id)
    for (column, amount), ids in groups.items():
        StudyTally.objects.filter(campaign_id=campaign_id, person_id__in=ids).update(
            **{column: F(column) + amount}
        )


@transaction.atomic
def study_tallies_rebuild(*, campaign_id: int) -> int:
    """Recount the campaign's tallies from its study records; returns the number of people.

    On PostgreSQL the tallies are locked for the recount: a writer waits, and its increment
    lands on the recounted row (its record, committed before, is in the count; committed
    after, it is not). SQLite writes one transaction at a time anyway.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {StudyTally._meta.db_table} IN EXCLUSIVE MODE")
    StudyTally.objects.filter(campaign_id=campaign_id).delete()
    counts = (
        StudyRecord.objects.filter(campaign_id=campaign_id)
        .order_by("person_id")
        .values("person_id")
        .annotate(
            **{column: Count("pk", filter=Q(kind=kind)) for kind, column in TALLY_COLUMNS.items()}
        )
    )
    batch: list[StudyTally] = []
    people = 0
    for row in counts.iterator(chunk_size=_BATCH):
        batch.append(StudyTally(campaign_id=campaign_id, **row))
        if len(batch) >= _BATCH:
            StudyTally.objects.bulk_create(batch)
            people += len(batch)
            batch = []
    if batch:
        StudyTally.objects.bulk_create(batch)
        people += len(batch)
    return people
