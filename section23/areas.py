"""Which local authority a child's postcode belongs to. A notification goes to the "appropriate local
authority" (CFA 2014 s23(3)), taken as the LA for the area where the child lives (cf. s24); a concern
goes to the DCO service for that LA.

The postcode data (the ONS Postcode Directory) belongs to the directory app, which registers the lookup
with core (core.registry.postcode_la_codes); section23 never imports it. The rule:

- the postcode must have the shape of a full UK postcode (any case or spacing: 'ns1 4ab' is 'NS1 4AB');
- its ONS codes are tried county first: in a two-tier area the county council is the local authority
  for SEN (the ONSPD's oscty), elsewhere the unitary authority, London borough or metropolitan district
  (oslaua). The LA is the active local authority organisation (`Organisation.Kind.LOCAL_AUTHORITY`)
  whose `code` is one of them;
- an unknown postcode, or one whose council is not served here, has no LA: the person then chooses from
  the list of this deployment's LAs (a postcode may be newer than the import, or the child may live
  somewhere the data places wrongly), and is told why.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from accounts.models import Organisation
from core.registry import postcode_la_codes
from lib.postcodes import display_postcode, is_postcode


class Found(StrEnum):
    LOCAL_AUTHORITY = "la"  # the postcode is in the area of one of this deployment's LAs
    NOT_A_POSTCODE = "not_a_postcode"  # not the shape of a full postcode
    UNKNOWN = "unknown"  # a postcode the postcode data does not hold
    NOT_SERVED = "not_served"  # a known postcode whose council has no account here


@dataclass(frozen=True)
class PostcodeCouncil:
    """What a postcode says about where a child's record goes."""

    postcode: str  # display form ('NS1 4AB'), or what was typed when it is not a postcode
    found: Found
    local_authority: Organisation | None = None

    def problem(self) -> str:
        """Why no LA was found, in words for the person who typed the postcode ("" when one was)."""
        if self.found == Found.UNKNOWN:
            return (
                f"We could not find the postcode {self.postcode}, so we cannot tell which council it "
                "is in. Check the postcode, or choose the local authority where the child lives."
            )
        if self.found == Found.NOT_SERVED:
            return (
                f"The postcode {self.postcode} is in a council area this service does not cover. If the "
                "child lives in the area of one of the local authorities listed, choose it; if not, this "
                "service cannot send it: contact the child's own council."
            )
        if self.found == Found.NOT_A_POSTCODE:
            return "Enter a full postcode, like NS1 4AB"
        return ""


def council_for_postcode(postcode: str) -> PostcodeCouncil:
    """The local authority a child living at `postcode` belongs to in this deployment, and why not
    when there is none. One or two queries."""
    text = " ".join((postcode or "").split())
    if not is_postcode(text):
        return PostcodeCouncil(text, Found.NOT_A_POSTCODE)
    shown = display_postcode(text)
    codes = postcode_la_codes(shown)
    if codes is None:
        return PostcodeCouncil(shown, Found.UNKNOWN)
    if codes:
        found = {
            la.code: la
            for la in Organisation.objects.filter(
                kind=Organisation.Kind.LOCAL_AUTHORITY, is_active=True, code__in=codes
            )
        }
        for code in codes:  # county first
            if code in found:
                return PostcodeCouncil(shown, Found.LOCAL_AUTHORITY, found[code])
    return PostcodeCouncil(shown, Found.NOT_SERVED)


def local_authority_for_postcode(postcode: str) -> Organisation | None:
    """The active local authority whose area `postcode` is in, or None (see `council_for_postcode`)."""
    return council_for_postcode(postcode).local_authority


def choose_local_authority(
    *, child_postcode: str, chosen: Organisation | None
) -> tuple[Organisation | None, str, dict[str, str]]:
    """The LA a child's record goes to, the postcode to keep (display form) and errors by field.

    The council for the postcode when it is one of this deployment's LAs (whatever was chosen: the
    child's postcode decides); otherwise the active LA the person chose from the list. A postcode is
    needed unless an LA was chosen (the pages always ask for one; callers that know the LA, such as
    the demo data, may leave it out)."""
    text = " ".join((child_postcode or "").split())
    council = council_for_postcode(text) if text else None
    if council is not None and council.found == Found.NOT_A_POSTCODE:
        return None, text, {"child_postcode": council.problem()}
    shown = council.postcode if council is not None else ""
    if council is not None and council.local_authority is not None:
        return council.local_authority, shown, {}
    if chosen is not None and chosen.kind == Organisation.Kind.LOCAL_AUTHORITY and chosen.is_active:
        return chosen, shown, {}
    if council is None:
        return None, shown, {"child_postcode": "Enter the postcode where the child lives"}
    return None, shown, {"local_authority": council.problem()}


def council_words(local_authority: Organisation, postcode: str) -> str:
    """'Northshire County Council, the council for NS1 4AB' when the postcode gives that LA; the LA's
    name alone when it was chosen from the list (the postcode did not give it)."""
    if postcode and council_for_postcode(postcode).local_authority == local_authority:
        return f"{local_authority.name}, the council for {display_postcode(postcode)}"
    return local_authority.name
