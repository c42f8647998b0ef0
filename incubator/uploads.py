"""Uploaded files, by the same rules everywhere: a size limit, a type checked from the content and not only the
name, and a name the server chooses. The person's own file name is only ever shown."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

import filetype
from flask import current_app
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


def store(upload, folder_name: str) -> StoredFile:
    """Check the file by its content and keep it under a name of our choosing; NotAllowed says what is wrong."""
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    content = upload.stream.read(limit + 1)
    if len(content) > limit:
        raise NotAllowed(_l("The file is larger than %(size)s MB.", size=megabytes(limit)))
    if not content:
        raise NotAllowed(_l("The file is empty."))
    original = os.path.basename((upload.filename or "").replace("\\", "/")).strip()[:255] or "document"
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
