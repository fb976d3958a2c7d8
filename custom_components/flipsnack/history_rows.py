"""The history's rows in Home Assistant's long-term statistics: ids, names, writing.

One external statistic per tracked flipbook and figure, and one per figure for all
tracked flipbooks together; each has a sum and no mean, one row per day. A row goes at
the start of its date in Home Assistant's time zone, although Flipsnack counts UTC days:
so that a graph by day shows March 3's views on March 3 wherever the user lives. Rows are
upserted by their start, so writing a day again replaces it.
"""

from collections.abc import Iterable
from datetime import date, datetime
from functools import partial
from typing import Final

from homeassistant.components.recorder.models import (
    StatisticData,
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import (
    StatisticsRow,
    async_add_external_statistics,
    get_last_statistics,
)
from homeassistant.const import UnitOfTime
from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance
from homeassistant.helpers.translation import async_get_translations
from homeassistant.util import dt as dt_util, slugify

from .api import Figures
from .const import DOMAIN

FIGURE_NAMES: Final = ("impressions", "views", "time_spent", "downloads")
# The statistics of all tracked flipbooks together use this in place of a hash.
ALL_TRACKED: Final = "all_tracked"
_ENGLISH: Final = {
    "impressions": "Impressions",
    "views": "Views",
    "time_spent": "Time spent",
    "downloads": "Downloads",
    ALL_TRACKED: "All tracked flipbooks",
}


def statistic_id(entry_id: str, key: str, figure: str) -> str:
    """Return the id of one figure's statistic: of a flipbook's hash, or ALL_TRACKED."""
    return f"{DOMAIN}:{slugify(f'{entry_id}_{key}_{figure}')}"


def day_start(day: date) -> datetime:
    """Return the start of a date in Home Assistant's time zone, where its row goes."""
    return dt_util.start_of_local_day(day)


async def async_names(hass: HomeAssistant) -> dict[str, str]:
    """Return the figures' names, and that of all tracked flipbooks, in HA's language.

    External statistics carry a plain name, so it is translated when written.
    """
    names = dict(_ENGLISH)
    prefix = f"component.{DOMAIN}"
    entity = await async_get_translations(
        hass, hass.config.language, "entity", {DOMAIN}
    )
    for figure in FIGURE_NAMES:
        names[figure] = entity.get(
            f"{prefix}.entity.sensor.{figure}.name", names[figure]
        )
    device = await async_get_translations(
        hass, hass.config.language, "device", {DOMAIN}
    )
    names[ALL_TRACKED] = device.get(
        f"{prefix}.device.{ALL_TRACKED}.name", names[ALL_TRACKED]
    )
    return names


def write_rows(
    hass: HomeAssistant,
    *,
    entry_id: str,
    key: str,
    title: str,
    names: dict[str, str],
    rows: Iterable[tuple[date, Figures]],
) -> None:
    """Write rows (each a day and the sums up to its end) of the four figures of key."""
    rows = list(rows)
    if not rows:
        return
    for figure in FIGURE_NAMES:
        is_time = figure == "time_spent"
        metadata = StatisticMetaData(
            mean_type=StatisticMeanType.NONE,
            has_sum=True,
            name=f"{title} {names[figure]}",
            source=DOMAIN,
            statistic_id=statistic_id(entry_id, key, figure),
            unit_class="duration" if is_time else None,
            unit_of_measurement=UnitOfTime.SECONDS if is_time else None,
        )
        async_add_external_statistics(
            hass,
            metadata,
            [
                StatisticData(start=day_start(day), sum=getattr(sums, figure))
                for day, sums in rows
            ],
        )


async def async_last_row(
    hass: HomeAssistant, entry_id: str, key: str, *, before: date
) -> tuple[date, Figures] | None:
    """Return the newest row of key's four figures before a day, if all have one."""
    found: dict[str, float] = {}
    found_day: date | None = None
    for figure in FIGURE_NAMES:
        stat_id = statistic_id(entry_id, key, figure)
        result = await get_instance(hass).async_add_executor_job(
            partial(_last_rows, hass, stat_id, 3)
        )
        rows = [
            row
            for row in result.get(stat_id, [])
            if _row_date(row) < before and row.get("sum") is not None
        ]
        if not rows:
            return None
        day = _row_date(rows[0])
        if found_day is not None and day != found_day:
            return None
        found_day = day
        found[figure] = rows[0]["sum"] or 0.0
    assert found_day is not None  # noqa: S101 - FIGURE_NAMES is not empty
    return found_day, Figures(**{name: int(value) for name, value in found.items()})


def _row_date(row: StatisticsRow) -> date:
    """Return the date a row was written for (see day_start)."""
    return dt_util.as_local(dt_util.utc_from_timestamp(row["start"])).date()


def _last_rows(
    hass: HomeAssistant, stat_id: str, count: int
) -> dict[str, list[StatisticsRow]]:
    return get_last_statistics(hass, count, stat_id, convert_units=False, types={"sum"})


async def async_has_rows(hass: HomeAssistant, entry_id: str, key: str) -> bool:
    """Whether the recorder has any row of key's views."""
    stat_id = statistic_id(entry_id, key, "views")
    result = await get_instance(hass).async_add_executor_job(
        partial(_last_rows, hass, stat_id, 1)
    )
    return bool(result.get(stat_id))
