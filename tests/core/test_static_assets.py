"""Static files are served compressed as the browser accepts, cached for a year under their versioned URL, and
compressed once per change of the file, never in the package or the work tree."""

from __future__ import annotations

import gzip
import os

import brotli
import pytest
from flask import url_for

from incubator import assets, create_app
from incubator.extensions import db
from incubator.security import LONG_CACHE, SHORT_CACHE

ICONS = "icons/bootstrap-icons.svg"


@pytest.fixture()
def icons(app):
    """The versioned URL of Bootstrap's icon sprite, and the file's bytes."""
    with app.test_request_context():
        url = url_for("bootstrap.static", filename=ICONS)
    with open(os.path.join(app.blueprints["bootstrap"].static_folder, ICONS), "rb") as handle:
        return url, handle.read()


def _get(client, url, encodings=None):
    response = client.get(url, headers={"Accept-Encoding": encodings} if encodings is not None else {})
    response.get_data()  # read the whole file before closing it
    response.close()
    return response


def test_the_icons_come_as_brotli_to_a_browser_that_accepts_it(client, icons):
    url, content = icons
    assert "?v=" in url
    response = _get(client, url, "gzip, deflate, br")
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    assert response.headers["Vary"] == "Accept-Encoding"
    assert response.headers["Cache-Control"] == LONG_CACHE
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "image/svg+xml"
    assert brotli.decompress(response.data) == content
    assert int(response.headers["Content-Length"]) < len(content) / 5


def test_the_icons_come_as_gzip_to_a_client_without_brotli(client, icons):
    url, content = icons
    response = _get(client, url, "gzip")
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Vary"] == "Accept-Encoding"
    assert response.headers["Cache-Control"] == LONG_CACHE
    assert gzip.decompress(response.data) == content


def test_the_icons_come_as_they_are_to_a_client_that_accepts_no_encoding(client, icons):
    url, content = icons
    for encodings in (None, "identity"):
        response = _get(client, url, encodings)
        assert response.status_code == 200
        assert "Content-Encoding" not in response.headers
        assert response.headers["Vary"] == "Accept-Encoding"
        assert response.headers["Cache-Control"] == LONG_CACHE
        assert response.data == content


def test_the_app_s_own_files_are_compressed_too(client, app):
    with app.test_request_context():
        url = url_for("static", filename="css/app.css")
    response = _get(client, url, "br")
    assert response.headers["Content-Encoding"] == "br"
    assert response.headers["Cache-Control"] == LONG_CACHE
    with open(os.path.join(app.static_folder, "css", "app.css"), "rb") as handle:
        assert brotli.decompress(response.data) == handle.read()


def test_a_static_file_asked_for_without_its_version_is_cached_for_an_hour(client, icons):
    url, content = icons
    response = _get(client, url.split("?")[0], "br")
    assert response.headers["Content-Encoding"] == "br"
    assert response.headers["Cache-Control"] == SHORT_CACHE
    assert brotli.decompress(response.data) == content


def test_a_revalidation_answers_304_and_keeps_the_long_cache(client, icons):
    url, _content = icons
    etag = _get(client, url, "br").headers["ETag"]
    response = client.get(url, headers={"Accept-Encoding": "br", "If-None-Match": etag})
    assert response.status_code == 304
    assert response.headers["Cache-Control"] == LONG_CACHE
    assert response.data == b""


def test_a_missing_static_file_is_a_404_that_is_not_stored(client):
    for url in ("/bootstrap/static/icons/no-such-file.svg?v=0123456789ab", "/static/css/no-such-file.css"):
        response = _get(client, url, "br")
        assert response.status_code == 404
        assert response.headers["Cache-Control"] == "no-store"


def test_a_version_other_than_the_mirrored_one_is_served_as_the_file_is_now(client, icons):
    # The file changed since the app started (development): Flask's own route answers, never the old copy.
    url, content = icons
    response = _get(client, url.split("?")[0] + "?v=000000000000", "br")
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    assert response.data == content


def test_a_file_is_compressed_once_and_a_changed_one_beside_the_old_copy(tmp_path):
    source, target = tmp_path / "source", tmp_path / "cache"
    (source / "css").mkdir(parents=True)
    (source / "css" / "site.css").write_text("body { color: black; }\n" * 200)
    (source / "font.woff2").write_bytes(os.urandom(1000))

    first = assets.mirror(str(source), str(target))
    path, digest = first["css/site.css"]
    assert os.path.exists(path + ".br") and os.path.exists(path + ".gz")
    assert not os.path.exists(first["font.woff2"][0] + ".br")  # fonts are compressed already
    written = os.stat(path + ".br").st_mtime_ns, os.stat(path).st_ino

    assert assets.mirror(str(source), str(target)) == first
    assert (os.stat(path + ".br").st_mtime_ns, os.stat(path).st_ino) == written  # not written again

    (source / "css" / "site.css").write_text("body { color: navy; }\n" * 200)
    changed_path, changed_digest = assets.mirror(str(source), str(target))["css/site.css"]
    assert changed_digest != digest and changed_path != path
    with open(changed_path + ".gz", "rb") as handle:
        assert gzip.decompress(handle.read()) == (source / "css" / "site.css").read_bytes()
    assert os.path.exists(path)  # a worker of the previous start may still serve it
    assert not [name for _folder, _dirs, names in os.walk(target) for name in names if name.startswith(".tmp-")]


def test_the_cache_folder_is_outside_the_package_and_the_work_tree(app):
    cache = os.path.realpath(os.environ.get("STATIC_CACHE_DIR") or os.path.join(app.instance_path, "static-cache"))
    for folder in (app.static_folder, app.blueprints["bootstrap"].static_folder):
        assert not os.path.realpath(folder).startswith(cache)
        assert not any(name.endswith((".br", ".gz")) for _f, _d, names in os.walk(folder) for name in names)


def test_without_a_writable_cache_folder_the_site_serves_its_files_uncompressed(app, tmp_path, icons):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    plain = create_app("test", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                       STATIC_CACHE_DIR=str(blocker / "cache"))
    try:
        url, content = icons
        response = _get(plain.test_client(), url, "br")
        assert response.status_code == 200
        assert "Content-Encoding" not in response.headers
        assert response.headers["Cache-Control"] == LONG_CACHE
        assert response.data == content
    finally:
        with plain.app_context():
            db.engine.dispose()
