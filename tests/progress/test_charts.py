"""The server-drawn charts keep every label inside the drawing, whatever its length."""

import re
from collections import namedtuple
from datetime import date

from progress import charts

Point = namedtuple("Point", "day median label")


def value_labels(svg: str) -> list[tuple[float, str]]:
    """(x, text) of the right-aligned value labels left of the plot."""
    return [
        (float(x), text)
        for x, text in re.findall(r'<text class="chart-label" x="([\d.]+)" y="[\d.]+" '
                                  r'text-anchor="end">([^<]+)</text>', svg)
    ]  # fmt: skip


def test_long_values_on_the_line_chart_are_not_cut_off():
    points = [
        Point(date(2026, 5, 1), 21840, "21,840人"),
        Point(date(2026, 5, 8), 24100, "24,100人"),
        Point(date(2026, 5, 15), 27300, "27,300人"),
    ]
    svg = charts.line_chart("median", "中央値の推移：累計接種者数", points)
    labels = dict((text, x) for x, text in value_labels(svg))
    assert {"27,300人", "21,840人"} <= labels.keys()
    for text in ("27,300人", "21,840人"):
        # Right-aligned at x: the text needs x units to its left, estimated generously.
        assert labels[text] >= charts._text_width(text)
    assert labels["27,300人"] > 44 - 4  # wider than the old fixed margin allowed


def test_short_values_keep_the_plot_wide():
    points = [Point(date(2026, 5, 1), 3, "3件"), Point(date(2026, 5, 2), 5, "5件")]
    svg = charts.line_chart("median", "件数", points)
    assert 'x1="44"' in svg


def test_a_long_unit_never_takes_more_than_two_fifths_of_the_width():
    points = [
        Point(date(2026, 5, 1), 1234567, "1,234,567（延べ接種者数・累計・速報値）"),
        Point(date(2026, 5, 9), 2345678, "2,345,678（延べ接種者数・累計・速報値）"),
    ]
    svg = charts.line_chart("median", "延べ接種者数", points)
    xs = [
        float(x)
        for x in re.search(r'points="([^"]+)"', svg).group(1).replace(",", " ").split()[::2]
    ]
    assert xs == sorted(xs)  # time runs left to right
    assert xs[0] <= charts.WIDTH * 0.4
