"""Request bodies the app never takes are refused before they are read, and nothing is stored."""

import runpy
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assessments.models import Area, Assessment

from .factories import answered_assessment

pytestmark = pytest.mark.django_db

MiB = 1024 * 1024


def a_file(size):
    return SimpleUploadedFile("liite.bin", b"\0" * size, content_type="application/octet-stream")


def test_a_body_over_the_cap_is_refused_by_its_declared_length_alone(client, questionnaire):
    # 200 MiB declared, a few bytes sent: the answer comes from the header, nothing is read.
    response = client.post(
        "/start/",
        {"note": "x"},
        CONTENT_LENGTH=str(200 * MiB),
    )

    assert response.status_code == 413
    assert "Pyyntö on liian suuri" in response.content.decode()  # the page's language
    assert not Assessment.objects.exists()


def test_a_large_multipart_upload_is_refused_and_stores_nothing(client, questionnaire):
    assessment = answered_assessment(questionnaire, complete=False)
    for path, words in (
        ("/start/", "Sivustolle ei voi lähettää tiedostoja"),
        (f"/en/a/{assessment.token}/background/", "This site takes no files"),
    ):
        response = client.post(path, {"organisation": "Liite Oy", "file": a_file(2 * MiB)})
        assert response.status_code == 413, path
        assert words in response.content.decode(), path
    assessment.refresh_from_db()
    assert assessment.organisation == ""
    assert Assessment.objects.count() == 1


def test_a_small_file_is_refused_too(client, questionnaire):
    # Under the cap, a file part still ends the parsing at its first line: 400, nothing stored.
    assessment = answered_assessment(questionnaire, complete=False)
    response = client.post(
        f"/en/a/{assessment.token}/background/",
        {"organisation": "Liite Oy", "file": a_file(10)},
    )

    assert response.status_code == 400
    assessment.refresh_from_db()
    assert assessment.organisation == ""


@pytest.mark.parametrize(
    "content_type", ["application/json", "text/xml", "application/octet-stream", "text/plain"]
)
def test_a_body_that_no_form_sends_is_refused(
    client, superuser_client, questionnaire, content_type
):
    assessment = answered_assessment(questionnaire, complete=False)
    for path in ("/start/", f"/a/{assessment.token}/area/1/", "/i18n/setlang/"):
        response = client.post(path, '{"language": "en"}', content_type=content_type)
        assert response.status_code == 415, path
    admin = superuser_client.post(reverse("admin:index"), '{"a": 1}', content_type=content_type)
    assert admin.status_code == 415
    assert Assessment.objects.count() == 1


def test_forms_as_browsers_and_the_autosave_send_them_still_work(client, questionnaire):
    # A form posts urlencoded; the autosave script posts FormData (multipart, without files).
    assessment = answered_assessment(questionnaire, complete=False)
    path = f"/en/a/{assessment.token}/background/"
    urlencoded = client.post(
        path,
        "organisation=Lomake+Oy&autosave=1",
        content_type="application/x-www-form-urlencoded",
    )
    multipart = client.post(path, {"organisation": "FormData Oy", "autosave": "1"})

    assert (urlencoded.status_code, multipart.status_code) == (204, 204)
    assessment.refresh_from_db()
    assert assessment.organisation == "FormData Oy"
    # A form without fields sends an empty body, whatever its type says.
    assert client.generic("POST", "/start/", b"", content_type="text/plain").status_code == 302


def test_a_malformed_content_length_is_a_bad_request(client, questionnaire):
    response = client.post("/start/", {}, CONTENT_LENGTH="lots")
    assert response.status_code == 400
    assert not Assessment.objects.exists()


def test_the_largest_real_form_fits_the_limits_with_room_to_spare(superuser_client, questionnaire):
    import re

    for url in (
        reverse("admin:assessments_area_change", args=[Area.objects.first().pk]),
        reverse("admin:assessments_questionnaireversion_change", args=[questionnaire.pk]),
    ):
        html = superuser_client.get(url).content.decode()
        fields = len(re.findall(r'<(?:input|select|textarea)[^>]* name="', html))
        assert 0 < fields * 3 <= settings.DATA_UPLOAD_MAX_NUMBER_FIELDS, url
        assert len(html) * 3 <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE, url
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= settings.REQUEST_BODY_MAX_BYTES
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES == 0


def test_gunicorn_limits_the_request_line_and_headers():
    from gunicorn.config import Config

    values = runpy.run_path(str(Path(settings.BASE_DIR) / "gunicorn.conf.py"))
    config = Config()
    for name in ("limit_request_line", "limit_request_fields", "limit_request_field_size"):
        assert name in values, name
        config.set(name, values[name])
    assert 0 < config.limit_request_line <= 4094
    assert 0 < config.limit_request_fields <= 100
    assert 0 < config.limit_request_field_size <= 8190
