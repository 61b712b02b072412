"""Distances on the Earth's surface for postcode search. Pure functions, no Django.

The haversine formula on a sphere of the mean Earth radius is accurate to about 0.5% — far better
than a postcode centroid is — and is what the database computes too (directory/search/places.py), so the
distance a family sees on a page and the order the results come in always agree.
"""

from __future__ import annotations

import math
from typing import NamedTuple

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)
METRES_PER_MILE = 1609.344


class BoundingBox(NamedTuple):
    min_latitude: float
    max_latitude: float
    min_longitude: float
    max_longitude: float


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres between two points given in decimal degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = math.radians(lat2 - lat1)
    dlambda = math.radians(lng2 - lng1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(latitude: float, longitude: float, radius_m: float) -> BoundingBox:
    """The smallest latitude/longitude box that contains every point within radius_m of the centre.

    Used as a cheap indexed pre-filter before the exact haversine distance. Near the poles the
    longitude span is the whole circle.
    """
    angular = radius_m / EARTH_RADIUS_M
    dlat = math.degrees(angular)
    min_lat, max_lat = latitude - dlat, latitude + dlat
    if max_lat >= 90 or min_lat <= -90:
        return BoundingBox(max(min_lat, -90.0), min(max_lat, 90.0), -180.0, 180.0)
    # The widest longitude span is not at the centre's latitude but at the tangent latitude.
    dlng = math.degrees(math.asin(min(1.0, math.sin(angular) / math.cos(math.radians(latitude)))))
    return BoundingBox(min_lat, max_lat, longitude - dlng, longitude + dlng)


def metres_to_miles(metres: float) -> float:
    return metres / METRES_PER_MILE


def miles_to_metres(miles: float) -> float:
    return miles * METRES_PER_MILE


def describe_distance(metres: float) -> str:
    """A distance as a family would say it: "0.4 miles", "3 miles", "12 miles"."""
    miles = metres_to_miles(metres)
    if miles < 0.1:
        return "less than 0.1 miles"
    if miles < 10:
        text = f"{miles:.1f}".rstrip("0").rstrip(".")
    else:
        text = f"{round(miles)}"
    return f"{text} mile" if text == "1" else f"{text} miles"


def degree_lengths_m(latitude: float) -> tuple[float, float]:
    """(metres per degree of latitude, metres per degree of longitude) at this latitude (WGS84 series)."""
    phi = math.radians(latitude)
    per_lat = 111_132.92 - 559.82 * math.cos(2 * phi) + 1.175 * math.cos(4 * phi) - 0.0023 * math.cos(6 * phi)
    per_lng = 111_412.84 * math.cos(phi) - 93.5 * math.cos(3 * phi) + 0.118 * math.cos(5 * phi)
    return per_lat, per_lng


def local_distance_m(lat0: float, lng0: float, lat: float, lng: float) -> float:
    """Distance from (lat0, lng0) on a flat map drawn at lat0: within 0.5% of the great-circle
    distance up to 100 km in Britain, and only arithmetic, so a database can compute it for every
    candidate row without trigonometry (see directory/search/places.py). Use this wherever a distance is
    shown next to search results, so the numbers agree with the order."""
    per_lat, per_lng = degree_lengths_m(lat0)
    return math.hypot((lat - lat0) * per_lat, (lng - lng0) * per_lng)
