"""MKB self-registration: the public form, the confirmation link, the invitation to the
open round, the review by the secretariat (merge or reject), and the defences (honeypot,
rate limit, CSRF, nothing shown to the public)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import func, select

from imvo_survey.extensions import db
from imvo_survey.models import Contact, Invitation, Organisation, OutboxMessage, Registration, utcnow
from imvo_survey.registration import services
from imvo_survey.rounds.services import hash_token

from .. import factories

BASE_URL = "http://imvo.example.org"
LINK = re.compile(re.escape(BASE_URL) + r"/register/confirm/[A-Za-z0-9_-]+")


def _text(response) -> str:
    return response.get_data(as_text=True)


def _form(**overrides) -> dict:
    """What a company types on the public form."""
    data = {
        "name": "Bakkerij De Korenaar", "kvk_number": "12345678",
        "sector_id": str(factories.sector("voedsel_drank").id), "size": "mkb", "association_id": "",
        "association_name": "", "contact_name": "Jan Jansen", "contact_email": "Jan@Korenaar.example.org",
        "language": "nl", "website": "",
    }
    data.update(overrides)
    return data


def _see_what_requests_wrote() -> None:
    """The client's requests run in their own sessions: end the test's transaction so
    that the next query reads what they committed."""
    db.session.commit()


def _count(model, *conditions) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*conditions))


def _confirmation_path(message) -> str:
    link = LINK.search(message.get_body(preferencelist=("plain",)).get_content()).group(0)
    return link.removeprefix(BASE_URL)


def _registered(app, confirm: bool = False, **values) -> tuple[Registration, str]:
    """A registration made by the service (as the public form does), optionally confirmed."""
    values = {"name": "Bakkerij De Korenaar", "size": "mkb", "contact_name": "Jan Jansen",
              "contact_email": "jan@korenaar.example.org", "kvk_number": "12345678",
              "sector_id": factories.sector("voedsel_drank").id, **values}
    with app.test_request_context():
        registration, token = services.register(**values)
        if confirm:
            services.confirm(token)
    db.session.commit()
    return registration, token


def _known_company(**values) -> Organisation:
    """A company already in the register, with a contact."""
    values = {"name": "Echte Bakker BV", "kind": "company", "kvk_number": "12345678", **values}
    organisation = factories.make_organisation(**values)
    factories.make_contact(organisation, email="inkoop@echtebakker.example.org")
    return organisation


# --- the public flow --------------------------------------------------------------

def test_register_confirm_and_get_invited(client, mail_folder):
    """Register -> mail with link -> confirm -> company and contact added, member of the
    chosen association, invited to the open round (an invitation mail is queued)."""
    round = factories.make_round(status="open")
    association = factories.make_organisation(name="FNLI", kind="branch_association")
    db.session.commit()

    response = client.post("/register", data=_form(association_id=str(association.id), language="en"))
    assert response.status_code == 302 and response.location.endswith("/register/sent")
    _see_what_requests_wrote()
    registration = db.session.scalar(select(Registration))
    assert registration.status == "pending" and registration.contact_email == "jan@korenaar.example.org"
    assert _count(Organisation, Organisation.kind == "company") == 0

    [mail] = mail_folder()
    assert mail["To"] == "jan@korenaar.example.org"
    path = _confirmation_path(mail)
    token = path.rsplit("/", 1)[1]
    assert registration.token_hash == hash_token(token) != token  # only the hash is stored
    assert _count(OutboxMessage, OutboxMessage.kind == "registration") == 1

    response = client.get(path)
    assert response.status_code == 302 and response.location.endswith("/register/confirmed")
    thanks = client.get(response.location)
    assert thanks.status_code == 200 and '<html lang="en">' in _text(thanks)  # the language chosen
    _see_what_requests_wrote()
    registration = db.session.get(Registration, registration.id)
    assert registration.status == "confirmed" and registration.confirmed_at is not None
    company = registration.organisation
    assert (company.name, company.kind, company.size, company.kvk_number, company.is_active) == (
        "Bakkerij De Korenaar", "company", "mkb", "12345678", True)
    assert company.sector.code == "voedsel_drank"
    assert [a.name for a in company.associations] == ["FNLI"]
    [contact] = company.contacts
    assert (contact.name, contact.email, contact.language, contact.is_primary) == (
        "Jan Jansen", "jan@korenaar.example.org", "en", True)

    invitation = db.session.scalar(select(Invitation).where(Invitation.organisation_id == company.id))
    assert invitation.round_id == round.id and invitation.audience == "company"
    assert invitation.status == "invited"
    messages = mail_folder()
    assert len(messages) == 2
    invitation_mail = messages[1]
    assert invitation_mail["To"] == "jan@korenaar.example.org"
    assert f"{BASE_URL}/i/" in invitation_mail.get_body(preferencelist=("plain",)).get_content()


def test_the_mail_is_in_the_registrants_language_and_links_to_the_base_url(client, mail_folder):
    client.post("/register", data=_form(language="en"), base_url="http://evil.example.net")
    [mail] = mail_folder()
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert '<html lang="en">' in html
    assert LINK.search(html) and "evil.example.net" not in mail.as_string()


def test_the_association_named_in_words_is_kept_for_the_secretariat(app, client):
    _registration, token = _registered(app, association_name="Koninklijke Bakkersvereniging")
    client.get(f"/register/confirm/{token}")
    _see_what_requests_wrote()
    company = db.session.scalar(select(Organisation).where(Organisation.kind == "company"))
    assert "Koninklijke Bakkersvereniging" in company.notes and company.associations == []


def test_a_kvk_number_may_be_typed_with_spaces(client):
    assert client.post("/register", data=_form(kvk_number="1234 56.78")).status_code == 302
    _see_what_requests_wrote()
    assert db.session.scalar(select(Registration.kvk_number)) == "12345678"


def test_the_kvk_number_is_optional(client):
    assert client.post("/register", data=_form(kvk_number="")).status_code == 302
    _see_what_requests_wrote()
    assert db.session.scalar(select(Registration)).kvk_number is None


def test_validation_errors_keep_what_was_typed_and_point_at_the_field(client):
    response = client.post("/register", data=_form(contact_email="geen adres", kvk_number="1234", sector_id=""))
    assert response.status_code == 200
    page = _text(response)
    assert 'value="Bakkerij De Korenaar"' in page and 'value="Jan Jansen"' in page and 'value="1234"' in page
    for field in ("contact_email", "kvk_number", "sector_id"):
        assert f'href="#{field}"' in page
    assert page.count('aria-invalid="true"') == 3
    _see_what_requests_wrote()
    assert _count(Registration) == 0 and _count(OutboxMessage) == 0


def test_the_form_offers_active_associations_and_boards_only(client):
    factories.make_organisation(name="FNLI", kind="branch_association")
    factories.make_organisation(name="Productschap Vis", kind="product_board")
    factories.make_organisation(name="Opgeheven Schap", kind="product_board", is_active=False)
    factories.make_organisation(name="Philips", kind="company", size="large")
    db.session.commit()
    page = _text(client.get("/register"))
    assert "FNLI" in page and "Productschap Vis" in page
    assert "Opgeheven Schap" not in page and "Philips" not in page


# --- links that do not work -------------------------------------------------------

def test_a_link_works_once(app, client):
    _registration, token = _registered(app)
    assert client.get(f"/register/confirm/{token}").status_code == 302
    again = client.get(f"/register/confirm/{token}")
    assert again.status_code == 404
    _see_what_requests_wrote()
    assert _count(Organisation) == 1


@pytest.mark.parametrize("token", ["abc", "x" * 300, "A" * 43])
def test_unknown_and_malformed_links_get_the_plain_page(client, token):
    response = client.get(f"/register/confirm/{token}")
    assert response.status_code == 404
    assert 'href="/register"' in _text(response)  # the plain page offers to register again


def test_a_link_expires_after_72_hours(app, client):
    with time_machine.travel(utcnow(), tick=False) as traveller:
        early, early_token = _registered(app, contact_email="vroeg@korenaar.example.org")
        late, late_token = _registered(app, name="Bakkerij Laat", kvk_number=None,
                                       contact_email="laat@korenaar.example.org")
        traveller.shift(timedelta(hours=71, minutes=59))
        assert client.get(f"/register/confirm/{early_token}").status_code == 302
        traveller.shift(timedelta(minutes=2))
        expired = client.get(f"/register/confirm/{late_token}")
    assert expired.status_code == 404
    _see_what_requests_wrote()
    assert db.session.get(Registration, early.id).status == "confirmed"
    assert db.session.get(Registration, late.id).status == "pending"


# --- a company that looks known -----------------------------------------------------

@pytest.mark.parametrize("typed", [
    {"name": "Iemand Anders", "kvk_number": "12345678"},  # another company's KvK number
    {"name": "  echte   BAKKER bv ", "kvk_number": ""},  # the same name, case and spacing aside
])
def test_a_known_kvk_number_or_name_goes_to_review_and_is_not_invited(client, mail_folder, typed):
    factories.make_round(status="open")
    known = _known_company()
    db.session.commit()
    client.post("/register", data=_form(**typed))
    [mail] = mail_folder()
    assert client.get(_confirmation_path(mail)).status_code == 302
    _see_what_requests_wrote()
    registration = db.session.scalar(select(Registration))
    assert registration.status == "review" and registration.organisation_id is None
    assert _count(Organisation, Organisation.kind == "company") == 1
    assert [c.email for c in db.session.get(Organisation, known.id).contacts] == ["inkoop@echtebakker.example.org"]
    assert _count(Invitation) == 0 and len(mail_folder()) == 1


def test_the_confirmation_page_does_not_tell_whether_the_company_was_known(app, client):
    _known_company()
    db.session.commit()
    _review, review_token = _registered(app, kvk_number="12345678", contact_email="a@example.org")
    _new, new_token = _registered(app, name="Nieuwe Bakker", kvk_number="87654321", contact_email="b@example.org")
    review_page = client.get(f"/register/confirm/{review_token}", follow_redirects=True)
    new_page = client.get(f"/register/confirm/{new_token}", follow_redirects=True)
    assert review_page.status_code == new_page.status_code == 200
    assert review_page.request.path == new_page.request.path == "/register/confirmed"
    assert _text(review_page) == _text(new_page)
    _see_what_requests_wrote()
    assert {r.status for r in db.session.scalars(select(Registration))} == {"review", "confirmed"}


def test_public_pages_show_nothing_of_the_registration(app, client):
    response = client.post("/register", data=_form(), follow_redirects=True)
    page = _text(response)
    assert "korenaar.example.org" not in page and "Bakkerij De Korenaar" not in page
    _see_what_requests_wrote()
    _registration, token = _registered(app, name="Bakkerij Twee", kvk_number=None,
                                       contact_email="twee@korenaar.example.org")
    confirmed = _text(client.get(f"/register/confirm/{token}", follow_redirects=True))
    assert "Bakkerij Twee" not in confirmed and "twee@korenaar.example.org" not in confirmed


@pytest.mark.parametrize("round_status", [None, "draft", "closed"])
def test_no_invitation_without_an_open_round(client, mail_folder, round_status):
    if round_status:
        factories.make_round(status=round_status)
        db.session.commit()
    client.post("/register", data=_form())
    [mail] = mail_folder()
    assert client.get(_confirmation_path(mail)).status_code == 302
    _see_what_requests_wrote()
    assert db.session.scalar(select(Registration)).status == "confirmed"
    assert _count(Organisation, Organisation.kind == "company") == 1
    assert _count(Invitation) == 0 and len(mail_folder()) == 1


# --- defences -----------------------------------------------------------------------

def test_the_honeypot_pretends_success_but_keeps_nothing(client):
    page = _text(client.get("/register"))
    assert re.search(r'<div class="visually-hidden">\s*<div class="field[^"]*">\s*<label for="website">', page)
    response = client.post("/register", data=_form(website="http://spam.example.net"))
    assert response.status_code == 302 and response.location.endswith("/register/sent")
    _see_what_requests_wrote()
    assert _count(Registration) == 0 and _count(OutboxMessage) == 0


def test_registering_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, REGISTRATION_RATE_LIMIT="2 per hour")
    client = app.test_client()
    statuses = [client.post("/register", data=_form(kvk_number="", name=f"Bakkerij {n}")).status_code
                for n in range(3)]
    assert statuses == [302, 302, 429]
    assert client.get("/register").status_code == 200  # reading the form is not limited
    _see_what_requests_wrote()
    assert _count(Registration) == 2


def test_confirmation_mails_are_limited_per_contact_address(make_app):
    """Many client addresses cannot flood one mailbox with confirmation mails; a form
    sent back with errors does not count."""
    app = make_app(RATELIMIT_ENABLED=True, TRUSTED_PROXIES=1, REGISTRATION_RATE_LIMIT="100 per hour",
                   REGISTRATION_ADDRESS_RATE_LIMIT="2 per day")
    client = app.test_client()

    def post(number: int, **values) -> int:
        return client.post("/register", data=_form(kvk_number="", name=f"Bakkerij {number}", **values),
                           headers={"X-Forwarded-For": f"198.51.100.{number}"}).status_code

    assert post(0, contact_email="geen adres") == 200  # an error in the form: shown again, not counted
    assert [post(1), post(2, contact_email="JAN@korenaar.example.org"), post(3)] == [302, 302, 429]
    assert post(4, contact_email="piet@korenaar.example.org") == 302  # another mailbox
    _see_what_requests_wrote()
    assert _count(Registration) == 3


def test_csrf_token_is_required(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    assert client.post("/register", data=_form()).status_code == 400
    _see_what_requests_wrote()
    assert _count(Registration) == 0
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', _text(client.get("/register"))).group(1)
    assert client.post("/register", data=_form(csrf_token=token)).status_code == 302
    _see_what_requests_wrote()
    assert _count(Registration) == 1


SECRETARIAT_PAGES = [("get", "/registrations/"), ("get", "/registrations/{id}"),
                     ("post", "/registrations/{id}/merge"), ("post", "/registrations/{id}/reject")]


@pytest.mark.parametrize("method, url", SECRETARIAT_PAGES)
def test_anonymous_visitors_are_sent_to_login(app, client, method, url):
    registration, _token = _registered(app)
    response = getattr(client, method)(url.format(id=registration.id))
    assert response.status_code == 302 and "/auth/login" in response.location


@pytest.mark.parametrize("role", ["respondent_client", "analyst_client"])
@pytest.mark.parametrize("method, url", SECRETARIAT_PAGES)
def test_respondents_and_analysts_are_refused(app, request, role, method, url):
    user_client = request.getfixturevalue(role)
    registration, _token = _registered(app)
    response = getattr(user_client, method)(url.format(id=registration.id), data={"note": "x"})
    assert response.status_code == 403
    _see_what_requests_wrote()
    assert db.session.get(Registration, registration.id).status == "pending"


# --- the secretariat ----------------------------------------------------------------

def test_the_list_shows_registrations_by_status(app, secretariat_client):
    _known_company()
    db.session.commit()
    _registered(app, name="Wacht Nog", kvk_number=None, contact_email="a@example.org")
    _registered(app, name="Lijkt Bekend", kvk_number="12345678", contact_email="b@example.org", confirm=True)
    page = _text(secretariat_client.get("/registrations/"))
    assert "Wacht Nog" in page and "Lijkt Bekend" in page
    review = _text(secretariat_client.get("/registrations/?status=review"))
    assert "Lijkt Bekend" in review and "Wacht Nog" not in review
    assert secretariat_client.get("/registrations/?status=nonsense").status_code == 200


def test_the_detail_page_shows_the_likely_organisations(app, secretariat_client):
    _known_company()
    factories.make_organisation(name="Bakkerij De Korenaar Holding", kind="company")
    factories.make_organisation(name="Staalbedrijf", kind="company")
    db.session.commit()
    registration, _token = _registered(app, confirm=True)
    page = _text(secretariat_client.get(f"/registrations/{registration.id}"))
    assert "Echte Bakker BV" in page and "Bakkerij De Korenaar Holding" in page
    assert "Staalbedrijf" not in page
    assert f'action="/registrations/{registration.id}/merge"' in page
    assert secretariat_client.get("/registrations/999999").status_code == 404


def test_merge_adds_the_contact_and_invites_the_organisation(app, secretariat_client, secretariat, mail_folder):
    round = factories.make_round(status="open")
    known = _known_company()
    db.session.commit()
    registration, _token = _registered(app, confirm=True)
    assert registration.status == "review"

    response = secretariat_client.post(f"/registrations/{registration.id}/merge",
                                       data={"organisation_id": str(known.id), "other": ""})
    assert response.status_code == 302
    _see_what_requests_wrote()
    registration = db.session.get(Registration, registration.id)
    assert registration.status == "merged" and registration.organisation_id == known.id
    assert registration.handled_by_id == secretariat.id and registration.handled_at is not None
    contacts = db.session.scalars(select(Contact).where(Contact.organisation_id == known.id)
                                  .order_by(Contact.id)).all()
    assert [(c.email, c.is_primary) for c in contacts] == [("inkoop@echtebakker.example.org", True),
                                                           ("jan@korenaar.example.org", False)]
    invitation = db.session.scalar(select(Invitation).where(Invitation.organisation_id == known.id))
    assert invitation.round_id == round.id and invitation.status == "invited"
    assert _count(OutboxMessage, OutboxMessage.kind == "invitation") == 1


def test_merge_keeps_a_known_address_and_an_existing_invitation(app, secretariat_client):
    round = factories.make_round(status="open")
    known = _known_company()
    factories.make_invitation(round, known, status="invited")
    db.session.commit()
    registration, _token = _registered(app, contact_email="inkoop@echtebakker.example.org", confirm=True)
    secretariat_client.post(f"/registrations/{registration.id}/merge", data={"organisation_id": str(known.id)})
    _see_what_requests_wrote()
    assert db.session.get(Registration, registration.id).status == "merged"
    assert _count(Contact, Contact.organisation_id == known.id) == 1
    assert _count(Invitation) == 1 and _count(OutboxMessage, OutboxMessage.kind == "invitation") == 0


def test_merge_into_an_organisation_found_by_its_number(app, secretariat_client):
    other = factories.make_organisation(name="Heel Andere Naam", kind="company", kvk_number="55555555")
    _known_company()
    db.session.commit()
    registration, _token = _registered(app, confirm=True)
    secretariat_client.post(f"/registrations/{registration.id}/merge", data={"other": "55555555"})
    _see_what_requests_wrote()
    assert db.session.get(Registration, registration.id).organisation_id == other.id


@pytest.mark.parametrize("data, field", [({}, "organisation_id"), ({"other": "99999999"}, "other")])
def test_merge_needs_an_organisation(app, secretariat_client, data, field):
    _known_company()
    db.session.commit()
    registration, _token = _registered(app, confirm=True)
    response = secretariat_client.post(f"/registrations/{registration.id}/merge", data=data)
    assert response.status_code == 200 and f'href="#{field}"' in _text(response)
    _see_what_requests_wrote()
    assert db.session.get(Registration, registration.id).status == "review"


def test_only_a_registration_under_review_can_be_merged(app, secretariat_client):
    known = _known_company(kvk_number="11111111")
    db.session.commit()
    registration, _token = _registered(app)  # pending: the address is not confirmed
    response = secretariat_client.post(f"/registrations/{registration.id}/merge",
                                       data={"organisation_id": "", "other": str(known.id)})
    assert response.status_code == 302
    _see_what_requests_wrote()
    assert db.session.get(Registration, registration.id).status == "pending"
    assert _count(Contact, Contact.organisation_id == known.id) == 1


def test_reject_spam_with_a_note(app, client, secretariat_client, secretariat):
    registration, token = _registered(app, name="Goedkope Horloges", kvk_number=None)
    response = secretariat_client.post(f"/registrations/{registration.id}/reject", data={"note": "Spam."})
    assert response.status_code == 302
    _see_what_requests_wrote()
    registration = db.session.get(Registration, registration.id)
    assert (registration.status, registration.note, registration.handled_by_id) == ("rejected", "Spam.",
                                                                                   secretariat.id)
    assert client.get(f"/register/confirm/{token}").status_code == 404  # the link stops working
    _see_what_requests_wrote()
    assert _count(Organisation) == 0


def test_a_handled_registration_cannot_be_rejected(app, secretariat_client):
    registration, _token = _registered(app, confirm=True)
    assert registration.status == "confirmed"
    secretariat_client.post(f"/registrations/{registration.id}/reject", data={})
    _see_what_requests_wrote()
    assert db.session.get(Registration, registration.id).status == "confirmed"
