"""Dutch by default, English by the language switch; both catalogues complete."""

from __future__ import annotations

import pytest
from babel.messages.catalog import Catalog

from imvo_survey.extensions import db
from imvo_survey.i18n.catalogues import LANGUAGES, extract, missing, placeholder_problems

from . import factories


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete(language):
    assert missing(language) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_their_placeholders(language):
    assert placeholder_problems(language) == []


def test_the_placeholder_check_finds_a_wrong_one(monkeypatch):
    """A translation that renames %(name)s would fail when filled in; the check says so."""
    catalog = Catalog(locale="nl")
    catalog.add("Hello %(name)s", "Hallo %(naam)s", flags=["python-format"])
    monkeypatch.setattr("imvo_survey.i18n.catalogues.load", lambda language: catalog)
    assert len(placeholder_problems("nl")) == 1


def test_the_sources_have_messages():
    """Guards the check above against an extraction that finds nothing."""
    ids = {m.id for m in extract() if m.id}
    assert "Log in" in ids and "There is a problem" in ids and len(ids) > 250


def test_compiled_catalogues_are_current():
    """`make` compiles the .po files; the .mo files must say the same."""
    from babel.messages.mofile import read_mo

    from imvo_survey.i18n.catalogues import load, po_path

    def as_tuple(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value

    for language in LANGUAGES:
        with po_path(language).with_suffix(".mo").open("rb") as handle:
            compiled = {as_tuple(m.id): as_tuple(m.string) for m in read_mo(handle) if m.id}
        source = {as_tuple(m.id): as_tuple(m.string) for m in load(language) if m.id}
        assert compiled == source, f"run `imvo i18n compile` for {language}"


def test_dutch_by_default(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert "Naar de hoofdinhoud" in page and "Inloggen" in page


def test_switch_to_english_and_back(client):
    response = client.get("/language/en?next=/auth/login")
    assert response.location == "/auth/login"
    page = client.get("/auth/login").get_data(as_text=True)
    assert '<html lang="en">' in page and "Skip to main content" in page and "Forgot your password?" in page
    assert "Wachtwoord vergeten" not in page
    assert 'hreflang="nl"' in page
    client.get("/language/nl")
    assert "Wachtwoord vergeten?" in client.get("/auth/login").get_data(as_text=True)


def test_unknown_language_is_ignored(client):
    client.get("/language/de")
    assert '<html lang="nl">' in client.get("/").get_data(as_text=True)


def test_the_users_preference_applies(client, auth):
    user = factories.make_user("analyst", email="en@example.org", language="en")
    db.session.commit()
    auth.login(user.email)
    page = client.get("/organisations/").get_data(as_text=True)
    assert "Organisations" in page and "Organisaties" not in page


def test_codes_and_reference_data_in_both_languages(secretariat_client):
    organisation = factories.make_organisation(name="Talen", kind="product_board",
                                               sector=factories.sector("olie_gas"))
    db.session.commit()
    dutch = secretariat_client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert "Productschap" in dutch and "Olie en gas" in dutch
    secretariat_client.get("/language/en")
    english = secretariat_client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert "Product board" in english and "Oil and gas" in english


def test_default_language_from_the_environment(make_app):
    app = make_app(BABEL_DEFAULT_LOCALE="en")
    assert '<html lang="en">' in app.test_client().get("/").get_data(as_text=True)


def test_error_pages_are_translated(client):
    assert "Pagina niet gevonden" in client.get("/bestaat-niet").get_data(as_text=True)
    client.get("/language/en")
    assert "Page not found" in client.get("/bestaat-niet").get_data(as_text=True)
