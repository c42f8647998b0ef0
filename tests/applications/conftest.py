from __future__ import annotations

import io

import pytest

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def founder_fields(index: int = 0, **overrides) -> dict:
    fields = {
        "name_native": "王 芳", "name_latin": "WANG Fang", "name_kana": "ワン ファン", "nationality": "CN",
        "date_of_birth": "1991-05-14", "email": "wang@example.org", "phone": "080-1234-5678",
        "residence_status": "", "residence_card_expires_on": "",
    }
    fields.update(overrides)
    return {f"founders-{index}-{key}": value for key, value in fields.items()}


def application_fields(action: str = "submit", founders=None, **overrides) -> dict:
    data = {
        "venture_name": "Green Loop", "sector": "environment", "venture_stage": "prototype",
        "pitch": "Recycling for small factories.", "plan_summary": "Year one: pilots in Kawasaki.",
        "funds_needed_yen": "5000000", "funding_plan": "Savings and a city grant.", "planned_start": "2027-04-01",
        "space_wanted": "desk", "uses_startup_visa": "y", "referring_city_id": "",
        "consent_purpose": "y", "consent_sharing": "y", "action": action,
    }
    for index, founder in enumerate(founders or [founder_fields()]):
        data.update(founder if any(k.startswith("founders-") for k in founder) else founder_fields(index, **founder))
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def page_form(client, application_id: int, **answers):
    """What the browser sends from the application page as it shows it, with ``answers`` typed over it (no button
    pressed yet)."""
    from flask import current_app

    from tests import crawl

    url = f"/applications/{application_id}/edit"
    [form] = [form for form in crawl.parse_forms(current_app, url, client.get(url).get_data(as_text=True))
              if form.endpoint == "applications.edit"]
    data = form.browser_data().to_dict(flat=False)
    data.pop("action", None)
    data.update(answers)
    return data


def upload(client, application_id: int, content: bytes = PDF, name: str = "plan.pdf", kind: str = "business_plan",
           **answers):
    """Choose a file under Documents and press Upload: the whole application form goes with it."""
    data = page_form(client, application_id, **answers)
    data.update({"kind": kind, "file": (io.BytesIO(content), name), "action": "upload"})
    return client.post(f"/applications/{application_id}/edit", data=data, content_type="multipart/form-data")


def remove(client, application_id: int, document_id: int, **answers):
    """Press a document's Remove button: the whole application form goes with it."""
    data = page_form(client, application_id, **answers)
    data["remove_document"] = str(document_id)
    return client.post(f"/applications/{application_id}/edit", data=data, content_type="multipart/form-data")


@pytest.fixture()
def draft(client, users, login):
    """A draft application of users["applicant"], started through the app."""
    from incubator.applications.models import Application
    from incubator.extensions import db

    login(users["applicant"])
    response = client.post("/applications/new")
    assert response.status_code == 302
    db.session.rollback()
    return db.session.query(Application).filter_by(applicant_id=users["applicant"].id).one()
