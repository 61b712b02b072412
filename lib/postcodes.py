"""UK postcodes as people type them and in the form the ONS Postcode Directory keys them (pure
functions). 'ns1 2ab', 'NS12AB' and ' Ns1  2aB ' are one postcode: key 'NS12AB', shown 'NS1 2AB'.

The outward code (outcode, the first half: 'NS1', 'EB6', 'SW1A') is a postcode district; people
type it on its own when they do not know, or do not want to give, their full postcode.
"""

from __future__ import annotations

import re

# The shape of a postcode without its space: outward code (area letters, district), inward code.
_KEY = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}")
# The outward code alone: area letters and district (a digit, then maybe a digit or letter).
_OUTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")
INWARD_LENGTH = 3  # the inward code is always a digit and two letters


def postcode_key(text: str) -> str:
    """Upper case, no spaces: the form Postcode.key holds."""
    return "".join((text or "").split()).upper()


def is_postcode(text: str) -> bool:
    """Whether `text` (any spacing or case) has the shape of a UK postcode."""
    return _KEY.fullmatch(postcode_key(text)) is not None


def is_outcode(text: str) -> bool:
    """Whether `text` (any spacing or case) is an outward code on its own: 'ns5', 'EB6', 'SW1A'."""
    return _OUTCODE.fullmatch(postcode_key(text)) is not None


def outcode_of(text: str) -> str:
    """The outward code of a full postcode ('ns6 2sd' -> 'NS6'), or of an outcode itself; '' if
    `text` is neither."""
    key = postcode_key(text)
    if _KEY.fullmatch(key):
        return key[:-INWARD_LENGTH]
    return key if _OUTCODE.fullmatch(key) else ""


def display_postcode(text: str) -> str:
    """The postcode with one space before its last three characters: 'ns12ab' -> 'NS1 2AB'."""
    key = postcode_key(text)
    return f"{key[:-3]} {key[-3:]}" if len(key) > 3 else key
