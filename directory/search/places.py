"""Where a search is from (postcodes, postcode districts and places) and distances on the search rows.

The one rule for what a location box accepts (the public search, the service page's distances and
the ORUK API's `postcode`): a full postcode in any case or spacing, an outward code ("NS5": the
centre of the postcodes the directory holds in that district), or a town or village by name. The
examples shown to people come from the same data (`location_examples`), so every example works.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Avg, ExpressionWrapper, F, FloatField, Q
from django.db.models.functions import Length

from directory.models import Address, Place, Postcode
from lib.geo import bounding_box, degree_lengths_m
from lib.postcodes import INWARD_LENGTH, display_postcode, is_outcode, is_postcode, outcode_of, postcode_key

EXAMPLE_PLACE_RADIUS_M = 20_000  # the example town is one near the example postcode, when there is one
EXAMPLES_CACHE_KEY = "directory:location-examples"
EXAMPLES_CACHE_SECONDS = 10 * 60  # postcodes and places change only on an import


def postcode_la_codes(text: str) -> tuple[str, ...] | None:
    """The ONS codes of the local authorities for a postcode (any spacing or case), county first:
    (county, district) in a two-tier area, (unitary,) elsewhere; None if the postcode is not held.
    Registered with core.registry.register_postcode_la_codes (directory/apps.py), so apps that send
    a child's record to the council where the child lives can ask without importing the directory.
    The ORUK API's `postcode` filter takes a service area recorded at any of them as covering it."""
    if not is_postcode(text):
        return None
    row = Postcode.objects.filter(key=postcode_key(text)).values_list("county_code", "la_code").first()
    if row is None:
        return None
    return tuple(dict.fromkeys(code for code in row if code))


def outcode_centre(outcode: str) -> tuple[float, float] | None:
    """The mean position of the postcodes held in an outward code ('NS5'), or None if none are.

    Keys are outcode + a three-character inward code, so the length test keeps 'NS5' from taking
    in 'NS50' (a prefix LIKE on the unique key, which PostgreSQL answers from its pattern index)."""
    key = postcode_key(outcode)
    centre = (
        Postcode.objects.filter(key__startswith=key)
        .annotate(key_length=Length("key"))
        .filter(key_length=len(key) + INWARD_LENGTH)
        .aggregate(latitude=Avg("latitude"), longitude=Avg("longitude"))
    )
    if centre["latitude"] is None or centre["longitude"] is None:
        return None
    return centre["latitude"], centre["longitude"]


def resolve_location(text: str) -> tuple[float, float, str] | None:
    """(latitude, longitude, label) for a postcode (any spacing or case), an outward code or a
    place name, or None.

    Postcodes come from the ONS Postcode Directory import; terminated postcodes still resolve (people
    keep using old ones). An outward code ("ns5") is the centre of its postcodes. Then places by
    exact name, then by name prefix ("north" finds "Northtown").
    """
    text = (text or "").strip()
    if not text:
        return None
    if is_postcode(text):
        postcode = Postcode.objects.filter(key=postcode_key(text)).first()
        if postcode:
            return postcode.latitude, postcode.longitude, postcode.postcode
        return None
    if is_outcode(text):
        centre = outcode_centre(text)
        if centre:
            return centre[0], centre[1], postcode_key(text)
        return None
    name = " ".join(text.lower().split())
    place = Place.objects.filter(key=name).first() or (
        Place.objects.filter(key__startswith=name).order_by("key").first() if len(name) >= 3 else None
    )
    if place:
        return place.latitude, place.longitude, place.name
    return None


@dataclass(frozen=True)
class LocationExamples:
    """A postcode, its outward code and a town that the directory's data knows ("" when it has none)."""

    postcode: str = ""
    outcode: str = ""
    place: str = ""

    def hint(self) -> str:
        """'For example, NS6 2SD, NS6 or Ashcombe Vale' (only what the data holds)."""
        examples = [e for e in (self.postcode, self.outcode, self.place) if e]
        if not examples:
            return "A postcode, the first half of one, or a town or village"
        if len(examples) == 1:
            return f"For example, {examples[0]}"
        return f"For example, {', '.join(examples[:-1])} or {examples[-1]}"

    def what_works(self, outcode: str = "") -> str:
        """'Enter a full postcode like NS6 2SD, the first half like NS6, or a town like Fenmoor'."""
        parts = [
            f"a full postcode like {self.postcode}" if self.postcode else "a full postcode",
            f"the first half like {outcode or self.outcode}" if (outcode or self.outcode) else "",
            f"a town or village like {self.place}" if self.place else "a town or village",
        ]
        parts = [p for p in parts if p]
        return "Enter " + ", ".join(parts[:-1]) + ", or " + parts[-1] + "."


def location_examples() -> LocationExamples:
    """Examples for the location box taken from the data: the postcode of a service's address that
    the postcode table holds, its outward code, and the place nearest it. Kept in the cache for a
    few minutes (three small queries otherwise on every search page)."""
    examples = cache.get(EXAMPLES_CACHE_KEY)
    if not isinstance(examples, LocationExamples):
        examples = _examples_from_data()
        cache.set(EXAMPLES_CACHE_KEY, examples, EXAMPLES_CACHE_SECONDS)
    return examples


def _examples_from_data() -> LocationExamples:
    typed = Address.objects.exclude(postal_code="").order_by("pk").values_list("postal_code", flat=True)[:50]
    keys = [postcode_key(p) for p in typed if is_postcode(p)]
    row = (
        Postcode.objects.filter(key__in=keys, terminated__isnull=True)
        .order_by("key")
        .values_list("postcode", "latitude", "longitude")
        .first()
    )
    if row is None:  # no service address is in the postcode table: any postcode it holds
        row = (
            Postcode.objects.filter(terminated__isnull=True)
            .order_by("key")
            .values_list("postcode", "latitude", "longitude")
            .first()
        )
    places = Place.objects.order_by("key")
    place = None
    if row is not None:
        place = (
            places.filter(_box_q(row[1], row[2], EXAMPLE_PLACE_RADIUS_M))
            .alias(d2=_d2_expression(row[1], row[2]))
            .order_by("d2", "key")
            .values_list("name", flat=True)
            .first()
        )
    if place is None:
        place = places.values_list("name", flat=True).first()
    postcode = display_postcode(row[0]) if row else ""
    return LocationExamples(postcode=postcode, outcode=outcode_of(postcode), place=place or "")


def postcode_in_keywords(text: str) -> str:
    """The postcode or postcode district typed into the keyword box ("eb1 2hj" -> "EB1 2HJ"), or ""
    when the words are not one. Place names are not taken (they are also words in service names)."""
    text = " ".join((text or "").split())
    if is_postcode(text):
        return display_postcode(text)
    if is_outcode(text):
        return postcode_key(text)
    return ""


def unknown_location_message(text: str, examples: LocationExamples) -> str:
    """What to say when `text` is not a postcode, district or place the directory knows, naming
    what would work (the visitor's own outward code when that is known)."""
    text = " ".join((text or "").split())
    if is_postcode(text):
        own = outcode_of(text)
        known = own if outcode_centre(own) else ""
        return f"We do not know the postcode {display_postcode(text)}. {examples.what_works(known)}"
    if is_outcode(text):
        return f"We do not know the postcode area {postcode_key(text)}. {examples.what_works()}"
    return f"We could not find a place called {text}. {examples.what_works()}"


def _box_q(latitude: float, longitude: float, radius_m: float) -> Q:
    box = bounding_box(latitude, longitude, radius_m)
    return Q(
        latitude__gte=box.min_latitude,
        latitude__lte=box.max_latitude,
        longitude__gte=box.min_longitude,
        longitude__lte=box.max_longitude,
    )


def _d2_expression(latitude: float, longitude: float) -> Any:
    """Squared local distance in square metres (lib.geo.local_distance_m): arithmetic only, so
    both engines compute it natively for every candidate row."""
    per_lat, per_lng = degree_lengths_m(latitude)
    dy = (F("latitude") - latitude) * per_lat
    dx = (F("longitude") - longitude) * per_lng
    return ExpressionWrapper(dy * dy + dx * dx, output_field=FloatField())


def _d2_sql(alias: str, latitude: float, longitude: float) -> Cond:
    per_lat, per_lng = degree_lengths_m(latitude)
    dy = f"(({alias}.latitude - %s) * %s)"
    dx = f"(({alias}.longitude - %s) * %s)"
    return f"({dy} * {dy} + {dx} * {dx})", [latitude, per_lat] * 2 + [longitude, per_lng] * 2


_FAR = 1e18  # sorts services without a location last on both engines


Cond = tuple[str, list[Any]]  # an SQL condition with its parameters
