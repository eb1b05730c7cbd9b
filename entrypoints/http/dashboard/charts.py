"""Small charts drawn on the server as accessible SVG: no chart library, no script, colours from the stylesheet.

Each chart is an `<svg role="img">` named by its `<title>` and described in words by its `<desc>` (what a person
would read off it); the page keeps the numbers in its table as well.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT = 640, 200
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 40, 12, 12, 28
PLOT_W, PLOT_H = WIDTH - PAD_LEFT - PAD_RIGHT, HEIGHT - PAD_TOP - PAD_BOTTOM


def _frame(chart_id: str, title: str, desc: str, body: str, low: int, high: int, first: str, last: str) -> Markup:
    bottom, right = PAD_TOP + PLOT_H, PAD_LEFT + PLOT_W
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc"'
        f' preserveAspectRatio="xMidYMid meet" focusable="false">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>'
        f'<line class="chart-axis" x1="{PAD_LEFT}" y1="{bottom}" x2="{right}" y2="{bottom}"/>'
        f'<line class="chart-grid" x1="{PAD_LEFT}" y1="{PAD_TOP}" x2="{right}" y2="{PAD_TOP}"/>'
        f'<text class="chart-label" x="{PAD_LEFT - 6}" y="{PAD_TOP + 4}" text-anchor="end">{high}</text>'
        f'<text class="chart-label" x="{PAD_LEFT - 6}" y="{bottom + 4}" text-anchor="end">{low}</text>'
        f'<text class="chart-label" x="{PAD_LEFT}" y="{HEIGHT - 6}">{escape(first)}</text>'
        f'<text class="chart-label" x="{right}" y="{HEIGHT - 6}" text-anchor="end">{escape(last)}</text>'
        f"{body}</svg>"
    )


def balance_chart(points: Sequence[tuple[datetime, int]]) -> Markup | None:
    """The balance after each movement, oldest first, as a stepped line; None with fewer than two points."""
    if len(points) < 2:
        return None
    values = [value for _, value in points]
    high = max(max(values), 1)
    span = len(points) - 1

    def xy(index: int, value: int) -> tuple[float, float]:
        return PAD_LEFT + PLOT_W * index / span, PAD_TOP + PLOT_H * (1 - value / high)

    path = []
    for index, value in enumerate(values):
        x, y = xy(index, value)
        if index:
            path.append(f"H{x:.1f}V{y:.1f}")  # a step: the balance holds until the next movement
        else:
            path.append(f"M{x:.1f} {y:.1f}")
    start, end = points[0], points[-1]
    desc = (
        f"Your balance over your last {len(points)} credit movements, from {start[1]} on {start[0]:%d %b} to "
        f"{end[1]} on {end[0]:%d %b}; highest {max(values)}, lowest {min(values)}."
    )
    body = f'<path class="chart-line" d="{"".join(path)}"/>'
    return _frame("balance-chart", "Credits over time", desc, body, 0, high, f"{start[0]:%d %b}", f"{end[0]:%d %b}")


def tasks_per_day_chart(created: Sequence[datetime], today: date, days: int = 14) -> Markup | None:
    """Tasks submitted on each of the last `days` days, as bars; None when there were none."""
    first_day = today - timedelta(days=days - 1)
    counts = Counter(moment.date() for moment in created if moment.date() >= first_day)
    if not counts:
        return None
    high = max(counts.values())
    slot = PLOT_W / days
    bars = []
    for index in range(days):
        day = first_day + timedelta(days=index)
        count = counts.get(day, 0)
        height = PLOT_H * count / high
        bars.append(
            f'<rect class="chart-bar" x="{PAD_LEFT + index * slot + slot * 0.15:.1f}" y="{PAD_TOP + PLOT_H - height:.1f}"'
            f' width="{slot * 0.7:.1f}" height="{height:.1f}"/>'
        )
    busiest = max(counts, key=lambda d: (counts[d], d))
    total = sum(counts.values())
    desc = (
        f"{total} {'task' if total == 1 else 'tasks'} in the last {days} days (of the latest loaded); "
        f"the busiest day was {busiest:%d %b} with {counts[busiest]}."
    )
    return _frame("tasks-chart", "Tasks per day", desc, "".join(bars), 0, high, f"{first_day:%d %b}", f"{today:%d %b}")
