"""Random small inventories for the property tests: organisations with a kind, a
sector, a member count, a response status and activities on aspects (with a share, and
sometimes carried over and ended). tests/analysis/pure/test_properties.py turns them
into frames; tests/analysis/test_activity_count.py into rows in the database."""

from __future__ import annotations

from hypothesis import strategies as st

SECTORS = ("voedsel_drank", "banken")
ASPECTS = ("child_labour", "climate", "water")

activity = st.fixed_dictionaries({
    "aspects": st.lists(st.sampled_from(ASPECTS), min_size=1, max_size=3, unique=True),
    "share": st.one_of(st.none(), st.integers(min_value=0, max_value=100)),
    "carry": st.sampled_from((None, None, "continued", "ended")),
})
organisation_spec = st.fixed_dictionaries({
    "kind": st.sampled_from(("branch_association", "company")),
    "sector": st.sampled_from(SECTORS),
    "members": st.one_of(st.none(), st.integers(min_value=1, max_value=500)),
    "status": st.sampled_from(("submitted", "accepted", "in_progress", "declined")),
    "activities": st.lists(activity, max_size=4),
})


def counted(activities):
    """Activities that count: carried-over ones marked ended count in the earlier round only."""
    return [a for a in activities if a["carry"] != "ended"]
