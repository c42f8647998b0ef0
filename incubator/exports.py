"""Staff lists as files: CSV (UTF-8 with a BOM, so that Excel reads it as UTF-8) and XLSX.

A list names its columns once, as ``Column``s; both formats take every row of the filtered statement, read in
batches, whatever page the user was looking at. Headers and labels are written in the reader's language.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import shutil
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, Callable, Iterable
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import sqlalchemy as sa
from flask import Response
from flask_babel import LazyString
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.writer.excel import ExcelWriter

from incubator import conditional
from incubator.audit.signals import exported
from incubator.db import LabelledEnum
from incubator.extensions import db

logger = logging.getLogger("incubator.exports")

BATCH = 500
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    header: Any  # a lazy string
    value: Callable[[Any], Any]
    width: int = 18


def plain(value) -> Any:
    """A cell value: enums by their label, in the reader's language; dates and numbers as they are."""
    if value is None:
        return ""
    if isinstance(value, LabelledEnum):
        return str(value.label)
    if isinstance(value, LazyString):
        return str(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        from incubator.i18n import format_moment

        return format_moment(value, "yyyy-MM-dd HH:mm")
    return value


def rows(stmt: sa.Select) -> Iterable[Any]:
    """Every row of the statement, fetched in batches so that memory stays flat."""
    return db.session.scalars(stmt.execution_options(yield_per=BATCH))


def _filename(name: str, fmt: str) -> str:
    return f"{name}-{date.today().isoformat()}.{fmt}"


# Control characters no XLSX cell may hold (openpyxl refuses them), and DEL: shown as U+FFFD in both formats.
_CONTROL = re.compile(ILLEGAL_CHARACTERS_RE.pattern + r"|\x7f")
# What makes a spreadsheet read text as a formula (CSV/formula injection, OWASP): one of these first, also after
# spaces; and, to be safe, the full-width signs that Japanese input gives.
_FORMULA_START = frozenset("=+-@\t\r＝＋－＠")


def cell_text(value: str) -> str:
    """Text as every export writes it, CSV and XLSX alike: control characters replaced, and a leading formula
    sign quoted with an apostrophe, so the cell shows the text and never runs it."""
    value = _CONTROL.sub("\ufffd", value)
    if value.lstrip(" \u3000")[:1] in _FORMULA_START:
        return "'" + value
    return value


def _csv_cell(value) -> Any:
    """Dates in ISO form; text through ``cell_text``."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return cell_text(value)
    return value


def _fill_sheet(workbook, title, columns: list[Column], items: Iterable[Any]) -> None:
    # Sheet names: at most 31 characters, and none of []:*?/\
    name = "".join(ch for ch in _CONTROL.sub("", str(title)) if ch not in "[]:*?/\\")[:31] or "Sheet"
    sheet = workbook.create_sheet(title=name)
    for index, column in enumerate(columns):
        sheet.column_dimensions[_letter(index)].width = column.width
    bold = Font(bold=True)
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=cell_text(str(column.header)))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for item in items:
        sheet.append([_xlsx_cell(sheet, plain(c.value(item))) for c in columns])


def _xlsx_cell(sheet, value):
    if isinstance(value, date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if isinstance(value, str):
        return cell_text(value)  # openpyxl would write "=..." as a formula
    return value


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


@dataclass(frozen=True)
class ColumnSheet:
    """One section of a report: its title, columns and rows (already computed)."""

    title: Any
    columns: list[Column]
    rows: Iterable[Any]


def _csv(name: str, sheets: list[ColumnSheet], titled: bool) -> Response:
    """Written whole before it is sent: the rows are read inside the request, and the lists are thousands of rows,
    not millions. Several sections follow each other, each under its title."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    for number, sheet in enumerate(sheets):
        if number:
            writer.writerow([])
        if titled:
            writer.writerow([cell_text(str(sheet.title))])
        writer.writerow([cell_text(str(c.header)) for c in sheet.columns])
        for item in sheet.rows:
            writer.writerow([_csv_cell(plain(c.value(item))) for c in sheet.columns])
    return Response(buffer.getvalue().encode("utf-8"), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{_filename(name, "csv")}"'})


class _SameBytesZip(ZipFile):
    """A zip whose entries carry a fixed time (1980-01-01, the earliest a zip holds), so the same content gives
    the same bytes and the same ETag (``incubator.conditional``); zipfile would stamp each entry with the moment
    it was written, and openpyxl adds its sheets as temporary files."""

    def _entry(self, name: str) -> ZipInfo:
        entry = ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        entry.compress_type, entry.external_attr = self.compression, 0o600 << 16
        return entry

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, ZipInfo):
            zinfo_or_arcname = self._entry(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        with open(filename, "rb") as source, self.open(self._entry(arcname or filename), "w") as target:
            shutil.copyfileobj(source, target, 1 << 16)


def _xlsx(name: str, sheets: list[ColumnSheet]) -> Response:
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        _fill_sheet(workbook, sheet.title, sheet.columns, sheet.rows)
    # The file says it was made on the day its name carries, not at this second: the same figures on the same day
    # give the same bytes (openpyxl's own save would write the time).
    workbook.properties.created = workbook.properties.modified = datetime.combine(date.today(), time.min)
    output = io.BytesIO()
    with _SameBytesZip(output, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(workbook, archive).save()
    return Response(output.getvalue(), mimetype=XLSX_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{_filename(name, "xlsx")}"'})


def export(fmt: str, name: str, title, columns: list[Column], stmt: sa.Select) -> Response:
    """The whole filtered list as a file in ``fmt`` (csv or xlsx)."""
    logger.info("export of %s as %s", name, fmt)
    exported.send(name, fmt=fmt)  # the audit trail's row
    sheet = ColumnSheet(title, columns, rows(stmt))
    return _file(fmt, name, [sheet], titled=False)


def _file(fmt: str, name: str, sheets: list[ColumnSheet], titled: bool) -> Response:
    """The file, tagged by its bytes (both formats write the same bytes for the same rows), so that an unchanged
    export answers 304."""
    response = _csv(name, sheets, titled=titled) if fmt == "csv" else _xlsx(name, sheets)
    return conditional.answer(response)


def workbook_response(fmt: str, name: str, sheets: list[ColumnSheet]) -> Response:
    """A report of several sections: an XLSX sheet per section, or one CSV with each section under its title."""
    logger.info("export of %s as %s", name, fmt)
    exported.send(name, fmt=fmt)  # the audit trail's row
    return _file(fmt, name, sheets, titled=True)
