"""Distances for postcode search, checked against worked examples."""

import math

import pytest

from lib.geo import bounding_box, describe_distance, haversine_m, local_distance_m


def test_haversine_london_to_leeds():
    # Charing Cross (51.5073, -0.1277) to Leeds Town Hall (53.8000, -1.5491): about 272 km.
    assert haversine_m(51.5073, -0.1277, 53.8000, -1.5491) == pytest.approx(272_000, rel=0.01)


def test_local_distance_agrees_with_haversine_within_half_a_percent():
    for lat, lng in [(52.63, -1.13), (50.4, -4.1), (54.9, -1.6)]:
        for dlat, dlng in [(0.1, 0.0), (0.0, 0.3), (0.4, 0.5), (-0.6, -0.9)]:
            exact = haversine_m(lat, lng, lat + dlat, lng + dlng)
            assert local_distance_m(lat, lng, lat + dlat, lng + dlng) == pytest.approx(exact, rel=0.005)


def test_bounding_box_contains_the_circle():
    box = bounding_box(52.63, -1.13, 16_093)
    for bearing in range(0, 360, 15):
        # a point 16 km away on each bearing (small-distance approximation) lies inside the box
        b = math.radians(bearing)
        lat = 52.63 + 16_000 * math.cos(b) / 111_200
        lng = -1.13 + 16_000 * math.sin(b) / (111_200 * math.cos(math.radians(52.63)))
        assert box.min_latitude <= lat <= box.max_latitude
        assert box.min_longitude <= lng <= box.max_longitude


def test_describe_distance():
    assert describe_distance(50) == "less than 0.1 miles"
    assert describe_distance(1609.344) == "1 mile"
    assert describe_distance(2414) == "1.5 miles"
    assert describe_distance(20_000) == "12 miles"
