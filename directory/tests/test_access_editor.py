"""Who may manage which directory records (directory/access.py)."""

import pytest
from django.http import Http404

from directory import access
from directory.testing import ServiceFactory
from directory.tests.editor_personas import make_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


def test_directory_editor_reaches_their_area_and_unlisted_services_only(world):
    unlisted = ServiceFactory(name="Not listed anywhere")
    reach = set(access.services_editable_by(world.editor))
    assert reach == {world.service, world.other_provider_service, unlisted}
    assert world.other_area_service not in reach


def test_provider_editor_reaches_only_their_providers_services(world):
    reach = set(access.services_editable_by(world.provider_editor))
    assert reach == {world.service, world.other_area_service}
    assert set(access.services_directly_editable_by(world.provider_editor)) == set()


def test_outsiders_reach_nothing(world):
    assert not access.services_editable_by(world.outsider_provider_editor).exists()
    assert not access.services_editable_by(world.caseworker).exists()


def test_get_service_for_editor_404s_outside_reach(world):
    with pytest.raises(Http404):
        access.get_service_for_editor(world.outsider_provider_editor, world.service.public_id)
    with pytest.raises(Http404):
        access.get_service_for_editor(world.provider_editor, world.service.public_id, write=True)
    assert access.get_service_for_editor(world.editor, world.service.public_id, write=True) == world.service


def test_only_directory_editors_decide_proposals(world):
    assert access.can_decide_proposals(world.editor)
    assert not access.can_decide_proposals(world.provider_editor)
    assert not access.can_decide_proposals(world.caseworker)
