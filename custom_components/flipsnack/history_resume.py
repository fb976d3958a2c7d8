"""How a history import goes on from where the last run was.

The store keeps each flipbook's progress; the recorder keeps the rows. A flipbook the
store knows but whose rows are gone (deleted in Developer tools) starts again; one the
recorder has rows of but the store lost goes on from its newest final row.
"""

from collections.abc import Mapping
from datetime import date, timedelta

from homeassistant.core import HomeAssistant
from homeassistant.helpers.recorder import get_instance

from .api import Flipbook
from .history_rows import async_has_rows, async_last_row
from .history_store import FINAL_AGE, NO_FIGURES, FlipbookHistory, HistoryState


async def async_resume(
    hass: HomeAssistant,
    entry_id: str,
    state: HistoryState,
    *,
    tracked: Mapping[str, Flipbook],
    days: int,
    today: date,
) -> None:
    """Make the stored state of the last run agree with the recorder and the options."""
    if state.days and days > state.days:
        # A longer window: import every flipbook again, rewriting its rows.
        state.flipbooks.clear()
        state.days = days
        return
    state.days = days
    # Rows the last run wrote a moment ago (before a reload) may still wait in the
    # recorder's queue; read only once they are in.
    await get_instance(hass).async_block_till_done()
    for flipbook_hash in list(state.flipbooks):
        if flipbook_hash not in tracked or not (
            await async_has_rows(hass, entry_id, flipbook_hash)
        ):
            del state.flipbooks[flipbook_hash]
    for flipbook_hash in tracked:
        if flipbook_hash in state.flipbooks:
            continue
        last = await async_last_row(
            hass, entry_id, flipbook_hash, before=today - timedelta(days=FINAL_AGE - 1)
        )
        if last is not None:
            day, sums = last
            state.flipbooks[flipbook_hash] = FlipbookHistory(
                first_day=day,
                oldest=day,
                before_oldest=NO_FIGURES,
                final_day=day,
                final_sums=sums,
                # The all-tracked sums go on from the recorder's, not from zero.
                earlier_sums=sums,
                earlier_until=day,
            )
