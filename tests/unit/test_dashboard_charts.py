"""The dashboard's SVG charts: named and described in words, drawn to scale, absent when there is nothing to draw."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from entrypoints.http.dashboard.charts import balance_chart, tasks_per_day_chart

DAY = datetime(2026, 12, 1, 12, tzinfo=UTC)


def test_the_balance_chart_is_an_image_whose_description_tells_the_story() -> None:
    svg = balance_chart([(DAY, 10), (DAY + timedelta(hours=1), 9), (DAY + timedelta(days=1), 59)])

    assert svg is not None
    assert 'role="img"' in svg and "<title id=\"balance-chart-title\">Credits over time</title>" in svg
    assert "from 10 on 01 Dec to 59 on 02 Dec; highest 59, lowest 9." in svg


def test_the_balance_line_steps_to_each_balance_at_scale() -> None:
    svg = balance_chart([(DAY, 0), (DAY + timedelta(hours=1), 50)])

    path = re.search(r'class="chart-line" d="([^"]+)"', str(svg))[1]  # type: ignore[index]
    assert path == "M40.0 172.0H628.0V12.0"  # from the floor at the left to the top at the right


def test_no_balance_chart_for_a_single_movement() -> None:
    assert balance_chart([(DAY, 10)]) is None


def test_tasks_per_day_counts_each_day_and_names_the_busiest() -> None:
    today = date(2026, 12, 2)
    created = [DAY, DAY, DAY + timedelta(days=1), DAY - timedelta(days=30)]  # the last is too old to count

    svg = str(tasks_per_day_chart(created, today))

    assert svg.count('class="chart-bar"') == 14
    assert "3 tasks in the last 14 days" in svg and "the busiest day was 01 Dec with 2." in svg


def test_no_tasks_chart_without_recent_tasks() -> None:
    assert tasks_per_day_chart([DAY - timedelta(days=60)], date(2026, 12, 2)) is None

