"""Tests for the most viewed flipbook of the last week, from the imported daily figures."""

from datetime import date, timedelta

from custom_components.flipsnack.api import Figures
from custom_components.flipsnack.history_summary import (
    MostViewed,
    last_week,
    most_viewed,
)

TODAY = date(2026, 3, 10)
WEEK = [date(2026, 3, day) for day in range(9, 2, -1)]


def views(count: int) -> Figures:
    """Return a day's figures with count views and other figures that never count."""
    return Figures(impressions=1000, views=count, time_spent=5000, downloads=9)


def days(*counts: int, first: date = WEEK[0]) -> dict[date, Figures]:
    """Return daily figures with these views, from first backwards a day each."""
    return {first - timedelta(days=age): views(n) for age, n in enumerate(counts)}


def test_last_week_is_the_seven_days_before_today() -> None:
    """Today is still counting, so the week is the seven complete days before it."""
    assert last_week(TODAY) == WEEK


def test_the_flipbook_with_the_most_views_that_week() -> None:
    """Views are added over the week; other figures and days outside it don't count."""
    daily = {
        # 14 views in the week, and huge figures today and the day before the week.
        "spring": {
            **days(2, 2, 2, 2, 2, 2, 2),
            TODAY: views(10_000),
            WEEK[-1] - timedelta(days=1): views(10_000),
        },
        "price-list": days(0, 0, 0, 15, 0, 0, 0),
        "quiet": days(0, 0, 0, 0, 0, 0, 0),
    }

    assert most_viewed(daily, TODAY) == MostViewed(flipbook_hash="price-list", views=15)


def test_a_missing_day_leaves_the_week_undecided() -> None:
    """A flipbook without one of the week's days could be the most viewed: None."""
    complete = days(1, 1, 1, 1, 1, 1, 1)
    for missing in WEEK:
        gap = {day: figures for day, figures in complete.items() if day != missing}
        daily = {"spring": days(50, 50, 50, 50, 50, 50, 50), "price-list": gap}
        assert most_viewed(daily, TODAY) is None, missing


def test_days_of_an_older_week_do_not_stand_in() -> None:
    """Only the days of the last week count, however many older days are kept."""
    older = days(*([9] * 30), first=WEEK[-1] - timedelta(days=1))

    assert most_viewed({"spring": older}, TODAY) is None
    assert most_viewed({"spring": {**older, **days(*[1] * 7)}}, TODAY) == MostViewed(
        flipbook_hash="spring", views=7
    )


def test_no_tracked_flipbook_and_no_views_give_none() -> None:
    """Without flipbooks, or without a single view, no flipbook was viewed most."""
    assert most_viewed({}, TODAY) is None
    assert (
        most_viewed({"quiet": days(*[0] * 7), "still": days(*[0] * 7)}, TODAY) is None
    )


def test_a_tie_goes_to_the_smallest_hash_whatever_the_order() -> None:
    """Equal views give the same flipbook whichever order the flipbooks come in."""
    tied = {"b-book": days(3, 0, 0, 0, 0, 0, 0), "a-book": days(0, 0, 0, 0, 0, 0, 3)}

    expected = MostViewed(flipbook_hash="a-book", views=3)
    assert most_viewed(tied, TODAY) == expected
    assert most_viewed(dict(reversed(tied.items())), TODAY) == expected
