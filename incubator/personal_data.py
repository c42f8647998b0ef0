"""What the system holds about one person, for their own download (APPI disclosure): a ground registry.

Each feature registers a section with ``@section("name")`` on ``func(user) -> (data, files)``: ``data`` is
JSON-ready, ``files`` a list of ``(folder, stored_name, name in the zip)`` of the person's own files. Sections
show what the person may see in the app and nothing more (never internal notes or internal files).
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from typing import Callable

from incubator import uploads

SECTIONS: dict[str, Callable] = {}


def section(name: str):
    def register(func):
        SECTIONS[name] = func
        return func

    return register


def archive(user, base: dict) -> bytes:
    """A zip of ``data.json`` (``base`` plus every registered section) and the person's files under files/."""
    data, files = dict(base), []
    for name, func in SECTIONS.items():
        data[name], found = func(user)
        files.extend(found)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("data.json", json.dumps(data, ensure_ascii=False, indent=2, default=str))
        used = set()
        for folder, stored_name, name in files:
            path = uploads.path(folder, stored_name)
            if not os.path.exists(path):
                continue
            arcname = f"files/{name}"
            if arcname in used:  # two files of the same name: keep both
                arcname = f"files/{stored_name[:8]}-{name}"
            used.add(arcname)
            bundle.write(path, arcname)
    return buffer.getvalue()
