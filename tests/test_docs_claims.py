"""Tests that the numbers and option names the README and the docs pages state are the code's.

Each claim is a phrase of a page with its numbers left open, and the constants the code
behaves by: a changed text and a changed constant both fail. The entry's options are named
as the options flow shows them.
"""

from datetime import timedelta
import re

import pytest

from custom_components.flipsnack.action_cache import CACHE_MAX_AGE
from custom_components.flipsnack.api.client import PAGE_SIZE
from custom_components.flipsnack.const import (
    DEFAULT_HISTORY_DAYS,
    FLIPBOOK_CALLS_PER_MINUTE,
    HISTORY_DAY_CHOICES,
    LISTING_INTERVAL,
    LISTING_RETRY,
    MIN_FLIPBOOK_CYCLE,
    REFUSED_FIGURES_MAX_BACKOFF,
    SCAN_INTERVAL,
    STALE_AFTER_CYCLES,
    Tracking,
    flipbook_cycle,
)
from custom_components.flipsnack.flipbook_store import SAVE_DELAY as FIGURES_SAVE_DELAY
from custom_components.flipsnack.history import (
    BAD_ANSWER_RETRY,
    PROBE_RETRY,
    STORE_DELAY as PROGRESS_SAVE_DELAY,
)
from custom_components.flipsnack.history_plan import POLLING_CALLS_PER_MINUTE
from custom_components.flipsnack.history_store import FINAL_AGE
from custom_components.flipsnack.history_summary import WEEK_DAYS
from custom_components.flipsnack.order_book import MAX_RECENT_ORDERS, ORDER_RETRY_WINDOW
from custom_components.flipsnack.scheduler import (
    CALLS_PER_MINUTE,
    CALLS_PER_SECOND,
    HISTORY_SLOT_EVERY,
    INTERACTIVE_RESERVE,
    REDUCED_CALLS_PER_MINUTE,
    REDUCED_RATE_SECONDS,
)
from custom_components.flipsnack.services import SLOT_TIMEOUT
from custom_components.flipsnack.webhook import DUPLICATE_WINDOW
from custom_components.flipsnack.webhook_delivery import MAX_WAITING
from custom_components.flipsnack.webhook_orders import MAX_ITEMS, MAX_ORDER_ID_LENGTH
from custom_components.flipsnack.webhook_posts import (
    MAX_BODY_BYTES,
    MAX_FIELDS,
    MAX_NAME_LENGTH,
    MAX_TITLE_LENGTH,
    MAX_VALUE_LENGTH,
)

from .markdown import bold, prose, section
from .user_guide import PAGES, STRINGS, page

# The numbers the pages spell out.
WORDS = {"an": 1, "one": 1, "two": 2, "three": 3, "six": 6, "eleven": 11}
NUMBER = r"(\d[\d,]*|" + "|".join(WORDS) + ")"


def _minutes(duration: timedelta | float) -> float:
    """Return a duration (a timedelta or seconds) in minutes."""
    seconds = duration.total_seconds() if isinstance(duration, timedelta) else duration
    return seconds / 60


def _text(name: str) -> str:
    """Return a page's text outside code, in one line and without bold markers."""
    return " ".join(prose(PAGES[name]).replace("**", "").split())


def stated(name: str, phrase: str) -> list[tuple[float, ...]]:
    """Return the numbers in each place a page says phrase, with {} for each number."""
    pattern = r"\s+".join(
        NUMBER.join(re.escape(part) for part in word.split("{}"))
        for word in phrase.split()
    )
    return [
        tuple(
            float(WORDS.get(number, number.replace(",", "")))
            for number in (match if isinstance(match, tuple) else (match,))
        )
        for match in re.findall(pattern, _text(name))
    ]


# A page, a phrase of it with {} for each number, and the numbers the code works with.
CLAIMS: list[tuple[str, str, tuple[float, ...]]] = [
    # How the account, the listing and the flipbooks' figures are polled.
    ("README.md", "polled every {} minutes", (_minutes(SCAN_INTERVAL),)),
    ("docs/sensors.md", "totals every {} minutes", (_minutes(SCAN_INTERVAL),)),
    ("docs/sensors.md", "so {} calls an hour", (60 / _minutes(SCAN_INTERVAL),)),
    (
        "docs/flipbooks.md",
        "the account {} calls an hour",
        (60 / _minutes(SCAN_INTERVAL),),
    ),
    ("docs/sensors.md", "is due (every {} minutes)", (_minutes(LISTING_INTERVAL),)),
    (
        "docs/sensors.md",
        "the figures of up to {} flipbooks that are due",
        (FLIPBOOK_CALLS_PER_MINUTE,),
    ),
    (
        "docs/flipbooks.md",
        "one call per page every {} minutes",
        (_minutes(LISTING_INTERVAL),),
    ),
    (
        "docs/flipbooks.md",
        "a listing made less than {} minutes ago",
        (_minutes(LISTING_INTERVAL),),
    ),
    (
        "docs/flipbooks.md",
        "it is tried again every {} minutes",
        (_minutes(LISTING_RETRY),),
    ),
    (
        "docs/flipbooks.md",
        "up to every {} hours",
        (REFUSED_FIGURES_MAX_BACKOFF / timedelta(hours=1),),
    ),
    ("docs/flipbooks.md", "more than {} refresh cycles old", (STALE_AFTER_CYCLES,)),
    (
        "docs/flipbooks.md",
        "when they changed, at most every {} minutes",
        (_minutes(FIGURES_SAVE_DELAY),),
    ),
    (
        "docs/flipbooks.md",
        "max({} minutes, number of flipbooks ÷ {})",
        (_minutes(MIN_FLIPBOOK_CYCLE), FLIPBOOK_CALLS_PER_MINUTE),
    ),
    (
        "docs/flipbooks.md",
        "each is refreshed every {} minutes",
        (_minutes(MIN_FLIPBOOK_CYCLE),),
    ),
    # The integration's share of Flipsnack's limits.
    (
        "docs/flipbooks.md",
        "more than {} calls in any minute and {} in any second",
        (CALLS_PER_MINUTE, CALLS_PER_SECOND),
    ),
    (
        "docs/flipbooks.md",
        "the {} calls a minute but {},",
        (CALLS_PER_MINUTE, INTERACTIVE_RESERVE),
    ),
    (
        "docs/flipbooks.md",
        "half its share ({} calls a minute) for the next {} minutes",
        (REDUCED_CALLS_PER_MINUTE, _minutes(REDUCED_RATE_SECONDS)),
    ),
    ("README.md", "slows down for {} minutes", (_minutes(REDUCED_RATE_SECONDS),)),
    ("docs/limitations.md", "the listing asks for {} a call", (PAGE_SIZE,)),
    # History.
    ("README.md", "the last {}, {} or {} days", HISTORY_DAY_CHOICES),
    ("docs/sensors.md", "the last {}, {} or {} days", HISTORY_DAY_CHOICES),
    (
        "docs/history.md",
        "the last {}, {} (recommended) or {} days",
        HISTORY_DAY_CHOICES,
    ),
    ("docs/history.md", "{} (recommended)", (DEFAULT_HISTORY_DAYS,)),
    ("docs/history.md", "until they are {} days old", (FINAL_AGE,)),
    ("docs/history.md", "asks again {} hour later", (PROBE_RETRY / 3600,)),
    (
        "docs/history.md",
        "written at most every {} minutes",
        (_minutes(PROGRESS_SAVE_DELAY),),
    ),
    ("docs/history.md", "in the last {} complete days", (WEEK_DAYS,)),
    ("docs/sensors.md", "in the last {} complete days", (WEEK_DAYS,)),
    ("docs/history.md", "asked again {} minutes later", (_minutes(BAD_ANSWER_RETRY),)),
    ("docs/history.md", "the import takes one call in {},", (HISTORY_SLOT_EVERY,)),
    (
        "docs/history.md",
        "spare calls per minute = {} \N{MINUS SIGN} {} \N{MINUS SIGN} flipbooks",
        (FLIPBOOK_CALLS_PER_MINUTE, POLLING_CALLS_PER_MINUTE),
    ),
    (
        "docs/history.md",
        "at least {} ÷ {}",
        (FLIPBOOK_CALLS_PER_MINUTE, HISTORY_SLOT_EVERY),
    ),
    # The action.
    (
        "docs/actions.md",
        "(one call per {} flipbooks), which is kept for {} minutes",
        (PAGE_SIZE, _minutes(CACHE_MAX_AGE)),
    ),
    ("docs/actions.md", "asked again within {} minutes", (_minutes(CACHE_MAX_AGE),)),
    ("docs/actions.md", "can be up to {} minutes old", (_minutes(CACHE_MAX_AGE),)),
    ("docs/actions.md", "couldn't start within {} seconds", (SLOT_TIMEOUT,)),
    (
        "docs/actions.md",
        "({} flipbooks take about {} minutes)",
        (100, 100 / CALLS_PER_MINUTE),
    ),
    # Lead forms.
    (
        "docs/lead-forms.md",
        "the same submission within {} minutes",
        (_minutes(DUPLICATE_WINDOW),),
    ),
    ("docs/lead-forms.md", "wait in memory, up to {},", (MAX_WAITING,)),
    ("docs/lead-forms.md", "is larger than {} kB", (MAX_BODY_BYTES / 1024,)),
    ("docs/lead-forms.md", "the form is in (up to {} characters)", (MAX_TITLE_LENGTH,)),
    (
        "docs/lead-forms.md",
        "Up to {} fields; names up to {} characters, values up to {}",
        (MAX_FIELDS, MAX_NAME_LENGTH, MAX_VALUE_LENGTH),
    ),
    # Orders.
    ("docs/orders.md", "id of the order (up to {} characters)", (MAX_ORDER_ID_LENGTH,)),
    ("docs/orders.md", "The ordered items, up to {}:", (MAX_ITEMS,)),
    ("docs/orders.md", "more than {} of them", (MAX_ITEMS,)),
]


@pytest.mark.parametrize(
    ("name", "phrase", "numbers"),
    [pytest.param(*claim, id=f"{claim[0]}: {claim[1]}") for claim in CLAIMS],
)
def test_stated_numbers_are_the_codes(
    name: str, phrase: str, numbers: tuple[float, ...]
) -> None:
    """Each number a page states about the integration's behaviour is its constant's."""
    found = stated(name, phrase)
    assert found, f"{name} no longer says {phrase!r}"
    assert set(found) == {tuple(float(number) for number in numbers)}


def test_stated_numbers_find_what_they_should() -> None:
    """The phrases read numbers in figures, with thousands separators, and in words."""
    assert stated("docs/lead-forms.md", "values up to {}") == [(1000.0,)]
    assert stated("docs/flipbooks.md", "the account {} calls an hour") == [(6.0,)]
    assert stated("docs/orders.md", "up to {} characters") == [(100.0,)]


def test_share_of_flipsnacks_limits() -> None:
    """The integration takes a third of Flipsnack's per-minute limit, as the pages say.

    docs/flipbooks.md gives Flipsnack's limits, the current ones and the older ones, which
    the integration stays below too.
    """
    ((minute, second, old_minute, old_second),) = stated(
        "docs/flipbooks.md",
        "Flipsnack allows {} calls a minute and {} a second per API key "
        "(its older documentation says {} and {})",
    )
    assert minute == CALLS_PER_MINUTE * 3
    assert second > CALLS_PER_SECOND
    assert old_minute > CALLS_PER_MINUTE
    assert old_second > CALLS_PER_SECOND
    assert "stays at a third of Flipsnack's per-minute limit" in _text("README.md")
    assert "within a third of Flipsnack's per-minute limit" in _text("docs/sensors.md")
    # Throttled, it takes half its share.
    assert "takes half its share" in _text("docs/flipbooks.md")
    assert REDUCED_CALLS_PER_MINUTE * 2 == CALLS_PER_MINUTE


def test_orders_are_remembered_for_a_day() -> None:
    """An order id is remembered, and a repeat of it dropped, for the last day."""
    assert timedelta(days=1) == ORDER_RETRY_WINDOW
    text = _text("docs/orders.md")
    assert "the digests of the last day's order ids" in text
    assert "arrived within the last day" in text
    assert stated("docs/orders.md", "(the last {} orders, if a day brings more)") == [
        (MAX_RECENT_ORDERS,)
    ]


def test_tracking_costs_are_the_cycle_of_the_code() -> None:
    """The rows of What tracking costs that refresh at the shortest cycle are the code's.

    Per hour: each flipbook once a cycle, the account's polls, and the listing's pages (a
    full page asks for the next one) once a listing interval.
    """
    rows = [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in section(page("flipbooks.md"), "## What tracking costs").splitlines()
        if line.startswith("| ") and line[2].isdigit()
    ]
    checked = 0
    for count_text, refreshed, calls_text in rows:
        count = int(count_text.replace(",", ""))
        cycle = flipbook_cycle(count)
        if cycle != MIN_FLIPBOOK_CYCLE:
            continue
        pages = count // PAGE_SIZE + 1
        assert refreshed == f"every {_minutes(cycle):.0f} minutes"
        assert int(calls_text.replace(",", "")) == (
            count * 60 / _minutes(cycle)
            + 60 / _minutes(SCAN_INTERVAL)
            + pages * 60 / _minutes(LISTING_INTERVAL)
        )
        checked += 1
    assert checked == 2


# The entry's options as the options flow shows them: step titles, menu entries, field
# labels and the choices of its selectors.
OPTION_TEXTS = {
    *(step["title"] for step in STRINGS["options"]["step"].values()),
    *STRINGS["options"]["step"]["init"]["menu_options"].values(),
    *(
        label
        for step in STRINGS["options"]["step"].values()
        for label in step.get("data", {}).values()
    ),
    *(
        choice
        for selector in STRINGS["selector"].values()
        for choice in selector["options"].values()
    ),
}
# The options each page names in bold, alone or as a path (**Lead forms and orders >
# Receive lead forms**, **Configure > History of the tracked flipbooks**).
NAMED_OPTIONS = {
    "README.md": [
        "Flipbooks with their own statistics",
        "History of the tracked flipbooks",
        "Lead forms and orders",
        "Receive lead forms",
        "Receive orders",
    ],
    "docs/flipbooks.md": ["Flipbooks with their own statistics"],
    "docs/history.md": ["History of the tracked flipbooks"],
    "docs/sensors.md": ["History of the tracked flipbooks"],
    "docs/lead-forms.md": [
        "Lead forms and orders",
        "Receive lead forms",
        "Receive orders",
    ],
    "docs/orders.md": ["Lead forms and orders", "Receive orders"],
}


@pytest.mark.parametrize("name", NAMED_OPTIONS)
def test_option_names_are_the_options_flows(name: str) -> None:
    """The options a page names in bold are named so in the options flow.

    Every bold path that starts at Configure names options too.
    """
    named = {
        part
        for text in bold(PAGES[name])
        for part in text.split(" > ")
        if part in OPTION_TEXTS or text.startswith("Configure > ")
    } - {"Configure"}
    assert named == set(NAMED_OPTIONS[name])
    assert named <= OPTION_TEXTS, named - OPTION_TEXTS


def test_tracking_choices_are_the_selectors() -> None:
    """The choices of docs/flipbooks.md's table are the Track selector's, in its order."""
    rows = [
        line.split("|")[1].strip().removesuffix(" (the default)")
        for line in section(page("flipbooks.md"), "# Flipbook statistics").splitlines()
        if line.startswith("| ") and not line.startswith(("| Choice ", "| ---"))
    ]
    assert rows[:3] == [
        STRINGS["selector"]["tracking"]["options"][choice]
        for choice in (Tracking.NONE, Tracking.ALL, Tracking.CHOSEN)
    ]
