"""Images uploaded from the Markdown editor: who may, what is accepted, where it goes, how it is served."""

import importlib
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import clear_url_caches, resolve, reverse
from PIL import Image

pytestmark = pytest.mark.django_db

UPLOAD_URL = "/markdownx/upload/"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def image_bytes(image_format="PNG", size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, format=image_format)
    return buffer.getvalue()


def upload(client, content, name="screenshot.png", content_type="image/png"):
    return client.post(UPLOAD_URL, {"image": SimpleUploadedFile(name, content, content_type=content_type)})


def test_the_editor_uploads_to_the_address_our_view_answers(client, editor):
    client.force_login(editor)

    page = client.get(reverse("admin:articles_article_add")).content.decode()

    assert f'data-markdownx-upload-urls-path="{UPLOAD_URL}"' in page
    assert resolve(UPLOAD_URL).url_name == "markdownx_upload"
    assert reverse("markdownx_upload") == UPLOAD_URL


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "GIF", "WEBP"])
def test_an_editor_uploads_an_image_and_gets_the_markdown_to_insert(client, editor, media_root, image_format):
    client.force_login(editor)
    content = image_bytes(image_format)

    response = upload(client, content, name="whatever.name")

    assert response.status_code == 200
    code = response.json()["image_code"]
    match = re.fullmatch(r"!\[\]\(/media/markdownx/([A-Za-z0-9_-]{24})\.(\w+)\)", code)
    assert match, code
    assert match[2] == {"PNG": "png", "JPEG": "jpg", "GIF": "gif", "WEBP": "webp"}[image_format]
    assert (media_root / "markdownx" / f"{match[1]}.{match[2]}").read_bytes() == content


def test_two_uploads_of_the_same_file_get_different_unguessable_names(client, editor):
    client.force_login(editor)

    first = upload(client, image_bytes()).json()["image_code"]
    second = upload(client, image_bytes()).json()["image_code"]

    assert first != second
    assert "screenshot" not in first


@pytest.mark.parametrize(
    "content, name",
    [
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "logo.svg"),
        (b"<html><script>alert(1)</script></html>", "fake.png"),
        (b"GIF89a" + b"\x00" * 20, "truncated.gif"),
        (image_bytes()[:60], "cut-short.png"),
        (image_bytes("BMP"), "old.bmp"),
    ],
    ids=["svg", "html-named-png", "bad-gif-header", "truncated-png", "bmp"],
)
def test_files_that_are_not_an_accepted_image_are_refused_by_their_content(client, editor, media_root, content, name):
    client.force_login(editor)

    response = upload(client, content, name=name)

    assert response.status_code == 400
    assert response.json() == {
        "image": ["This file is not an image we accept. Upload a PNG, JPEG, GIF or WebP image."]
    }
    assert not (media_root / "markdownx").exists() or not any((media_root / "markdownx").iterdir())


def test_an_image_over_the_size_limit_is_refused(client, editor, settings):
    settings.KB_UPLOAD_MAX_BYTES = 100
    client.force_login(editor)

    response = upload(client, image_bytes(size=(200, 200)))

    assert response.status_code == 400
    assert response.json()["image"][0].startswith("The image is ")
    assert "images can be at most 100\xa0bytes" in response.json()["image"][0]


def test_an_image_over_the_pixel_limit_is_refused(client, editor, settings):
    settings.KB_UPLOAD_MAX_PIXELS = 1000
    client.force_login(editor)

    response = upload(client, image_bytes(size=(50, 50)))

    assert response.status_code == 400
    assert response.json() == {
        "image": [
            "The image is 50 × 50 pixels; images can have at most 1,000 pixels. Make it smaller and upload it again."
        ]
    }


def test_a_decompression_bomb_is_refused_without_being_decoded(client, editor):
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, format="PNG")  # 400 megapixels in a small file
    client.force_login(editor)

    response = upload(client, buffer.getvalue())

    assert response.status_code == 400
    assert "pixels" in response.json()["image"][0]


def test_a_request_without_a_file_gets_a_clear_message(client, editor):
    client.force_login(editor)

    response = client.post(UPLOAD_URL, {})

    assert (response.status_code, response.json()) == (400, {"image": ["Choose an image to upload."]})


def test_visitors_and_staff_who_cannot_write_articles_cannot_upload(client, customer, django_user_model, media_root):
    intern = django_user_model.objects.create_user("intern", "i@example.com", "pw-intern-123", is_staff=True)
    for user in (None, customer, intern):
        if user:
            client.force_login(user)
        response = upload(client, image_bytes())
        assert response.status_code == 403
        assert response.json() == {"image": ["You do not have permission to upload images."]}
    assert not (media_root / "markdownx").exists()


def test_uploading_needs_the_csrf_token(editor):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)

    assert upload(client, image_bytes()).status_code == 403


def test_uploading_answers_only_post(client, editor):
    client.force_login(editor)

    assert client.get(UPLOAD_URL).status_code == 405


@pytest.fixture
def reload_urls():
    """Reload the URL configuration under the settings of the test, and restore it afterwards."""
    import kb.urls

    def reload():
        importlib.reload(kb.urls)
        clear_url_caches()

    yield reload
    reload()


def test_uploaded_images_are_served_in_development(client, editor, media_root, reload_urls):
    client.force_login(editor)
    code = upload(client, image_bytes()).json()["image_code"]
    url = code[len("![](") : -1]

    with override_settings(DEBUG=True):
        reload_urls()
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == image_bytes()
        assert response["Content-Type"] == "image/png"


def test_uploaded_images_are_not_served_by_django_in_production(client, editor, reload_urls):
    client.force_login(editor)
    url = upload(client, image_bytes()).json()["image_code"][len("![](") : -1]

    with override_settings(DEBUG=False):
        reload_urls()
        assert client.get(url).status_code == 404
