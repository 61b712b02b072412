"""The rules of a section 23 notification as plain functions (statutory.md 4.1, 4.2 and 8.1).

- Section 23 applies to a child under compulsory school age (CFA 2014 s23(1)). Compulsory school age
  starts on the first prescribed day (31 December, 31 March, 31 August) on or after the 5th birthday
  (Education Act 1996 s8(2); `lib.phases.csa_start`). A child already of that age cannot be notified
  this way: `WHAT_TO_DO_INSTEAD` says what to do.
- Before notifying, the body must tell the parent its opinion and its duty to notify (s23(2)(a)), and
  give the parent an opportunity to discuss the opinion with an officer (s23(2)(b)); it must tell the
  parent about any voluntary organisation it thinks likely to help (s23(4)): the record says which,
  or that none was considered likely to help. The parent's views are recorded and are never a veto.
- No consent is needed to notify, and there is no time limit. Consent to anything beyond the
  notification (an onward referral) is a separate record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lib.phases import csa_start

WHAT_TO_DO_INSTEAD = (
    "A section 23 notification is only for a child under compulsory school age. For a child of school "
    "age, with the parent's agreement, talk to the special educational needs co-ordinator (SENCO) at "
    "the child's school or setting, who can ask the local authority for an EHC needs assessment; or "
    "tell the parent they can ask the local authority for an EHC needs assessment themselves."
)


@dataclass(frozen=True)
class AgeCheck:
    eligible: bool
    csa_starts_on: dt.date
    message: str = ""  # the problem and what to do instead (for the API and services)
    problem: str = ""  # the problem alone (a page says what to do instead beside it)


def age_check(date_of_birth: dt.date, on: dt.date) -> AgeCheck:
    """Whether a child born on `date_of_birth` is still under compulsory school age on `on`."""
    starts = csa_start(date_of_birth)
    if on >= starts:
        problem = (
            f"This child reached compulsory school age on {starts:%-d %B %Y}, so cannot be notified "
            "under section 23"
        )
        return AgeCheck(False, starts, f"{problem}. {WHAT_TO_DO_INSTEAD}", problem)
    return AgeCheck(True, starts)


def missing_steps(values: Mapping[str, Any], *, today: dt.date) -> dict[str, str]:
    """What must still be recorded before a notification can be sent, by field, in plain words.
    `values` holds the notification's fields (a model's attributes or a form's cleaned data)."""
    errors: dict[str, str] = {}

    def date(name: str) -> dt.date | None:
        value = values.get(name)
        return value if isinstance(value, dt.date) else None

    if not str(values.get("professional_name") or "").strip():
        errors["professional_name"] = "Enter the name of the professional who formed the opinion"
    if not values.get("profession"):
        errors["profession"] = "Select the profession of the person who formed the opinion"
    if not str(values.get("opinion") or "").strip():
        errors["opinion"] = "Describe the opinion and what it is based on"
    if not values.get("areas_of_need"):
        errors["areas_of_need"] = "Choose at least one area of need"
    formed, told, discussed = date("opinion_formed_on"), date("parent_told_on"), date("discussion_on")
    if formed is None:
        errors["opinion_formed_on"] = "Enter the date the opinion was formed"
    if told is None:
        errors["parent_told_on"] = (
            "Enter the date the parent was told of the opinion and of the duty to notify (section 23(2)(a))"
        )
    if not values.get("discussion"):
        errors["discussion"] = "Say whether a discussion was held or offered (section 23(2)(b))"
    if discussed is None:
        errors["discussion_on"] = "Enter the date the discussion was held or offered"
    if not str(values.get("discussion_with") or "").strip():
        errors["discussion_with"] = "Say who the discussion was with or offered with: name and role"
    if not values.get("parent_view"):
        errors["parent_view"] = "Record the parent's view (it is never a veto)"
    named = str(values.get("voluntary_organisations") or "").strip()
    none = bool(values.get("no_voluntary_organisation"))
    if not named and not none:
        errors["voluntary_organisations"] = (
            "Name the voluntary organisations you told the parent about, or record that none was "
            "considered likely to help (section 23(4))"
        )
    if named and none:
        errors["no_voluntary_organisation"] = (
            "Either name organisations or record that none was likely to help"
        )
    if not str(values.get("parent_name") or "").strip():
        errors["parent_name"] = "Enter the name of the person with parental responsibility"
    for name, value in (
        ("opinion_formed_on", formed),
        ("parent_told_on", told),
        ("discussion_on", discussed),
    ):
        if value is not None and value > today:
            errors[name] = "The date must be today or in the past"
    if formed and told and told < formed and "parent_told_on" not in errors:
        errors["parent_told_on"] = "The parent cannot be told of the opinion before it was formed"
    if values.get("referral_consent") == "given" and date("referral_consent_on") is None:
        errors["referral_consent_on"] = "Enter the date consent to the onward referral was given"
    return errors
