"""The matrix page's ways in and views: the round chooser, the menu's latest round with
submitted responses, links from the round and its dashboard, aspect groups that open to
their aspects, and what the page says about an address it cannot use (food round of
conftest.py)."""

from __future__ import annotations

import re

from imvo_survey.extensions import db

from .. import factories
from .builders import association, respond
from .test_matrix_page import cells_of


def heads(html: str) -> list[str]:
    """The column heads' texts (the group toggles' words left out)."""
    found = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', html, re.S)
    return [re.sub(r"<a class=\"group-toggle\".*?</a>|<[^>]+>|\s+", " ", head, flags=re.S).strip() for head in found]


def chooser_options(html: str) -> list[str]:
    chooser = re.search(r'<select id="round-choice" name="round">(.*?)</select>', html, re.S).group(1)
    return [re.sub(r"\s+", " ", text).strip() for text in re.findall(r"<option[^>]*>(.*?)</option>", chooser, re.S)]


def test_the_chooser_lists_the_rounds_newest_first_with_year_and_status(analyst_client, food_round):
    factories.make_round(slug="imvo-2012", name="IMVO 2012", year=2012, status="closed")
    factories.make_round(slug="imvo-2013", name="IMVO 2013", year=2013, status="draft")  # nothing to show yet
    db.session.commit()
    html = analyst_client.get("/matrix/imvo-2010").get_data(as_text=True)
    options = chooser_options(html)
    assert options[0] == "IMVO 2012 (2012, Gesloten)"
    assert options[1].endswith("(2010, Open)") and len(options) == 2
    assert re.search(r'<option value="imvo-2010" selected>', html)


def test_choosing_a_round_opens_its_matrix_in_the_same_view(analyst_client, food_round):
    factories.make_round(slug="imvo-2012", year=2012)
    db.session.commit()
    answer = analyst_client.get("/matrix/choose?round=imvo-2012&measure=members&compare=imvo-2010")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/matrix/imvo-2012?measure=members"  # a comparison round is per round
    assert analyst_client.get("/matrix/choose?round=nonsense").status_code == 404


def test_the_menu_opens_the_latest_round_with_submitted_responses_and_says_so(analyst_client, food_round):
    later = factories.make_round(slug="imvo-2012", year=2012)
    respond(later, association("Nog bezig"), [], status="in_progress")  # a response, not submitted
    db.session.commit()
    answer = analyst_client.get("/matrix/")
    assert answer.headers["Location"] == "/matrix/imvo-2010"
    html = analyst_client.get("/matrix/imvo-2010").get_data(as_text=True)
    assert "(laatste uitvraag met ingediende antwoorden)" in re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)
    assert "laatste uitvraag met ingediende antwoorden" not in analyst_client.get(
        "/matrix/imvo-2012").get_data(as_text=True)


def test_the_round_and_its_dashboard_link_to_its_matrix(secretariat_client, food_round):
    for path in ("/rounds/imvo-2010", "/rounds/imvo-2010/dashboard"):
        assert 'href="/matrix/imvo-2010"' in secretariat_client.get(path).get_data(as_text=True), path


def test_an_unknown_filter_value_is_said_on_the_page_beside_its_field(analyst_client, food_round):
    html = analyst_client.get("/matrix/imvo-2010?sector=nonsense&sectr=banken").get_data(as_text=True)
    summary = re.search(r'<div class="error-summary" role="alert".*?</div>', html, re.S).group(0)
    assert "Sector: nonsense is geen van de keuzes" in summary
    assert "niet kent; ze zijn weggelaten: sectr." in summary
    assert re.search(r'<select[^>]*aria-invalid="true"[^>]*name="sector"|<select[^>]*name="sector"[^>]*aria-invalid'
                     r'="true"', html)
    assert cells_of(html, "Banken")  # all sectors shown, as the message says
    assert "error-summary" not in analyst_client.get("/matrix/imvo-2010?sector=banken").get_data(as_text=True)


def test_aspect_groups_open_to_their_aspects(analyst_client, food_round):
    html = analyst_client.get("/matrix/imvo-2010?columns=aspect_group").get_data(as_text=True)
    assert heads(html)[10:] == ["Mensenrechten", "Arbeidsomstandigheden en arbeidsnormen", "Milieu",
                                "Goed bestuur en consumentenbelangen", "Dierenwelzijn"]
    # 9 cells before the groups: the benchmark (5) and the response (4)
    assert cells_of(html, "Voedsel en drank")[9].startswith("0 %")  # nobody on human rights
    labour = cells_of(html, "Voedsel en drank")[9 + 1]
    assert labour.startswith("67 %")  # A and B of the three respondents: each once, not per aspect
    assert "Het cijfer van een groep telt elke organisatie" in html
    link = re.search(r'href="(/matrix/imvo-2010\?columns=aspect_group&amp;expand=labour)"', html).group(1)
    opened = analyst_client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert heads(opened)[10:13] == ["Mensenrechten", "Arbeidsomstandigheden en arbeidsnormen",
                                    "Vrijheid van vakvereniging en collectief onderhandelen"]
    labour_aspects = heads(opened)[12:19]
    assert "Afschaffen van kinderarbeid" in labour_aspects and heads(opened)[19] == "Milieu"
    food = cells_of(opened, "Voedsel en drank")
    assert food[9 + 1].startswith("67 %")  # the group, then its aspects
    assert food[9 + 2 + labour_aspects.index("Afschaffen van kinderarbeid")].startswith("67 %")
    assert food[9 + 2 + labour_aspects.index("Lonen (leefbaar loon)")].startswith("33 %")
    assert 'aria-expanded="true"' in opened and "expand=labour" not in re.search(
        r'<a class="group-toggle" href="([^"]*)" aria-expanded="true"', opened).group(1)


def test_an_unknown_aspect_group_is_said(analyst_client, food_round):
    html = analyst_client.get("/matrix/imvo-2010?columns=aspect_group&expand=nonsense").get_data(as_text=True)
    assert "Onbekende aspectgroep in het adres, weggelaten: nonsense." in html
