"""Uploaded files, by the same rules everywhere: a size limit, a type checked from the content and not only the
name, and a name the server chooses. The person's own file name is only ever shown."""

from __future__ import annotations

import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from urllib.parse import quote

import filetype
from flask import current_app, send_file
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l

from incubator.rules import NotAllowed

# Extension -> the MIME type the content must have. Office files are ZIP containers; filetype looks inside them.
ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}


@dataclass(frozen=True)
class StoredFile:
    original_name: str
    stored_name: str
    content_type: str
    size_bytes: int


def megabytes(size: int) -> str:
    return format_decimal(size / (1024 * 1024), format="#,##0.#")


def accepted(each: bool = False):
    """What may be uploaded, for the help under a file field: the kinds, and the size limit (``each`` when several
    files go at once)."""
    size = megabytes(current_app.config["MAX_UPLOAD_BYTES"])
    if each:
        return _l("PDF, Word, Excel, PowerPoint, PNG or JPEG, up to %(size)s MB each.", size=size)
    return _l("PDF, Word, Excel, PowerPoint, PNG or JPEG, up to %(size)s MB.", size=size)


def folder(name: str) -> str:
    path = os.path.join(current_app.config["UPLOAD_DIR"], name)
    os.makedirs(path, exist_ok=True)
    return path


def chosen(files) -> list:
    """The files of a multiple-file field that were really chosen (browsers send an empty part for none)."""
    return [upload for upload in files or [] if upload and upload.filename]


# Control characters (C0, DEL, C1) and the bidirectional overrides that make "report\u202efdp.exe" read as
# "reportexe.pdf": never part of a file's name as a person sees it; a NUL or a line break breaks the download's
# header.
_UNSEEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
MAX_NAME = 255


def clean_name(name: str | None) -> str:
    """A person's own file name as we keep and show it: its last path part, without control characters, at most
    255 characters (the extension kept), in any script; "document" when nothing is left."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/")
    name = _UNSEEN.sub("", os.path.basename(name)).strip()
    if len(name) > MAX_NAME:
        stem, dot, extension = name.rpartition(".")
        name = (stem[:MAX_NAME - len(extension) - 1] + dot + extension) if dot and len(extension) <= 10 \
            else name[:MAX_NAME]
    return name or "document"


def _ascii_name(name: str) -> str:
    """The name for old clients that read only ``filename=``: ASCII letters, digits and a few signs."""
    simple = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    simple = re.sub(r"[^A-Za-z0-9._() -]+", "_", simple).strip(" _")
    stem, dot, extension = simple.rpartition(".")
    if not re.search(r"[A-Za-z0-9]", stem if dot else simple):
        simple = f"download.{extension}" if dot and extension else "download"
    return simple


def content_disposition(name: str) -> str:
    """``attachment`` with the person's own file name: ASCII in ``filename=`` and, when it is not plain ASCII, the
    whole name in ``filename*`` (RFC 5987/6266), which every current browser prefers."""
    name = clean_name(name)
    fallback = _ascii_name(name)
    header = f'attachment; filename="{fallback}"'
    if fallback != name:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return header


def send(stored_path: str, content_type: str, original_name: str):
    """A stored file as a download under its uploader's name, cleaned again on the way out (a row stored before
    names were cleaned may hold anything)."""
    response = send_file(stored_path, mimetype=content_type, max_age=0)
    response.headers["Content-Disposition"] = content_disposition(original_name)
    return response


def store(upload, folder_name: str) -> StoredFile:
    """Check the file by its content and keep it under a name of our choosing; NotAllowed says what is wrong."""
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    content = upload.stream.read(limit + 1)
    if len(content) > limit:
        raise NotAllowed(_l("The file is larger than %(size)s MB.", size=megabytes(limit)))
    if not content:
        raise NotAllowed(_l("The file is empty."))
    original = clean_name(upload.filename)
    extension = original.rsplit(".", 1)[-1].lower() if "." in original else ""
    if extension not in ALLOWED_TYPES:
        raise NotAllowed(_l("This kind of file is not accepted. Send a PDF, Word, Excel, PowerPoint, PNG or JPEG "
                            "file."))
    detected = filetype.guess_mime(content)
    if detected != ALLOWED_TYPES[extension]:
        raise NotAllowed(_l("The file's content does not match its name (.%(extension)s). Please send the "
                            "original file.", extension=extension))
    stored_name = f"{secrets.token_hex(16)}.{extension}"
    with open(os.path.join(folder(folder_name), stored_name), "xb") as handle:
        handle.write(content)
    return StoredFile(original, stored_name, detected, len(content))


def path(folder_name: str, stored_name: str) -> str:
    """Where a stored file is; reading it creates nothing."""
    return os.path.join(current_app.config["UPLOAD_DIR"], folder_name, stored_name)


def remove(folder_name: str, stored_name: str) -> None:
    try:
        os.remove(path(folder_name, stored_name))
    except FileNotFoundError:
        pass
