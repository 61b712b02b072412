"""UK postcodes as people type them and in the form the ONS Postcode Directory keys them (pure
functions). 'ns1 2ab', 'NS12AB' and ' Ns1  2aB ' are one postcode: key 'NS12AB', shown 'NS1 2AB'."""

from __future__ import annotations

import re

# The shape of a postcode without its space: outward code (area letters, district), inward code.
_KEY = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}")


def postcode_key(text: str) -> str:
    """Upper case, no spaces: the form Postcode.key holds."""
    return "".join((text or "").split()).upper()


def is_postcode(text: str) -> bool:
    """Whether `text` (any spacing or case) has the shape of a UK postcode."""
    return _KEY.fullmatch(postcode_key(text)) is not None


def display_postcode(text: str) -> str:
    """The postcode with one space before its last three characters: 'ns12ab' -> 'NS1 2AB'."""
    key = postcode_key(text)
    return f"{key[:-3]} {key[-3:]}" if len(key) > 3 else key
