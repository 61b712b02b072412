"""Search quality cannot quietly fall: the everyday queries of bench/search_quality.py, scored on the
demo Local Offer, must stay above the floor (precision at 10 and recall, means over the queries)."""

from __future__ import annotations

import pytest

from bench import search_quality
from directory import demo
from directory.search_words import load_default_synonyms

pytestmark = pytest.mark.django_db


def test_everyday_queries_find_what_a_parent_wants():
    load_default_synonyms()  # the shipped list (there already, unless a transactional test emptied it)
    demo.generate(search_quality.SIZE, search_quality.SEED)
    scores = search_quality.evaluate()
    assert len(scores) >= 30
    means = search_quality.means(scores)
    lost = [s.query.text for s in scores if s.wanted and s.recall == 0]
    assert not lost, f"queries that find none of what a parent wants: {lost}"
    assert means["precision_at_10"] >= search_quality.FLOOR["precision_at_10"], means
    assert means["recall"] >= search_quality.FLOOR["recall"], means
