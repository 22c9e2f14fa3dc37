"""A removed entry's key is never given to a new entry: a stale page that edits the
removed entry gets "this entry was removed", never someone else's new entry. Ids of
activities, dilemmas and bottlenecks are never reused (SQLite: AUTOINCREMENT), nor are
the numbers of entries of repeating groups that are not bound to the inventory."""

from __future__ import annotations

import pytest

from imvo_survey.answers import services
from imvo_survey.answers.services import Actor, EntryGone
from imvo_survey.extensions import db
from imvo_survey.questionnaires.services import publish, store_definition

from .. import factories
from ..answering import add_activity
from ..questionnaires.helpers import definition, q

ENTRIES = {
    "activity": None,  # the shipped helper's values
    "dilemma": {"dilemma_description": "Kinderarbeid bij toeleveranciers", "dilemma_aspects": ["child_labour"]},
    "bottleneck": {"bottleneck_description": "Geen zicht op de tweede schakel", "bottleneck_aspects": ["wages"]},
}


def _started(version=None):
    round = factories.make_round(**({"association": version} if version else {}))
    organisation = factories.make_organisation()
    contact = factories.make_contact(organisation)
    invitation = factories.make_invitation(round, organisation, status="invited")
    actor = Actor(contact=contact)
    return services.start(invitation, actor), actor


def _add(response, actor, repeat: str, values: dict | None) -> str:
    if values is None:
        return add_activity(response, actor)
    result = services.save_entry(response, repeat, None, values, None, response.lock_version, actor)
    assert not result.errors and not result.conflicts, result.errors
    return result.key


@pytest.mark.parametrize("repeat", sorted(ENTRIES))
def test_the_newest_removed_inventory_entry_keeps_its_key_to_itself(app, repeat):
    response, actor = _started()
    _add(response, actor, repeat, ENTRIES[repeat])
    newest = _add(response, actor, repeat, ENTRIES[repeat])
    seen_lock = response.lock_version
    assert services.remove_entry(response, repeat, newest, actor) is not None
    db.session.commit()
    added = _add(response, actor, repeat, ENTRIES[repeat])
    db.session.commit()
    assert int(added.split(":")[1]) > int(newest.split(":")[1])
    # A page that still shows the removed entry saves it: it is gone, not someone else's.
    values = ENTRIES[repeat] or {"activity_title": "Oude titel"}
    with pytest.raises(EntryGone):
        services.save_entry(response, repeat, newest, values, None, seen_lock, actor)


def test_entry_numbers_of_a_plain_repeating_group_are_never_reused(app):
    version = store_definition(definition(q("visit", "repeat", questions=[q("visit_place", "text", required=True)]),
                                          code="bezoeken", audience="association"))
    publish(version, None)
    response, actor = _started(version)
    keys = [_add(response, actor, "visit", {"visit_place": place}) for place in ("Accra", "Abidjan")]
    assert keys == ["entry:1", "entry:2"]
    services.remove_entry(response, "visit", "entry:2", actor)
    db.session.commit()
    assert _add(response, actor, "visit", {"visit_place": "Lagos"}) == "entry:3"
    with pytest.raises(EntryGone):
        services.save_entry(response, "visit", "entry:2", {"visit_place": "Abidjan"}, None, 1, actor)
