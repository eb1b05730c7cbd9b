"""Charts on the dashboard's pages: credits over time on the ledger, tasks per day on the task history."""

from __future__ import annotations

from tests.e2e.dashboard_client import Visitor


async def test_the_ledger_draws_the_balance_over_time_as_a_described_image(visitor: Visitor) -> None:
    await visitor.upload(title="One")

    page = (await visitor.get("/ledger")).text

    assert 'role="img"' in page and ">Credits over time</title>" in page
    assert "from 0 on" in page and "highest 10, lowest 0." in page


async def test_the_task_history_draws_tasks_per_day_but_not_when_filtered(visitor: Visitor) -> None:
    await visitor.upload(title="One")
    await visitor.upload(title="Two")

    history = (await visitor.get("/tasks")).text
    filtered = (await visitor.get("/tasks?status=failed")).text

    assert ">Tasks per day</title>" in history and "2 tasks in the last 14 days" in history
    assert "Tasks per day" not in filtered


async def test_a_new_account_has_no_tasks_chart(visitor: Visitor) -> None:
    assert "Tasks per day" not in (await visitor.get("/tasks")).text
