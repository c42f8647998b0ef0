"""Charts drawn on the server as SVG with pygal: no script, no CDN, nothing fetched when the page is shown.

Each chart carries a <title> and a <desc> for screen readers (``role="img"`` with ``aria-labelledby``), and the same
figures as a table, which the page shows beside the chart.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from xml.etree import ElementTree

import pygal
from markupsafe import Markup
from pygal.style import Style

from flask_babel import get_locale

from incubator.i18n import format_number
from incubator.memo import Memo

SVG = "http://www.w3.org/2000/svg"
COLORS = ("#0d6efd", "#20c997", "#fd7e14", "#6f42c1", "#dc3545", "#198754", "#0dcaf0", "#6c757d", "#d63384")
STYLE = Style(
    background="transparent", plot_background="transparent", foreground="#212529", foreground_strong="#212529",
    foreground_subtle="#adb5bd", opacity="0.9", opacity_hover="1", colors=COLORS,
    font_family='"Noto Sans CJK JP", "Noto Sans JP", "Noto Sans", "Hiragino Sans", "Yu Gothic", sans-serif',
    label_font_size=13, major_label_font_size=13, legend_font_size=13, value_font_size=12, tooltip_font_size=12,
)
KINDS = {"bar": pygal.Bar, "line": pygal.Line, "hbar": pygal.HorizontalBar, "hstacked": pygal.HorizontalStackedBar}
HORIZONTAL = ("hbar", "hstacked")
LABEL_SIZE = 13
DRAWN_KEPT = 256  # drawings kept per worker (about 20 kB each)


# The SVG of charts drawn lately in this worker, by everything that goes into a drawing (the figures, the words, the
# reader's locale, the size). Drawing is a pure function of those, and the element ids are derived from the chart's
# key, so a kept drawing is exactly what drawing again would give, on any worker. Drawing with pygal was four
# fifths of a dashboard's time.
DRAWINGS: Memo[str] = Memo(DRAWN_KEPT)


def text_width(text: str) -> float:
    """About how wide a label is drawn: Chinese, Japanese and Korean characters take a full em, others about 0.6.
    pygal counts every character as 0.6 em, which cuts CJK labels short, so we add the difference as margin."""
    return sum(LABEL_SIZE if unicodedata.east_asian_width(ch) in "WF" else 0.6 * LABEL_SIZE for ch in text)


def pygal_width(text: str) -> float:
    return len(text) * 0.6 * LABEL_SIZE


def ticks(highest: float) -> list[int]:
    """Whole-number axis marks from 0 to at least ``highest``: 1, 2 or 5 times a power of ten apart, 4 to 6 marks."""
    if highest <= 0:
        return [0, 1]
    rough = highest / 5
    power = 10 ** math.floor(math.log10(rough)) if rough >= 1 else 1
    step = next((m * power for m in (1, 2, 5, 10) if m * power >= rough), 10 * power)
    step = max(1, int(step))
    return list(range(0, int(math.ceil(highest / step)) * step + 1, step))


@dataclass
class Series:
    name: str
    values: list[float | int | None]


@dataclass
class Chart:
    key: str  # unique on the page: the element ids derive from it
    title: str
    description: str
    labels: list[str]
    series: list[Series] = field(default_factory=list)
    kind: str = "bar"
    percent: bool = False  # values are percentages from 0 to 100
    decimals: int = 0
    half: bool = False  # drawn in half the page's width: a narrower canvas keeps the text readable
    sheet: str = ""  # a short name for its sheet in an export (sheet names are cut at 31 characters)

    def number(self, value) -> str:
        if value is None:
            return "—"
        text = format_number(value, "#,##0.0" if self.decimals else "#,##0")
        return f"{text}%" if self.percent else text

    def rows(self) -> list[list[str]]:
        """The chart's figures as table rows: a label, then one formatted value per series."""
        return [[label, *(self.number(series.values[index]) for series in self.series)]
                for index, label in enumerate(self.labels)]

    @property
    def colors(self) -> list[tuple[str, str]]:
        """(colour, series name) pairs for the legend the page draws under the chart."""
        return [(COLORS[index % len(COLORS)], series.name) for index, series in enumerate(self.series)]

    def signature(self, width: int | None) -> tuple:
        return (str(get_locale()), self.key, self.title, self.description, tuple(self.labels),
                tuple((s.name, tuple(s.values)) for s in self.series), self.kind, self.percent, self.decimals,
                self.half, width)

    def svg(self, width: int | None = None) -> Markup:
        return Markup(DRAWINGS.get_or_make(self.signature(width), lambda: self._draw(width)))

    def _draw(self, width: int | None) -> str:
        horizontal = self.kind in HORIZONTAL
        width = width or (540 if self.half else 800)
        # Horizontal bars: as tall as their number asks, so that a short list does not draw fat bars.
        height = max(150, 70 + 34 * len(self.labels)) if horizontal else 340
        labels, series = list(self.labels), [Series(s.name, list(s.values)) for s in self.series]
        if horizontal:  # pygal draws the first bar at the bottom; people read from the top
            labels.reverse()
            for one in series:
                one.values.reverse()
        config = dict(
            style=STYLE, js=[], disable_xml_declaration=True, width=width, height=height, explicit_size=False,
            show_legend=False, truncate_label=-1, include_x_axis=True, show_minor_x_labels=True,
            value_formatter=self.number, print_values=False, no_data_text="—", margin=12, spacing=8)
        longest = max(labels, key=text_width, default="")
        if horizontal:
            config["margin_left"] = 12 + max(0, int(text_width(longest) - pygal_width(longest)))
        elif labels and text_width(longest) > (width - 80) / len(labels) - 8:
            config["x_label_rotation"] = 30
            config["margin_bottom"] = 12 + max(0, int((text_width(longest) - pygal_width(longest)) * 0.5))
        if self.percent:
            config["range"] = (0, 100)
            config["y_labels"] = [0, 20, 40, 60, 80, 100]
        else:
            if self.kind == "hstacked":
                highest = max((sum(v or 0 for v in column) for column in zip(*(s.values for s in series))), default=0)
            else:
                highest = max((v or 0 for s in series for v in s.values), default=0)
            marks = ticks(highest)
            config["range"] = (0, marks[-1])
            config["y_labels"] = marks
        chart = KINDS[self.kind](**config)
        chart.uuid = self.key  # pygal's ids from the chart's key, not random: the same figures draw the same SVG
        chart.x_labels = labels
        for one in series:
            chart.add(one.name, one.values)
        return self._accessible(chart.render(is_unicode=True))

    def _accessible(self, svg: str) -> str:
        ElementTree.register_namespace("", SVG)
        ElementTree.register_namespace("xlink", "http://www.w3.org/1999/xlink")
        root = ElementTree.fromstring(svg)
        title_id, desc_id = f"{self.key}-title", f"{self.key}-desc"
        root.set("role", "img")
        root.set("aria-labelledby", f"{title_id} {desc_id}")
        root.set("class", f"{root.get('class', '')} chart-svg".strip())
        title = ElementTree.Element(f"{{{SVG}}}title", id=title_id)
        title.text = self.title
        desc = ElementTree.Element(f"{{{SVG}}}desc", id=desc_id)
        desc.text = self.description
        root.insert(0, desc)
        root.insert(0, title)
        for parent in list(root.iter()):  # pygal always writes its settings for its tooltips script: not wanted
            for child in list(parent):
                if child.tag == f"{{{SVG}}}script":
                    parent.remove(child)
        text = ElementTree.tostring(root, encoding="unicode")
        return re.sub(r"<!--.*?-->", "", text, flags=re.S)  # pygal's generator comments carry the date
