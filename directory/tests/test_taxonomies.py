"""The SEND taxonomies load once, idempotently, with stable codes and search-index positions."""

import pytest

from directory import taxonomies
from directory.models import Taxonomy, TaxonomyTerm


def test_the_data_keeps_its_own_rules():
    taxonomies.check_data()
    for vocab in taxonomies.VOCABULARIES:
        assert all(0 <= t.position < 63 for t in vocab.terms)
        assert all(t.description.strip() for t in vocab.terms)


def test_needs_and_categories_cover_what_families_and_the_law_ask_for():
    needs = {t.code for t in taxonomies.NEEDS.terms}
    assert {
        "autism",
        "adhd",
        "speech-language-communication",
        "social-emotional-mental-health",
        "hearing",
        "vision",
        "multi-sensory-impairment",
        "physical-disability",
        "learning-disability",
        "specific-learning-difficulty",
        "medical-conditions",
        "down-syndrome",
        "profound-multiple-learning-disabilities",
    } <= needs
    categories = {t.code for t in taxonomies.CATEGORIES.terms}
    # Schedule 2 topics: health, education, social care, leisure, support groups, information and advice,
    # travel, preparing for adulthood, childcare, complaints.
    assert {
        "therapies",
        "community-paediatrics",
        "mental-health",
        "health-visiting",
        "school-nursing",
        "equipment-wheelchairs",
        "early-years",
        "schools",
        "special-schools",
        "post-16-training",
        "sen-support",
        "short-breaks",
        "respite",
        "family-support",
        "leisure-activities",
        "support-groups",
        "information-advice",
        "travel",
        "preparing-for-adulthood",
        "childcare",
        "complaints-disagreements",
    } <= categories
    assert {t.code for t in taxonomies.DELIVERY.terms} == {"in-person", "online", "phone"}


@pytest.mark.django_db
def test_ensure_taxonomies_is_idempotent():
    first = taxonomies.ensure_taxonomies()
    terms_before = {t.pk: (t.code, t.updated_at) for t in TaxonomyTerm.objects.all()}
    second = taxonomies.ensure_taxonomies()
    assert Taxonomy.objects.count() == len(taxonomies.VOCABULARIES)
    assert {t.pk: (t.code, t.updated_at) for t in TaxonomyTerm.objects.all()} == terms_before
    assert first["send-needs"]["autism"].pk == second["send-needs"]["autism"].pk
    speech = TaxonomyTerm.objects.get(code="speech-and-language-therapy")
    assert speech.parent.code == "therapies"
    assert speech.parent.parent.code == "health"


@pytest.mark.django_db
def test_ensure_taxonomies_repairs_a_changed_term_and_leaves_editors_terms_alone():
    taxonomies.ensure_taxonomies()
    TaxonomyTerm.objects.filter(code="autism").update(name="Wrong", position=50)
    needs = Taxonomy.objects.get(vocabulary="send-needs")
    TaxonomyTerm.objects.create(taxonomy=needs, code="local-term", name="Local", description="x", position=60)
    taxonomies.ensure_taxonomies()
    autism = TaxonomyTerm.objects.get(code="autism")
    assert (autism.name, autism.position) == ("Autism", 0)
    assert TaxonomyTerm.objects.filter(code="local-term").exists()


@pytest.mark.django_db
def test_term_matcher_understands_codes_names_and_common_abbreviations():
    taxonomies.ensure_taxonomies()
    needs = taxonomies.term_matcher("send-needs")
    assert needs["asd"].code == "autism"
    assert needs[taxonomies.normalise("Speech, Language & Communication")].code == (
        "speech-language-communication"
    )
    assert needs["dyslexia"].code == "specific-learning-difficulty"
    categories = taxonomies.term_matcher("service-categories")
    assert categories["speech therapy"].code == "speech-and-language-therapy"
    assert categories["sendiass"].code == "information-advice"
