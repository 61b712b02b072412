"""The enquiry figures a DCO service reports (statutory.md 5.4): volumes, themes (by service, need and
type of concern), the share acknowledged and answered within target, and open enquiries by age, scoped
to the DCO services the person works in. Counts only: no enquirer or child is named."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q
from django.utils import timezone

from accounts.access import reach_for
from casework.dashboard import Count_, Period, Share, counts_by
from casework.targets import working_days_between
from enquiries.models import Channel, Enquiry, Kind, Need, Theme

AGE_BANDS = [(3, "Up to 3 working days"), (10, "4 to 10 working days"), (20, "11 to 20 working days")]
OVER = "Over 20 working days"
TOP_SERVICES = 20


@dataclass(frozen=True)
class Figures:
    total: int
    urgent: int
    by_channel: list[Count_]
    by_kind: list[Count_]
    by_theme: list[Count_]
    by_need: list[Count_]
    by_service: list[Count_]
    acknowledged_within_target: Share
    answered_within_target: Share
    open_by_age: list[Count_]
    open_total: int


def scoped(user: Any) -> Any:
    return Enquiry.objects.filter(dco_service_id__in=reach_for(user).dco_service_ids)


def figures(user: Any, period: Period, today: dt.date | None = None) -> Figures:
    today = today or timezone.localdate()
    rows = scoped(user).filter(received_on__range=(period.start, period.end))
    # Whose acknowledgement target has passed or who were acknowledged: on time when by the target.
    ack_due = rows.filter(Q(acknowledged_on__isnull=False) | Q(acknowledge_by__lt=today))
    answer_due = rows.filter(Q(responded_on__isnull=False) | Q(respond_by__lt=today))
    open_received = scoped(user).open().values_list("received_on", flat=True)
    tally = {label: 0 for _, label in AGE_BANDS} | {OVER: 0}
    for received in open_received:
        days = working_days_between(received, today)
        label = next((label for limit, label in AGE_BANDS if days <= limit), OVER)
        tally[label] += 1
    services = counts_by(rows, "service_name")
    return Figures(
        total=rows.count(),
        urgent=rows.filter(urgent=True).count(),
        by_channel=counts_by(rows, "channel", dict(Channel.choices)),
        by_kind=counts_by(rows, "kind", dict(Kind.choices)),
        by_theme=counts_by(rows, "theme", dict(Theme.choices)),
        by_need=counts_by(rows, "need", dict(Need.choices)),
        by_service=services[:TOP_SERVICES],
        acknowledged_within_target=Share(
            ack_due.filter(acknowledged_on__lte=F("acknowledge_by")).count(), ack_due.count()
        ),
        answered_within_target=Share(
            answer_due.filter(responded_on__lte=F("respond_by")).count(), answer_due.count()
        ),
        open_by_age=[Count_(label, label, n) for label, n in tally.items()],
        open_total=sum(tally.values()),
    )


CSV_HEADER = ["Section", "Item", "Count"]


def csv_rows(found: Figures) -> Iterator[list[Any]]:
    """What the page shows, as rows."""
    yield ["Summary", "Enquiries received", found.total]
    yield ["Summary", "Urgent", found.urgent]
    yield ["Summary", "Acknowledged within target", str(found.acknowledged_within_target)]
    yield ["Summary", "Answered within target", str(found.answered_within_target)]
    yield ["Summary", "Open now", found.open_total]
    for section, counts in [
        ("How it arrived", found.by_channel),
        ("Question or concern", found.by_kind),
        ("Theme", found.by_theme),
        ("Need", found.by_need),
        ("Service", found.by_service),
        ("Open enquiries by age", found.open_by_age),
    ]:
        for row in counts:
            yield [section, row.label, row.count]
