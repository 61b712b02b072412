"""Demo section 23 notifications and concerns (synthetic children and people only), in every state,
spread over the last year so the DCO's figures have something to show (called by
`manage.py load_demo_data`, after the accounts, children and advice demo data). A few of the advice
demo's young children were notified first: the LA decided to consider an EHC needs assessment and
linked the notification to the child's advice request.

Records are made through section23.services (so involvements, the access log and reminders are as the
product makes them), then dated back to when each step happened. Chase reminders that would already
have gone are recorded as sent, so the worker does not send a year of them at once.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any, TextIO

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from accounts.models import Membership, Organisation, Role, User
from audit.context import AuditContext
from casework import reminders, targets
from casework.models import CaseReminder
from children.demo import FAMILY_NAMES, GIVEN_NAMES
from children.models import Involvement
from section23 import rules, services
from section23.involvements import record_concern_involvement, record_involvements
from section23.models import AreaOfNeed, Concern, Notification, Profession

DEMO_LAS = ("E10000099", "E09000099")
# Where the demo children live, by LA: postcodes the directory's demo data always holds (its
# RESIDENT_POSTCODES), so each one gives its LA through section23.areas as a real postcode would.
POSTCODES = {"E10000099": ("NS1 4AB", "NS2 7QT"), "E09000099": ("EB3 1XY", "EB4 9LD")}
CONTEXT = AuditContext.worker("load_demo_data:section23")
TEAMS = {  # demo team code -> the profession of its notifiers
    "RX9-HV": Profession.HEALTH_VISITOR,
    "RX9-PAED": Profession.PAEDIATRICIAN,
    "RX9-SLT": Profession.SLT,
    "RX9-PHYSIO": Profession.PHYSIOTHERAPIST,
}
OPINIONS = {
    AreaOfNeed.COMMUNICATION: "Few words at the 2-year review and little shared attention; probably has SEN.",
    AreaOfNeed.COGNITION: "Global developmental delay on assessment; likely to need support to learn.",
    AreaOfNeed.SEMH: "Marked distress and difficulty regulating in nursery; assessment under way.",
    AreaOfNeed.SENSORY_PHYSICAL: "Cerebral palsy affecting mobility and fine motor skills.",
}
# The advice app's involvement reason (children.Involvement): its demo's children with an EHC needs
# assessment, found without importing advice. A few were notified under section 23 first.
ADVICE_REASON = "advice_request"
NOTIFIED_BEFORE_ASSESSMENT = 4
VOLUNTARY = ["Northshire Parent Carer Forum", "Northshire Parent Carer Forum; the local SENDIASS", ""]


def is_loaded() -> bool:
    return Notification.objects.filter(local_authority__code__in=DEMO_LAS).exists()


def _person(email: str, first: str, last: str, role: str, organisation: Organisation) -> User:
    """The demo person (accounts.demo makes them in demo mode), or one that cannot sign in."""
    user, _ = User.objects.get_or_create(
        email=email,
        defaults={"first_name": first, "last_name": last, "is_demo": True, "password": make_password(None)},
    )
    Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
    return user


def _organisation(code: str, name: str, kind: str, parent: Organisation | None = None) -> Organisation:
    found, _ = Organisation.objects.get_or_create(
        code=code, defaults={"name": name, "kind": kind, "parent": parent}
    )
    return found


def _backdate(notification: Notification, *, created: dt.date, sent: dt.date | None, today: dt.date) -> None:
    """Move a notification's dates to when it happened (the services stamp today)."""
    fields: dict[str, Any] = {"created_at": timezone.make_aware(dt.datetime.combine(created, dt.time(10)))}
    if sent is not None:
        fields |= {
            "sent_on": sent,
            "acknowledge_by": targets.due_after(sent, services.acknowledge_working_days()),
            "opinion_formed_on": created - dt.timedelta(days=10),
            "parent_told_on": created - dt.timedelta(days=6),
            "discussion_on": created - dt.timedelta(days=6),
        }
    Notification.objects.filter(pk=notification.pk).update(**fields)
    notification.refresh_from_db()
    if sent is not None:
        for reminder in reminders.reminders_for(notification):
            due = reminders.at_start_of(targets.due_after(notification.acknowledge_by or sent, 1))
            CaseReminder.objects.filter(pk=reminder.pk).update(
                due_at=due, sent_at=due if due.date() < today else None
            )
    record_involvements(notification)


def _details(
    rng: random.Random,
    index: int,
    family: str,
    notifier: User,
    profession: str,
    area: AreaOfNeed,
    areas: list[AreaOfNeed],
    voluntary: str,
    today: dt.date,
) -> dict[str, Any]:
    """What a notifier records: the parent, the opinion and the statutory steps."""
    details = {
        "professional_name": f"{notifier.first_name} {notifier.last_name}",
        "profession": profession,
        "parent_name": f"{rng.choice(GIVEN_NAMES)} {family}",
        "parent_relationship": rng.choice(["mother", "father", "parent", "foster_carer"]),
        "parent_phone": "01632 960" + f"{index:03d}",
        "parent_email": f"parent.{index}@example.org",
        "parent_language": rng.choice(["English"] * 6 + ["Polish", "Urdu", "Romanian"]),
        "opinion": OPINIONS[area],
        "areas_of_need": [str(a) for a in areas],
        "opinion_formed_on": today - dt.timedelta(days=3),
        "parent_told_on": today - dt.timedelta(days=2),
        "discussion": rng.choice(["held"] * 4 + ["offered"]),
        "discussion_on": today - dt.timedelta(days=2),
        "discussion_with": f"{notifier.first_name} {notifier.last_name}",
        "parent_view": rng.choice(["agrees"] * 7 + ["no_view", "disagrees"]),
        "voluntary_organisations": voluntary,
        "no_voluntary_organisation": not voluntary,
        "referral_consent": rng.choice(["not_asked", "not_asked", "given"]),
    }
    if details["referral_consent"] == "given":  # a date and a referral only when consent was given
        details["referral_consent_on"] = details["parent_told_on"]
        details["referral_consent_detail"] = "Early years SEN support team"
    if details["parent_view"] == "disagrees":
        details["parent_views"] = "Would rather wait and see how nursery goes."
    return details


def _notified_before_assessment(
    *,
    rng: random.Random,
    today: dt.date,
    notifier: User,
    team: Organisation,
    las: dict[str, Organisation],
    caseworkers: dict[str, User],
) -> int:
    """Young children of the advice demo whose health visitor notified the LA (section 23) some weeks
    before their EHC needs assessment: the LA decided to consider an assessment, asked health for
    advice, and linked the notification to that advice request (issue 11). All through the services,
    as the LA would; the advice request is found through children.search, never by importing advice."""
    made = 0
    rows = (
        Involvement.objects.filter(reason=ADVICE_REASON, organisation__in=las.values())
        .select_related("child", "organisation")
        .order_by("child__pk", "pk")
    )
    for row in rows:
        if made >= NOTIFIED_BEFORE_ASSESSMENT:
            break
        child, la_code = row.child, row.organisation.code
        sent = row.started_on - dt.timedelta(days=rng.randrange(60, 100))  # before the clock started
        if (
            child.awaiting_identity_check
            or child.local_authority_id != row.organisation_id
            or not rules.age_check(child.date_of_birth, today).eligible
            or child.date_of_birth > sent - dt.timedelta(days=200)
            or Notification.objects.filter(child=child).exists()
        ):
            continue
        area = rng.choice(list(AreaOfNeed))
        voluntary = rng.choice(VOLUNTARY)
        index = 100 + made
        notification = services.create_notification(
            user=notifier,
            context=CONTEXT,
            acting_for=team,
            local_authority=las[la_code],
            given_name=child.given_name,
            family_name=child.family_name,
            date_of_birth=child.date_of_birth,
            nhs_number=child.nhs_number,
            child_postcode=rng.choice(POSTCODES[la_code]),
            details=_details(
                rng,
                index,
                child.family_name,
                notifier,
                Profession.HEALTH_VISITOR,
                area,
                [area],
                voluntary,
                today,
            ),
            send=True,
        )
        _backdate(notification, created=sent, sent=sent, today=today)
        request = next(
            (
                hit
                for hit in services.advice_requests_for(caseworkers[la_code], notification)
                if str(row.record_id) in hit.url
            ),
            None,
        )
        if notification.child_id != child.pk or request is None:
            raise RuntimeError(
                f"Demo notification {notification.reference} did not find {child}'s assessment"
            )
        decided = targets.due_after(sent, rng.choice([1, 2, 3, 5]))
        services.record_decision(
            user=caseworkers[la_code],
            context=CONTEXT,
            notification=notification,
            expected_version=notification.version,
            decision="consider_assessment",
            decision_detail="To consider an EHC needs assessment with the parents; early years SEN support meanwhile.",
            la_reference=f"EY/{index + 1:04d}",
        )
        Notification.objects.filter(pk=notification.pk).update(acknowledged_on=decided, decided_on=decided)
        notification.refresh_from_db()
        services.link_advice_request(
            user=caseworkers[la_code],
            context=CONTEXT,
            notification=notification,
            expected_version=notification.version,
            reference=request.reference,
        )
        record_involvements(notification)
        made += 1
    return made


def load(stdout: TextIO | None = None, seed: int = 2026, **options: Any) -> str:
    rng = random.Random(f"section23-{seed}")  # repeatable demo data, not a secret  # nosec B311
    today = timezone.localdate()
    icb = _organisation(
        "ICB-DEMO", "Northshire and Eastbury Integrated Care Board", Organisation.Kind.INTEGRATED_CARE_BOARD
    )
    dco_service = _organisation(
        "DCO-DEMO", "Northshire and Eastbury DCO service", Organisation.Kind.DCO_SERVICE, icb
    )
    trust = _organisation("RX9", "Northshire Community Health NHS Trust", Organisation.Kind.PROVIDER_TRUST)
    las = {code: Organisation.objects.get(code=code) for code in DEMO_LAS}
    dco_service.areas.add(*las.values())
    teams = {code: Organisation.objects.filter(code=code).first() for code in TEAMS}
    notifiers = {
        code: _person(f"s23.{code.lower()}@example.org", "Demo", "Notifier", Role.PROVIDER_CLINICIAN, team)
        for code, team in teams.items()
        if team is not None and team.parent_id == trust.pk
    }
    hv_team = teams["RX9-HV"]
    if hv_team is not None and User.objects.filter(email="clinician.hv@example.org").exists():
        notifiers["RX9-HV"] = User.objects.get(email="clinician.hv@example.org")
    caseworkers = {
        code: User.objects.filter(memberships__organisation=la, memberships__role=Role.LA_CASEWORKER).first()
        or _person(f"s23.caseworker.{code.lower()}@example.org", "Demo", "Caseworker", Role.LA_CASEWORKER, la)
        for code, la in las.items()
    }
    dco = User.objects.filter(
        memberships__organisation=dco_service, memberships__role=Role.DCO
    ).first() or _person("s23.dco@example.org", "Demo", "Officer", Role.DCO, dco_service)
    practice = _organisation("Y99001", "Millbrook Surgery", Organisation.Kind.GP_PRACTICE)
    gp = User.objects.filter(email="gp@example.org").first() or _person(
        "s23.gp@example.org", "Demo", "Practitioner", Role.HEALTH_PRACTITIONER, practice
    )
    counts: dict[str, int] = {}

    def child() -> tuple[str, str, dt.date]:
        born = today - dt.timedelta(days=rng.randrange(200, 4 * 365))
        return rng.choice(GIVEN_NAMES), rng.choice(FAMILY_NAMES), born

    for index in range(48):
        code = rng.choice(["RX9-HV", "RX9-HV", "RX9-HV", "RX9-PAED", "RX9-SLT", "RX9-PHYSIO"])
        if code not in notifiers:
            continue
        team = teams[code]
        assert team is not None
        la_code = "E10000099" if rng.random() < 0.62 else "E09000099"
        area = rng.choice(list(AreaOfNeed))
        areas = [area] + (
            [AreaOfNeed.COMMUNICATION] if area != AreaOfNeed.COMMUNICATION and rng.random() < 0.3 else []
        )
        age_days = int(rng.triangular(0, 360, 0))
        sent = today - dt.timedelta(days=age_days)
        given, family, born = child()
        born = min(born, sent - dt.timedelta(days=200))
        voluntary = rng.choice(VOLUNTARY)
        state = "draft" if index < 3 else ("sent" if age_days < 12 or rng.random() < 0.06 else "answered")
        details = _details(rng, index, family, notifiers[code], TEAMS[code], area, areas, voluntary, today)
        if state == "draft":
            details = {k: details[k] for k in ("professional_name", "profession", "opinion", "areas_of_need")}
        notification = services.create_notification(
            user=notifiers[code],
            context=CONTEXT,
            acting_for=team,
            local_authority=las[la_code],
            given_name=given,
            family_name=family,
            date_of_birth=born,
            child_postcode=rng.choice(POSTCODES[la_code]),
            details=details,
            send=state != "draft",
        )
        _backdate(notification, created=sent, sent=None if state == "draft" else sent, today=today)
        if state == "answered":
            ack = min(today, targets.due_after(sent, rng.choice([1, 2, 3, 5, 8, 10, 14])))
            services.acknowledge(
                user=caseworkers[la_code],
                context=CONTEXT,
                notification=notification,
                expected_version=notification.version,
                la_reference=f"EY/{index + 1:04d}",
            )
            Notification.objects.filter(pk=notification.pk).update(acknowledged_on=ack)
            notification.refresh_from_db()
            if rng.random() < 0.75:
                services.record_decision(
                    user=caseworkers[la_code],
                    context=CONTEXT,
                    notification=notification,
                    expected_version=notification.version,
                    decision=rng.choice(
                        ["consider_assessment", "early_years", "early_years", "already_known", "information"]
                    ),
                )
                Notification.objects.filter(pk=notification.pk).update(decided_on=ack)
                notification.refresh_from_db()
                record_involvements(notification)
                state = "decided"
            else:
                state = "acknowledged"
        counts[state] = counts.get(state, 0) + 1

    for decision in (None, None, Concern.Decision.ICB_NOTIFIES, Concern.Decision.NO_NOTIFICATION):
        given, family, born = child()
        concern = services.raise_concern(
            user=gp,
            context=CONTEXT,
            organisation=practice,
            local_authority=las["E10000099"],
            child_postcode=POSTCODES["E10000099"][0],
            given_name=given,
            family_name=family,
            date_of_birth=born,
            professional_name="Dr Harper Gale",
            profession=Profession.GP,
            concern="Parents worried about late walking and few words; not known to the trust.",
            areas_of_need=[AreaOfNeed.SENSORY_PHYSICAL],
            parent_aware=True,
        )
        if decision is not None:
            services.decide_concern(
                user=dco,
                context=CONTEXT,
                concern=concern,
                expected_version=concern.version,
                decision=decision,
                reason=""
                if decision == Concern.Decision.ICB_NOTIFIES
                else "Already known to community paediatrics, who will notify.",
            )
            record_concern_involvement(concern)
        counts[f"concerns {'open' if decision is None else 'decided'}"] = (
            counts.get(f"concerns {'open' if decision is None else 'decided'}", 0) + 1
        )
    if "RX9-HV" in notifiers and hv_team is not None:
        linked = _notified_before_assessment(
            rng=random.Random(f"section23-advice-{seed}"),  # not a secret  # nosec B311
            today=today,
            notifier=notifiers["RX9-HV"],
            team=hv_team,
            las=las,
            caseworkers=caseworkers,
        )
        if linked:
            counts["decided and linked to an advice request"] = linked
    return ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
