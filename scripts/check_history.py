"""The history part of `scripts/develop --check` (scripts/check_develop.py).

History is turned on through the entry's options as a user does, once the flipbooks are
tracked: the History step must count the ten tracked flipbooks. Then the import runs,
paced below polling, while the rest of the check goes on. At the end the check reads the
long-term statistics over Home Assistant's WebSocket API, as its statistics graph does:
every tracked flipbook must have the rows of its three newest days (the import goes
newest first), with the sums of the demo's daily figures from the first day of the window
on, the views of all tracked flipbooks must have a row for today, and the History import
sensor must have risen above 0 %. The whole window takes an hour or so at the import's
pace, so the check waits for the newest days only.
"""

import asyncio
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
import time
from typing import Any

import aiohttp

from scripts.harness import NO_VALUE, OPTIONS_FLOWS, HarnessError, Sandbox

# What the check chooses in the History step, and the days it waits for rows of.
HISTORY_DAYS = 90
NEWEST_DAYS = 3
# How long after history was turned on the newest days' rows may take: the probe of
# endDate (3 calls), each flipbook's window total and its newest days (3 a flipbook) and
# the first older day, at the import's pace of some 17 calls a minute.
HISTORY_TIMEOUT = 180.0
IMPORT_CALLS_PER_MINUTE = 17
POLL_EVERY = 2.5
FIGURES = ("impressions", "views", "time_spent", "downloads")
HISTORY_SENSOR = "sensor.flipsnack_7832_history_import"


@dataclass(frozen=True, kw_only=True, slots=True)
class HistoryCheck:
    """History turned on for an entry: when, and what its window starts with."""

    entry_id: str
    turned_on: float
    today: date
    days: int = HISTORY_DAYS

    @property
    def first_day(self) -> date:
        """The oldest day of the import's window."""
        return self.today - timedelta(days=self.days)


def turn_on_history(
    sandbox: Sandbox, entry_id: str, tracked: int, days: int = HISTORY_DAYS
) -> HistoryCheck:
    """Choose these days in the History step, which must count the tracked flipbooks."""
    counted: list[str | None] = [None]

    def counting_form() -> dict[str, Any] | None:
        # The entry reloads after the flipbooks step: until it is loaded again, the
        # step aborts, and until its listing is in, it counts no flipbook.
        form = sandbox.open_options("history")
        counted[0] = form.get("description_placeholders", {}).get("tracked")
        return form if counted[0] == str(tracked) else None

    form: dict[str, Any] = sandbox.wait_for(
        f"the History step counting the {tracked} tracked flipbooks",
        counting_form,
        explain=lambda: f"  it counted {counted[0]}",
    )
    done = sandbox.flow_step(
        OPTIONS_FLOWS, form["flow_id"], {"history_days": str(days)}
    )
    if done.get("type") != "create_entry":
        raise HarnessError(f"turning history on did not save the options: {done}")
    return HistoryCheck(
        entry_id=entry_id,
        turned_on=time.monotonic(),
        today=datetime.now(UTC).date(),
        days=days,
    )


def statistic_id(entry_id: str, flipbook_hash: str, figure: str) -> str:
    """Return the id of a flipbook's figure in the long-term statistics.

    As custom_components/flipsnack/history_rows.py makes it, with Home Assistant's
    slugify: entry ids and the demo's hashes are letters and digits, lower-cased.
    """
    return f"flipsnack:{entry_id}_{flipbook_hash}_{figure}".lower()


def expected_sums(
    flipbooks: Iterable[Mapping[str, Any]], history: HistoryCheck
) -> dict[str, dict[date, float]]:
    """Return each statistic's expected sum at the end of each of the newest days.

    A row's sum counts the flipbook's figure from the window's first day to its day.
    """
    newest = [history.today - timedelta(days=age) for age in range(NEWEST_DAYS)]
    expected: dict[str, dict[date, float]] = {}
    for flipbook in flipbooks:
        daily = {
            date.fromisoformat(day): figures
            for day, figures in flipbook["daily"].items()
        }
        for figure in FIGURES:
            expected[statistic_id(history.entry_id, flipbook["hash"], figure)] = {
                day: sum(
                    figures[figure]
                    for when, figures in daily.items()
                    if history.first_day <= when <= day
                )
                for day in newest
            }
    return expected


def row_day(row: Mapping[str, Any]) -> date:
    """Return the UTC day of a row (the demo's Home Assistant runs on UTC)."""
    start = row["start"]
    if isinstance(start, str):
        return datetime.fromisoformat(start).astimezone(UTC).date()
    return datetime.fromtimestamp(start / 1000, UTC).date()


async def _statistics(
    sandbox: Sandbox, statistic_ids: list[str], start: date
) -> dict[str, list[dict[str, Any]]]:
    """Ask the recorder for daily sums since start, over the WebSocket API."""
    url = sandbox.url.replace("http", "ws", 1) + "/api/websocket"
    async with aiohttp.ClientSession() as session, session.ws_connect(url) as ws:
        await ws.receive_json()  # auth_required
        await ws.send_json({"type": "auth", "access_token": sandbox.token})
        if (answer := await ws.receive_json())["type"] != "auth_ok":
            raise HarnessError(f"the WebSocket API refused the token: {answer}")
        await ws.send_json(
            {
                "id": 1,
                "type": "recorder/statistics_during_period",
                "start_time": datetime.combine(
                    start, datetime.min.time(), UTC
                ).isoformat(),
                "statistic_ids": statistic_ids,
                "period": "day",
                "types": ["sum"],
            }
        )
        answer = await ws.receive_json()
    if not answer.get("success"):
        raise HarnessError(f"recorder/statistics_during_period failed: {answer}")
    result: dict[str, list[dict[str, Any]]] = answer["result"]
    return result


def statistics(
    sandbox: Sandbox, statistic_ids: list[str], start: date
) -> dict[str, list[dict[str, Any]]]:
    """Return the daily rows of these statistics since start, by statistic id."""
    return asyncio.run(_statistics(sandbox, statistic_ids, start))


def check_history(sandbox: Sandbox, history: HistoryCheck) -> float:
    """Wait for the newest days' rows of every tracked flipbook, and for the progress.

    Returns:
        How long after history was turned on both were there, in seconds.

    Raises:
        HarnessError: They were not there in time, or a row has other figures.
    """
    flipbooks = [
        flipbook
        for flipbook in sandbox.read_demo_state()["flipbooks"]
        if flipbook["status"] != "editable"
    ]
    expected = expected_sums(flipbooks, history)
    oldest = history.today - timedelta(days=NEWEST_DAYS - 1)
    all_tracked = statistic_id(history.entry_id, "all_tracked", "views")
    missing: list[str] = []

    def rows_and_progress() -> bool:
        # A row comes every few seconds at the import's pace: no need to ask more often.
        time.sleep(POLL_EVERY)
        found = statistics(sandbox, [*expected, all_tracked], oldest)
        missing[:] = []
        for stat_id, sums in expected.items():
            rows = {row_day(row): row.get("sum") for row in found.get(stat_id, [])}
            for day, expected_sum in sums.items():
                if day not in rows:
                    missing.append(f"  {stat_id}: no row for {day}")
                elif rows[day] != expected_sum:
                    missing.append(
                        f"  {stat_id}: the sum {rows[day]} on {day}, expected"
                        f" {expected_sum} from the demo's daily figures"
                    )
        # Its sums depend on which days are in yet; that it has today is what is sure.
        if history.today not in {row_day(row) for row in found.get(all_tracked, [])}:
            missing.append(f"  {all_tracked}: no row for {history.today}")
        progress = sandbox.entity_state(HISTORY_SENSOR)["state"]
        if progress in NO_VALUE or float(progress) <= 0:
            missing.append(f"  {HISTORY_SENSOR} is {progress}")
        return not missing

    left = history.turned_on + HISTORY_TIMEOUT - time.monotonic()
    try:
        sandbox.wait_for(
            f"the rows of the {NEWEST_DAYS} newest days of {len(flipbooks)} flipbooks"
            " in the long-term statistics and the History import above 0 %",
            rows_and_progress,
            max(left, 1.0),
            explain=lambda: "\n".join([*missing[:6], f"  ({len(missing)} missing)"]),
        )
    except HarnessError as err:
        raise HarnessError(
            f"{err}\n  (waited {HISTORY_TIMEOUT:.0f} s since history was turned on)"
        ) from err
    return time.monotonic() - history.turned_on


def import_timeout(flipbook_days: int) -> float:
    """Return how long an import of this many flipbook-days may take, in seconds.

    The import's own pace (some 17 calls a minute beside a few tracked flipbooks, after
    the probe's 3 calls and a window total a flipbook), twice over for a busy machine.
    """
    return 2 * 60 * (flipbook_days + 20) / IMPORT_CALLS_PER_MINUTE


def wait_for_complete_import(sandbox: Sandbox, flipbook_days: int) -> float:
    """Wait until the History import sensor shows 100 %.

    Returns:
        How long it took, in seconds.

    Raises:
        HarnessError: The import was not complete in time.
    """
    started = time.monotonic()
    progress: list[str] = ["unknown"]

    def complete() -> bool:
        time.sleep(POLL_EVERY)
        progress[0] = sandbox.entity_state(HISTORY_SENSOR)["state"]
        return progress[0] not in NO_VALUE and float(progress[0]) >= 100  # noqa: PLR2004

    sandbox.wait_for(
        f"the history import of {flipbook_days} flipbook-days complete",
        complete,
        import_timeout(flipbook_days),
        explain=lambda: f"  {HISTORY_SENSOR} is {progress[0]} %",
    )
    return time.monotonic() - started
