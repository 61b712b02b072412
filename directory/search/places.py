"""Where a search is from (postcodes and places) and distances on the search rows."""

from __future__ import annotations

from typing import Any

from django.db.models import ExpressionWrapper, F, FloatField, Q

from directory.models import Place, Postcode
from lib.geo import bounding_box, degree_lengths_m
from lib.postcodes import is_postcode, postcode_key


def postcode_la_code(text: str) -> str:
    """The ONS local authority code of a postcode (any spacing or case), or "" if unknown."""
    code = Postcode.objects.filter(key=postcode_key(text)).values_list("la_code", flat=True).first()
    return code or ""


def resolve_location(text: str) -> tuple[float, float, str] | None:
    """(latitude, longitude, label) for a postcode (any spacing or case) or a place name, or None.

    Postcodes come from the ONS Postcode Directory import; terminated postcodes still resolve (people
    keep using old ones). Then places by exact name, then by name prefix ("north" finds "Northtown").
    """
    text = (text or "").strip()
    if not text:
        return None
    if is_postcode(text):
        postcode = Postcode.objects.filter(key=postcode_key(text)).first()
        if postcode:
            return postcode.latitude, postcode.longitude, postcode.postcode
        return None
    name = " ".join(text.lower().split())
    place = Place.objects.filter(key=name).first() or (
        Place.objects.filter(key__startswith=name).order_by("key").first() if len(name) >= 3 else None
    )
    if place:
        return place.latitude, place.longitude, place.name
    return None


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
