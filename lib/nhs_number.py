"""NHS numbers: normalise, validate (modulus 11 check digit) and format (statutory.md 9.5).

The check digit comes from the `nhs-number` package. The checksum alone does not prove a number is
real: 1111111111 and 0000000000 pass it, so all-identical digits are rejected too.
"""

from __future__ import annotations

import re

import nhs_number as _nhs

__all__ = ["InvalidNhsNumber", "format_nhs_number", "is_test_number", "is_valid", "normalise", "validate"]

_SEPARATORS = re.compile(r"[\s-]+")


class InvalidNhsNumber(ValueError):
    """The text is not a valid NHS number; str(error) says why, in words a person can act on."""


def normalise(raw: str) -> str:
    """Strip spaces and hyphens: "943 476 5919" -> "9434765919". Does not validate."""
    return _SEPARATORS.sub("", raw or "")


def validate(raw: str) -> str:
    """The normalised number, or InvalidNhsNumber with the reason."""
    number = normalise(raw)
    if not (number.isascii() and number.isdigit()) or len(number) != 10:
        raise InvalidNhsNumber("Enter an NHS number with 10 digits, like 943 476 5919.")
    if len(set(number)) == 1:
        raise InvalidNhsNumber("An NHS number cannot be the same digit ten times.")
    if not _nhs.is_valid(number):
        raise InvalidNhsNumber("This is not a valid NHS number: check the digits.")
    return number


def is_valid(raw: str) -> bool:
    try:
        validate(raw)
    except InvalidNhsNumber:
        return False
    return True


def is_test_number(raw: str) -> bool:
    """Numbers starting 999 are used for testing: warn, do not reject (statutory.md 9.5)."""
    return normalise(raw).startswith("999")


def format_nhs_number(raw: str) -> str:
    """Display in the 3 3 4 pattern: "9434765919" -> "943 476 5919"."""
    number = normalise(raw)
    if len(number) != 10:
        return raw
    return f"{number[:3]} {number[3:6]} {number[6:]}"
