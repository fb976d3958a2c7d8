"""One day's figures of a flipbook, and what Flipsnack's `endDate` means.

Flipsnack does not document whether `collection.getStats` counts the day `endDate`
names. The answers tell: asked for day D alone, day D+1 alone and D..D+1 together,
an inclusive `endDate` gives two days that add up to the pair, an exclusive one gives
two empty days and a pair that holds day D.
"""

from datetime import date, timedelta
from enum import StrEnum

from .client import FlipsnackClient
from .models import Figures

_NONE = Figures(impressions=0, views=0, time_spent=0, downloads=0)


class EndDate(StrEnum):
    """Whether `collection.getStats` counts the day `endDate` names."""

    INCLUSIVE = "inclusive"
    EXCLUSIVE = "exclusive"


def day_range(day: date, end_date: EndDate) -> tuple[date, date]:
    """Return the `startDate` and `endDate` that cover day alone."""
    if end_date is EndDate.INCLUSIVE:
        return day, day
    return day, day + timedelta(days=1)


async def day_figures(
    client: FlipsnackClient, collection_hash: str, day: date, end_date: EndDate
) -> Figures:
    """Return the figures of one flipbook on one day, with one call.

    Raises:
        FlipsnackError: The call failed, or the answer is malformed, negative or
            lacks a figure; no figure is made up.
    """
    start, end = day_range(day, end_date)
    stats = await client.collection_stats(collection_hash, start=start, end=end)
    return stats.figures()


async def range_figures(
    client: FlipsnackClient,
    collection_hash: str,
    first: date,
    last: date,
    end_date: EndDate,
) -> Figures:
    """Return the figures of one flipbook from day first to day last, with one call.

    Raises:
        FlipsnackError: The call failed, or the answer is not usable.
    """
    start, _ = day_range(first, end_date)
    _, end = day_range(last, end_date)
    stats = await client.collection_stats(collection_hash, start=start, end=end)
    return stats.figures()


async def probe_end_date(
    client: FlipsnackClient, collection_hash: str, day: date
) -> EndDate | None:
    """Find out from three calls whether `endDate` counts its day.

    Args:
        client: The client of the account.
        collection_hash: A flipbook that had readers on day or the day after.
        day: A day whose figures no longer change.

    Returns:
        The finding, or None when the answers cannot tell: nobody read the
        flipbook on those days, or the figures changed between the calls.

    Raises:
        FlipsnackError: A call failed.
    """
    next_day = day + timedelta(days=1)
    alone = await client.collection_stats(collection_hash, start=day, end=day)
    after = await client.collection_stats(collection_hash, start=next_day, end=next_day)
    pair = await client.collection_stats(collection_hash, start=day, end=next_day)
    return decide_end_date(alone.figures(), after.figures(), pair.figures())


def decide_end_date(alone: Figures, after: Figures, pair: Figures) -> EndDate | None:
    """Decide what `endDate` means from the answers for D, D+1 and D..D+1.

    Inclusive: the two days add up to the pair. Exclusive: a range that ends where
    it starts holds no day, so both days are empty while the pair holds day D.
    """
    if pair == _NONE:
        return None
    if alone == _NONE and after == _NONE:
        return EndDate.EXCLUSIVE
    first, second = alone.as_dict(), after.as_dict()
    if pair.as_dict() == {name: first[name] + second[name] for name in first}:
        return EndDate.INCLUSIVE
    return None
