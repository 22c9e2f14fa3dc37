"""Evidence of a sampled response: the request mail through the outbox with its
personal link, the upload's checks (size, kind by content whatever the name), where
files are stored, who may upload (the respondent of that response only) and download
(the secretariat only), and the check recorded per activity."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from imvo_survey.extensions import db
from imvo_survey.mail.outbox import parse
from imvo_survey.models import ActivityCheck, EvidenceFile, OutboxMessage, SampledResponse
from imvo_survey.verification.evidence import stored_path
from imvo_survey.verification.requests import evidence_token
from imvo_survey.verification.services import draw_sample

from .. import factories
from ..conftest import AuthActions

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def office_zip(main_type: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                         f'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="{main_type}"/>'
                         "</Types>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


DOCX = office_zip("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")


def xlsx() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


@pytest.fixture
def sample(sample_round):
    sample = draw_sample(sample_round, percent=100, seed=1, stratified=False)
    for member in sample.members:
        factories.make_contact(member.response.organisation)
    db.session.commit()
    return sample


def member_of(sample, name: str) -> SampledResponse:
    return next(m for m in sample.members if m.response.organisation.name == name)


def upload(client, member, data: bytes, filename: str):
    """The form posted with `data` as its file. The body is written here: werkzeug's test
    client spools a large one to a temporary file it never closes."""
    boundary = "imvo-evidence-test"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return client.post(f"/samples/evidence/for/{member.id}", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def link_client(app, member):
    """A browser that opened `member`'s evidence link."""
    client = app.test_client()
    contact = member.response.organisation.contacts[0]
    assert client.get(f"/samples/evidence/{evidence_token(member, contact)}").status_code == 302
    return client


def test_the_request_goes_through_the_outbox_with_a_link_that_opens_the_upload_page(app, sample, secretariat_client):
    assert secretariat_client.post(f"/samples/{sample.id}/request").status_code == 302
    messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "evidence_request")).all()
    assert len(messages) == 8
    assert all(member.evidence_requested_at is not None for member in sample.members)
    text = parse(messages[0]).get_body(("plain",)).get_content()
    path = re.search(r"https?://[^/\s]+(/samples/evidence/\S+)", text).group(1)
    client = app.test_client()
    opened = client.get(path)
    assert opened.status_code == 302
    assert "bewijs" in client.get(opened.headers["Location"]).get_data(as_text=True).lower()
    # Asking again asks no one twice.
    secretariat_client.post(f"/samples/{sample.id}/request")
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 8


def test_a_pdf_is_stored_under_a_generated_name_outside_the_web_root(app, sample):
    member = member_of(sample, "A")
    client = link_client(app, member)
    assert upload(client, member, PDF, "../../beleid.pdf").status_code == 302
    file = db.session.scalar(select(EvidenceFile))
    assert file.kind == "pdf" and file.original_name == "beleid.pdf" and file.size == len(PDF)
    path = stored_path(file.stored_name)
    assert path.read_bytes() == PDF and "beleid" not in path.name
    assert path.is_relative_to(app.instance_path)


@pytest.mark.parametrize(("data", "kind"), [(PNG, "png"), (JPEG, "jpeg"), (DOCX, "docx")])
def test_images_and_word_documents_are_told_by_their_content(app, sample, data, kind):
    member = member_of(sample, "A")
    assert upload(link_client(app, member), member, data, "bestand.bin").status_code == 302
    assert db.session.scalar(select(EvidenceFile.kind)) == kind


def test_a_workbook_is_accepted(app, sample):
    member = member_of(sample, "A")
    assert upload(link_client(app, member), member, xlsx(), "cijfers.xlsx").status_code == 302
    assert db.session.scalar(select(EvidenceFile.kind)) == "xlsx"


@pytest.mark.parametrize("data", [
    b"Dit is gewoon tekst, geen PDF.",
    b"MZ\x90\x00" + b"\x00" * 64,
    office_zip("application/vnd.ms-powerpoint.main+xml"),
    b"PK\x03\x04 broken",
])
def test_a_file_whose_content_is_not_an_accepted_kind_is_refused_whatever_its_name(app, sample, data):
    member = member_of(sample, "A")
    page = upload(link_client(app, member), member, data, "rapport.pdf")
    assert page.status_code == 200 and "aria-invalid" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(EvidenceFile.id))) == 0


def test_a_file_over_the_size_limit_is_refused(app, sample, monkeypatch):
    # A tenth of a MB: the test stays below the size from which uploads are spooled to disk.
    monkeypatch.setitem(app.config, "EVIDENCE_MAX_MB", 0.1)
    member = member_of(sample, "A")
    client = link_client(app, member)
    page = upload(client, member, PDF + b"0" * 110_000, "groot.pdf")
    assert "0,1 MB" in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count(EvidenceFile.id))) == 0
    assert upload(client, member, PDF, "klein.pdf").status_code == 302


def test_a_file_of_the_largest_size_allowed_is_taken_and_one_byte_more_is_refused_by_its_page(app, sample):
    """The request's cap (MAX_CONTENT_LENGTH) leaves room for the rest of the form: a
    file of exactly EVIDENCE_MAX_MB is taken; one byte more gets the page's own message,
    not the bare "file too large" page."""
    largest = int(app.config["EVIDENCE_MAX_MB"] * 1024 * 1024)
    member = member_of(sample, "A")
    client = link_client(app, member)
    over = upload(client, member, PDF + b"0" * (largest + 1 - len(PDF)), "groot.pdf")
    assert over.status_code == 200 and "aria-invalid" in over.get_data(as_text=True)
    assert upload(client, member, PDF + b"0" * (largest - len(PDF)), "precies.pdf").status_code == 302
    assert db.session.scalar(select(EvidenceFile.size)) == largest


def test_only_the_respondent_of_that_response_may_upload(app, sample, analyst_client):
    member = member_of(sample, "A")
    assert analyst_client.get(f"/samples/evidence/for/{member.id}").status_code == 403
    stranger = app.test_client().get(f"/samples/evidence/for/{member.id}")
    assert stranger.status_code == 302 and "/auth/login" in stranger.headers["Location"]
    # The link of another organisation's sampled response opens that one only.
    other = link_client(app, member_of(sample, "B"))
    assert other.get(f"/samples/evidence/for/{member.id}").status_code == 302
    assert upload(other, member, PDF, "x.pdf").headers["Location"].startswith("/auth/login")
    assert db.session.scalar(select(func.count(EvidenceFile.id))) == 0


def test_a_respondent_account_reaches_its_own_sampled_response_only(app, sample):
    member = member_of(sample, "A")
    own = factories.make_user("respondent", organisation=member.response.organisation)
    other = factories.make_user("respondent", organisation=member_of(sample, "B").response.organisation)
    db.session.commit()
    own_client, other_client = app.test_client(), app.test_client()
    AuthActions(own_client).login(own.email)
    AuthActions(other_client).login(other.email)
    assert own_client.get(f"/samples/evidence/for/{member.id}").status_code == 200
    assert other_client.get(f"/samples/evidence/for/{member.id}").status_code == 404


def test_only_the_secretariat_downloads_evidence(app, sample, secretariat_client, analyst_client):
    member = member_of(sample, "A")
    client = link_client(app, member)
    upload(client, member, PDF, "beleid.pdf")
    file = db.session.scalar(select(EvidenceFile))
    download = secretariat_client.get(f"/samples/file/{file.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.mimetype == "application/pdf"
    download.close()
    assert analyst_client.get(f"/samples/file/{file.id}").status_code == 403
    assert client.get(f"/samples/file/{file.id}").status_code == 302  # the link holder: to the login page


def test_the_secretariat_records_the_check_of_each_activity(sample, secretariat_client):
    member = member_of(sample, "A")
    first, second = member.response.activities
    url = f"/samples/member/{member.id}/check/{first.id}"
    prefix = f"a{first.id}-"
    assert secretariat_client.post(url, data={prefix + "outcome": "partly_confirmed",
                                              prefix + "note": "Beleid gezien, audit ontbreekt"}).status_code == 302
    secretariat_client.post(url, data={prefix + "outcome": "confirmed", prefix + "note": "Audit nagestuurd"})
    check = db.session.scalar(select(ActivityCheck))
    assert (check.outcome, check.note) == ("confirmed", "Audit nagestuurd")
    page = secretariat_client.get(f"/samples/member/{member.id}").get_data(as_text=True)
    assert "bevestigd" in page and second.title in page
    refused = secretariat_client.post(url, data={prefix + "outcome": "made_up", prefix + "note": "kept"})
    assert refused.status_code == 200 and "kept" in refused.get_data(as_text=True)
    elsewhere = member_of(sample, "B").response.activities[0]
    assert secretariat_client.post(f"/samples/member/{member.id}/check/{elsewhere.id}",
                                   data={f"a{elsewhere.id}-outcome": "confirmed"}).status_code == 404
