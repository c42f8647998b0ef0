"""Static files, compressed and cached: WhiteNoise in front of Flask's static routes.

At start, each static root (the app's ``static`` and Bootstrap-Flask's) is mirrored into ``STATIC_CACHE_DIR``
with ``.gz`` and ``.br`` siblings made by WhiteNoise's compressor, so nothing is written into site-packages or
the work tree. Only files that changed since the last start are copied and compressed (size and mtime against a
manifest), under a lock, so that the workers of one deploy compress each file once between them. Mirrored files
live under their digest and are never rewritten: a worker of the previous deploy still serves its own.

WhiteNoise answers a file's URL with the best encoding the client accepts (``Vary: Accept-Encoding``). With the
file's current version (``?v=``, added by ``security``) the answer is cached for a year; without it, for an hour;
with another version (the file changed since the start, as in development), Flask's own route serves the file
as it is now. Anything not mirrored (a missing file, an unused Bootswatch theme) falls through to Flask as well.

Nothing here knows any feature.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs
from wsgiref.util import FileWrapper

from flask import Flask
from whitenoise import WhiteNoise
from whitenoise.compress import Compressor
from whitenoise.string_utils import decode_path_info

from incubator.security import (CONTENT_SECURITY_POLICY, HSTS, LONG_CACHE, SHORT_CACHE, STATIC_ENDPOINTS,
                                STATIC_VERSION_ARG)

logger = logging.getLogger("incubator.assets")

MANIFEST = "manifest.json"
# Bootstrap-Flask ships all 26 Bootswatch themes (10 MB); only the configured one is worth compressing.
BOOTSWATCH = "css/bootswatch/"


def init_app(app: Flask) -> None:
    """Serve the static roots through WhiteNoise; call before anything else wraps ``app.wsgi_app``."""
    cache_dir = app.config.get("STATIC_CACHE_DIR") or os.path.join(app.instance_path, "static-cache")
    try:
        roots = [(prefix, mirror(folder, os.path.join(cache_dir, _root_name(endpoint, folder)), keep))
                 for endpoint, folder, prefix, keep in _static_roots(app)]
    except OSError as error:
        # A read-only cache folder must not stop the site: Flask's routes serve the files, uncompressed.
        logger.warning("static files served uncompressed: cannot write %s (%s)", cache_dir, error.strerror)
        return
    static_files = StaticFiles(app.wsgi_app)
    for prefix, files in roots:
        for relative, (path, digest) in files.items():
            static_files.add_mirrored_file(prefix + relative, path, digest)
    app.wsgi_app = static_files


def _static_roots(app: Flask):
    """(endpoint, folder, URL prefix, which files to mirror) for each static route of the app."""
    rules = {rule.endpoint: rule.rule for rule in app.url_map.iter_rules()}
    theme = (app.config.get("BOOTSTRAP_BOOTSWATCH_THEME") or "").lower()
    for endpoint in STATIC_ENDPOINTS:
        owner = app.blueprints.get(endpoint.rpartition(".")[0]) if "." in endpoint else app
        folder = getattr(owner, "static_folder", None)
        if not folder or endpoint not in rules or not os.path.isdir(folder):
            continue
        keep = _bootswatch_filter(theme) if endpoint == "bootstrap.static" else (lambda rel: True)
        yield endpoint, folder, rules[endpoint].split("<", 1)[0], keep


def _bootswatch_filter(theme: str):
    """Everything but the Bootswatch themes, except the configured one (folders end with a slash)."""
    theme_folder = f"{BOOTSWATCH}{theme}/" if theme else None

    def keep(rel: str) -> bool:
        if not rel.startswith(BOOTSWATCH):
            return True
        return bool(theme_folder) and (rel == BOOTSWATCH or rel.startswith(theme_folder))

    return keep


def _root_name(endpoint: str, folder: str) -> str:
    # The folder's own digest in the name: two installs sharing one cache folder never mix their files.
    return f"{endpoint}-{hashlib.sha256(os.path.abspath(folder).encode()).hexdigest()[:8]}"


def mirror(source: str, target: str, keep=lambda rel: True) -> dict[str, tuple[str, str]]:
    """Mirror ``source`` into ``target`` with compressed siblings; {relative path: (mirrored path, digest)}."""
    found = dict(_walk(source, "", keep))
    manifest = _read_manifest(target)
    if _stale(found, manifest, target):
        os.makedirs(target, exist_ok=True)
        with _locked(os.path.join(target, ".lock")):
            manifest = _read_manifest(target)  # another worker may have done it while this one waited
            stale = _stale(found, manifest, target)
            if not stale:
                return _mirrored(found, manifest, target)
            with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:  # brotli releases the GIL
                for rel, digest in zip(stale, pool.map(lambda rel: _copy(source, target, rel), stale)):
                    manifest[rel] = [found[rel].st_size, found[rel].st_mtime_ns, digest]
            _write_atomically(os.path.join(target, MANIFEST), json.dumps(manifest, sort_keys=True).encode())
            logger.info("static files: %d of %d compressed into %s", len(stale), len(found), target)
    return _mirrored(found, manifest, target)


def _mirrored(found: dict, manifest: dict, target: str) -> dict[str, tuple[str, str]]:
    return {rel: (_mirrored_path(target, rel, manifest[rel][2]), manifest[rel][2]) for rel in found}


def _walk(folder: str, rel: str, keep):
    """(relative path, stat) of every file under ``folder`` that ``keep`` lets in, without entering the others."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir():
                if keep(f"{rel}{entry.name}/"):
                    yield from _walk(entry.path, f"{rel}{entry.name}/", keep)
            elif keep(rel + entry.name):
                yield rel + entry.name, entry.stat()


def _read_manifest(target: str) -> dict:
    try:
        with open(os.path.join(target, MANIFEST), "rb") as handle:
            return json.load(handle)
    except (OSError, ValueError):
        return {}


def _stale(found: dict, manifest: dict, target: str) -> list[str]:
    stale = []
    for rel, stat in found.items():
        entry = manifest.get(rel)
        if not entry or entry[:2] != [stat.st_size, stat.st_mtime_ns] \
                or not os.path.exists(_mirrored_path(target, rel, entry[2])):
            stale.append(rel)
    return stale


def _mirrored_path(target: str, rel: str, digest: str) -> str:
    return os.path.join(target, digest, *rel.split("/"))


def _copy(source: str, target: str, rel: str) -> str:
    """Copy one file and its compressed forms under its digest, each written whole or not at all."""
    with open(os.path.join(source, rel), "rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()[:12]  # the same as security's ?v=
    final = _mirrored_path(target, rel, digest)
    os.makedirs(os.path.dirname(final), exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(final), prefix=".tmp-")
    os.close(handle)
    try:
        shutil.copy2(os.path.join(source, rel), temporary)  # keeps the mtime: Last-Modified is the file's
        compressor = Compressor(quiet=True)
        made = compressor.compress(temporary) if compressor.should_compress(rel) else []
        for suffix in (".gz", ".br"):  # the siblings first: WhiteNoise looks for them beside the file
            if temporary + suffix in made:
                os.replace(temporary + suffix, final + suffix)
        os.replace(temporary, final)
    finally:
        for leftover in (temporary, temporary + ".gz", temporary + ".br"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(leftover)
    return digest


def _write_atomically(path: str, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


@contextlib.contextmanager
def _locked(path: str):
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class StaticFiles(WhiteNoise):
    """WhiteNoise whose Cache-Control depends on the version asked for, with the site's security headers.

    WhiteNoise decides a file's headers once, from its path (``immutable_file_test`` and ``add_headers_function``
    never see the query string), so they are set here, per request.
    """

    def __init__(self, application) -> None:
        super().__init__(application, allow_all_origins=False)  # same-origin only, as Flask served them
        self.versions: dict[str, str] = {}

    def add_mirrored_file(self, url: str, path: str, digest: str) -> None:
        self.add_file_to_dictionary(url, path)
        self.versions[url] = digest

    def __call__(self, environ, start_response):
        url = decode_path_info(environ.get("PATH_INFO", ""))
        static_file = self.files.get(url)
        if static_file is None:
            return self.application(environ, start_response)
        version = parse_qs(environ.get("QUERY_STRING", "")).get(STATIC_VERSION_ARG, [""])[0]
        if version and version != self.versions[url]:
            return self.application(environ, start_response)  # changed since the start: Flask serves it as it is
        response = static_file.get_response(environ["REQUEST_METHOD"], environ)
        headers = [(name, value) for name, value in response.headers if name.lower() != "cache-control"]
        cacheable = response.status in (200, 206, 304)
        headers += [
            ("Cache-Control", (LONG_CACHE if version else SHORT_CACHE) if cacheable else "no-store"),
            ("X-Content-Type-Options", "nosniff"),
            ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
            ("X-Frame-Options", "DENY"),
            ("Referrer-Policy", "same-origin"),
        ]
        if environ.get("wsgi.url_scheme") == "https":
            headers.append(("Strict-Transport-Security", HSTS))
        start_response(f"{response.status} {response.status.phrase}", headers)
        if response.file is None:
            return []
        return environ.get("wsgi.file_wrapper", FileWrapper)(response.file)
