"""What the history import has done, and how it is kept on disk between runs.

Each flipbook's rows are anchored on one call for the whole window: the sum at the
anchor day is the window's total, so a day fetched later, older or newer, gets its
cumulative sum from the days next to it and no row already written ever changes,
except the rows of the last two days, which Flipsnack still counts.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Final, Self

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from .api import EndDate, Figures
from .const import DOMAIN, LOGGER

STORAGE_VERSION: Final = 1
# Days this old no longer change at Flipsnack: their figures are final.
FINAL_AGE: Final = 2
NO_FIGURES: Final = Figures(impressions=0, views=0, time_spent=0, downloads=0)


def add(first: Figures, second: Figures, sign: int = 1) -> Figures:
    """Return first plus (or, with sign -1, minus) second, figure by figure."""
    other = second.as_dict()
    return Figures(
        **{name: value + sign * other[name] for name, value in first.as_dict().items()}
    )


@dataclass(kw_only=True, slots=True)
class FlipbookHistory:
    """One flipbook's import: its window, its two fronts and its daily figures.

    Attributes:
        first_day: The oldest day of the window.
        oldest: The oldest day fetched; the import goes back from there.
        before_oldest: The sum of the rows before oldest, from first_day on.
        final_day: The newest day fetched when it was final.
        final_sums: The sum of the rows up to final_day.
        recent_ages: The days after final_day fetched so far, with their age then.
        daily: The figures of the days fetched within the window, for the
            all-tracked sums and the most viewed flipbook.
        earlier_sums: The sum of the days up to earlier_until that daily no longer
            holds: those that left the window, or those the recorder had when the
            store was lost.
        earlier_until: The newest day earlier_sums counts.
    """

    first_day: date
    oldest: date
    before_oldest: Figures
    final_day: date
    final_sums: Figures
    recent_ages: dict[date, int] = field(default_factory=dict)
    daily: dict[date, Figures] = field(default_factory=dict)
    earlier_sums: Figures = NO_FIGURES
    earlier_until: date = date.min

    @classmethod
    def anchored(cls, first_day: date, anchor_day: date, total: Figures) -> Self:
        """Start an import whose window first_day..anchor_day holds total."""
        return cls(
            first_day=first_day,
            oldest=anchor_day + timedelta(days=1),
            before_oldest=total,
            final_day=anchor_day,
            final_sums=total,
        )

    @property
    def backfilled(self) -> bool:
        """Whether every day of the window up to the anchor is in."""
        return self.oldest <= self.first_day

    def next_day(self, today: date) -> date | None:
        """Return the newest day that needs a call, None if none does now."""
        day = today
        while day > self.final_day:
            age = (today - day).days
            fetched_at = self.recent_ages.get(day)
            if fetched_at is None or fetched_at < min(age, FINAL_AGE):
                return day
            day -= timedelta(days=1)
        return None if self.backfilled else self.oldest - timedelta(days=1)

    def add_day(
        self, day: date, figures: Figures, today: date
    ) -> list[tuple[date, Figures]]:
        """Take in one day's figures; return the rows (day and sum) to write."""
        self.daily[day] = figures
        if day < self.oldest:
            rows = [(day, self.before_oldest)]
            self.before_oldest = add(self.before_oldest, figures, -1)
            self.oldest = day
            if self.backfilled and self.before_oldest != NO_FIGURES:
                LOGGER.debug("A flipbook's days do not add up to its window's total")
            return rows
        self.recent_ages[day] = (today - day).days
        # Days that became final move the final front, in order and without gaps.
        while (
            next_day := self.final_day + timedelta(days=1)
        ) in self.recent_ages and self.recent_ages[next_day] >= FINAL_AGE:
            del self.recent_ages[next_day]
            self.final_day = next_day
            self.final_sums = add(self.final_sums, self.daily[next_day])
        rows = [(self.final_day, self.final_sums)]
        sums = self.final_sums
        day = self.final_day + timedelta(days=1)
        while day in self.recent_ages:
            sums = add(sums, self.daily[day])
            rows.append((day, sums))
            day += timedelta(days=1)
        return rows


@dataclass(kw_only=True, slots=True)
class HistoryState:
    """The import of one entry: the endDate finding and each flipbook's progress."""

    end_date: EndDate | None = None
    # The number of days the flipbooks' windows were made for.
    days: int = 0
    flipbooks: dict[str, FlipbookHistory] = field(default_factory=dict)

    def progress(self, tracked: Iterable[str]) -> float:
        """Return the percentage of the tracked flipbooks' window days imported."""
        shares = []
        for flipbook_hash in tracked:
            item = self.flipbooks.get(flipbook_hash)
            if item is None:
                shares.append(0.0)
                continue
            span = (item.final_day - item.first_day).days + 1
            done = (item.final_day - item.oldest).days + 1
            shares.append(min(1.0, max(0.0, done / span)))
        return 100.0 if not shares else round(100 * sum(shares) / len(shares), 1)

    def forget_days_before(self, day: date) -> bool:
        """Keep the daily figures of the days from day on; return whether any left.

        Their sums stay in each flipbook's earlier_sums, so the all-tracked rows from day
        on are the same and the store stays the size of the window. Only once every
        flipbook is backfilled: a day still to come older than day would have no
        all-tracked row of its own.
        """
        if any(not item.backfilled for item in self.flipbooks.values()):
            return False
        forgot = False
        for item in self.flipbooks.values():
            for old_day in [d for d in item.daily if d < day]:
                item.earlier_sums = add(item.earlier_sums, item.daily.pop(old_day))
                item.earlier_until = max(item.earlier_until, old_day)
                forgot = True
        return forgot

    def backfilling(self, tracked: Iterable[str]) -> bool:
        """Whether one of the tracked flipbooks still lacks days of its window."""
        return any(
            (item := self.flipbooks.get(flipbook_hash)) is None or not item.backfilled
            for flipbook_hash in tracked
        )


def all_tracked_rows(
    flipbooks: Iterable[FlipbookHistory],
) -> list[tuple[date, Figures]]:
    """Return the rows (day and sum) of all flipbooks together, from their days alone.

    The series is made again each time, so a flipbook that leaves takes its figures out
    of every day's sum. It starts after the newest day a flipbook holds only in its
    earlier sums: a row before it would lack that flipbook's figures of the day.
    """
    totals: dict[date, Figures] = {}
    sums = NO_FIGURES
    first_row = date.min
    for item in flipbooks:
        sums = add(sums, item.earlier_sums)
        first_row = max(first_row, item.earlier_until)
        for day, figures in item.daily.items():
            totals[day] = add(totals.get(day, NO_FIGURES), figures)
    rows = []
    for day in sorted(totals):
        sums = add(sums, totals[day])
        if day > first_row:
            rows.append((day, sums))
    return rows


type HistoryStore = Store[dict[str, Any]]


def history_store(hass: HomeAssistant, entry: ConfigEntry) -> HistoryStore:
    """Return the store that keeps an entry's import progress between runs."""
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.{entry.entry_id}.history")


def _figures_out(figures: Figures) -> list[int]:
    return list(figures.as_dict().values())


def _figures_in(values: list[int]) -> Figures:
    impressions, views, time_spent, downloads = (int(value) for value in values)
    return Figures(
        impressions=impressions,
        views=views,
        time_spent=time_spent,
        downloads=downloads,
    )


def state_to_store(state: HistoryState) -> dict[str, Any]:
    """Return the stored form of the state."""
    return {
        "end_date": state.end_date,
        "days": state.days,
        "flipbooks": {
            flipbook_hash: {
                "first_day": item.first_day.isoformat(),
                "oldest": item.oldest.isoformat(),
                "before_oldest": _figures_out(item.before_oldest),
                "final_day": item.final_day.isoformat(),
                "final_sums": _figures_out(item.final_sums),
                "recent_ages": {
                    day.isoformat(): age for day, age in item.recent_ages.items()
                },
                "daily": {
                    day.isoformat(): _figures_out(figures)
                    for day, figures in item.daily.items()
                },
                "earlier_sums": _figures_out(item.earlier_sums),
                "earlier_until": item.earlier_until.isoformat(),
            }
            for flipbook_hash, item in state.flipbooks.items()
        },
    }


def state_from_store(stored: dict[str, Any] | None) -> HistoryState:
    """Rebuild the state of the last run; a damaged store starts afresh."""
    if stored is None:
        return HistoryState()
    try:
        end_date = stored["end_date"]
        state = HistoryState(
            end_date=None if end_date is None else EndDate(end_date),
            days=int(stored["days"]),
        )
        for flipbook_hash, item in stored["flipbooks"].items():
            state.flipbooks[flipbook_hash] = FlipbookHistory(
                first_day=date.fromisoformat(item["first_day"]),
                oldest=date.fromisoformat(item["oldest"]),
                before_oldest=_figures_in(item["before_oldest"]),
                final_day=date.fromisoformat(item["final_day"]),
                final_sums=_figures_in(item["final_sums"]),
                recent_ages={
                    date.fromisoformat(day): int(age)
                    for day, age in item["recent_ages"].items()
                },
                daily={
                    date.fromisoformat(day): _figures_in(values)
                    for day, values in item["daily"].items()
                },
                # A store of an earlier version kept every day in daily.
                earlier_sums=_figures_in(
                    item.get("earlier_sums", _figures_out(NO_FIGURES))
                ),
                earlier_until=date.fromisoformat(
                    item.get("earlier_until", date.min.isoformat())
                ),
            )
    except KeyError, TypeError, ValueError, AttributeError:
        LOGGER.warning(
            "The stored Flipsnack history progress is damaged; starting afresh"
        )
        return HistoryState()
    return state
