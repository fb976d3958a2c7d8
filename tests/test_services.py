"""Tests for the flipsnack.get_statistics action.

Every call of the action goes through the entry's request scheduler, so time is
simulated: while the action waits for a slot, the tests move the clock to the
scheduler's timer. The clock stands at 05:00 UTC on 10 March 2026, which is still
9 March in Home Assistant's time zone (Los Angeles).
"""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
import json
from pathlib import Path
import re
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.core import HomeAssistant, ServiceResponse
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.setup import async_setup_component
import probatio as vol
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_mock_service,
)
from syrupy.assertion import SnapshotAssertion
import yaml

from custom_components.flipsnack.action_cache import CACHE_MAX_AGE
from custom_components.flipsnack.const import DOMAIN
from custom_components.flipsnack.scheduler import (
    CALLS_PER_MINUTE,
    CALLS_PER_SECOND,
    Priority,
)
from custom_components.flipsnack.services import (
    GET_STATISTICS_SCHEMA,
    SERVICE_GET_STATISTICS,
    SLOT_TIMEOUT,
)

from . import (
    add_spring_catalog,
    advance_time,
    answer_with_code,
    await_paced,
    set_mode,
    setup_integration,
)
from .call_windows import most_in_any_window
from .const import API_KEY, API_SECRET
from .fake_flipsnack import FakeApiError, FakeFigures, FakeFlipsnack, FakeMode

INTEGRATION = Path(__file__).parent.parent / "custom_components" / "flipsnack"
STRINGS = json.loads((INTEGRATION / "strings.json").read_text(encoding="utf-8"))

ENTRY_ID = "01JFLIPSNACKTESTENTRY00000"
ACCOUNT = "Flipsnack …7832"
NOW = "2026-03-10T05:00:00+00:00"
TIME_ZONE = "America/Los_Angeles"

CATALOG = "spring-catalog"  # the flipbook add_spring_catalog gives
PRICES = "price-list"
# An edited copy of the catalog: same title, not published.
CATALOG_DRAFT = "spring-draft"
BROCHURE = "brochure-a"
OTHER_BROCHURE = "brochure-b"
DRAFT = "draft-only"

LIST = "collection.getList"
STATS = "collection.getStats"


@pytest.fixture
def flipbooks(hass: HomeAssistant, flipsnack: FakeFlipsnack) -> FakeFlipsnack:
    """Give the test account flipbooks with figures on days around the first week of March.

    The fake counts its rate limits in simulated time, as the scheduler does.
    """
    flipsnack.clock = hass.loop.time
    add_spring_catalog(flipsnack)
    flipsnack.add_flipbook(
        API_KEY,
        hash=PRICES,
        title="Price list",
        status="unlisted",
        totals=FakeFigures(impressions=90, views=30, time_spent=154, downloads=12),
    )
    flipsnack.add_flipbook(
        API_KEY, hash=CATALOG_DRAFT, title="Spring catalog", status="editable"
    )
    flipsnack.add_flipbook(API_KEY, hash=BROCHURE, title="Brochure")
    flipsnack.add_flipbook(API_KEY, hash=OTHER_BROCHURE, title="Brochure")
    flipsnack.add_flipbook(API_KEY, hash=DRAFT, title="Draft", status="editable")
    return flipsnack


async def _load(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipsnack: FakeFlipsnack,
    entry: MockConfigEntry,
) -> MockConfigEntry:
    """Set the entry up at NOW, let its first listing finish and forget the calls."""
    freezer.move_to(NOW)
    await hass.config.async_set_time_zone(TIME_ZONE)
    await setup_integration(hass, entry)
    await advance_time(hass, freezer, timedelta(seconds=5))
    assert entry.state is ConfigEntryState.LOADED
    flipsnack.requests.clear()
    return entry


@pytest.fixture
async def loaded_entry(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipbooks: FakeFlipsnack,
    mock_config_entry: MockConfigEntry,
) -> MockConfigEntry:
    """Set up the test account, tracking no flipbooks."""
    return await _load(hass, freezer, flipbooks, mock_config_entry)


def _tracking_entry(**options: Any) -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        title=ACCOUNT,
        data={"api_key": API_KEY, "api_secret": API_SECRET},
        options=options,
        entry_id=ENTRY_ID,
    )


def _service_call(hass: HomeAssistant, **data: Any) -> Awaitable[ServiceResponse]:
    return hass.services.async_call(
        DOMAIN,
        SERVICE_GET_STATISTICS,
        {"config_entry_id": ENTRY_ID, **data},
        blocking=True,
        return_response=True,
    )


async def _get(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, **data: Any
) -> ServiceResponse:
    """Run the action for the test entry and return its response."""
    return await await_paced(hass, freezer, _service_call(hass, **data))


async def _failure(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, **data: Any
) -> HomeAssistantError:
    """Run the action for the test entry and return the error it raises."""
    with pytest.raises(HomeAssistantError) as caught:
        await _get(hass, freezer, **data)
    return caught.value


def _actions(flipsnack: FakeFlipsnack) -> list[str]:
    return [request.params["action"] for request in flipsnack.requests]


def _stats_params(flipsnack: FakeFlipsnack) -> list[dict[str, str]]:
    """Return the parameters of the statistics requests, without the credentials."""
    return [
        {
            name: value
            for name, value in request.params.items()
            if name not in {"action", "apiKey", "signature"}
        }
        for request in flipsnack.requests
        if request.params["action"] == STATS
    ]


@pytest.mark.usefixtures("flipsnack")
async def test_action_exists_without_a_loaded_entry(hass: HomeAssistant) -> None:
    """The action is registered with the integration, not with an entry."""
    assert await async_setup_component(hass, DOMAIN, {})

    assert hass.services.has_service(DOMAIN, SERVICE_GET_STATISTICS)


@pytest.mark.usefixtures("loaded_entry")
async def test_figures_of_a_date_range_with_pages(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipbooks: FakeFlipsnack,
    snapshot: SnapshotAssertion,
) -> None:
    """A flipbook chosen by title: its figures of the week and of each page.

    The dates go to Flipsnack as given; the fake counts both ends, so 1 and 9 March
    stay out.
    """
    response = await _get(
        hass,
        freezer,
        flipbook="Spring catalog",
        start_date="2026-03-02",
        end_date="2026-03-08",
        include_pages=True,
    )

    assert response == snapshot
    assert _actions(flipbooks) == [LIST, STATS]
    assert _stats_params(flipbooks) == [
        {
            "collectionHash": CATALOG,
            "startDate": "2026-03-02",
            "endDate": "2026-03-08",
            "includePageStats": "true",
        }
    ]


@pytest.mark.usefixtures("loaded_entry")
async def test_all_time_figures_without_dates(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, flipbooks: FakeFlipsnack
) -> None:
    """Without dates Flipsnack gets none; no pages unless asked for."""
    response = await _get(hass, freezer, flipbook=PRICES)

    assert response == {
        "flipbook": {"hash": PRICES, "title": "Price list", "status": "unlisted"},
        "start_date": None,
        "end_date": None,
        "impressions": 90,
        "views": 30,
        "time_spent": 154,
        "downloads": 12,
    }
    assert _stats_params(flipbooks) == [{"collectionHash": PRICES}]


@pytest.mark.usefixtures("loaded_entry")
async def test_a_single_day(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The same start and end date ask for one day; today is allowed."""
    response = await _get(
        hass, freezer, flipbook=CATALOG, start_date="2026-03-09", end_date="2026-03-09"
    )

    assert response is not None
    assert response["views"] == 2000
    assert response["start_date"] == response["end_date"] == "2026-03-09"


@pytest.mark.usefixtures("loaded_entry")
async def test_editable_flipbook_by_hash(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """A hash may name any flipbook of the account, an editable one too."""
    response = await _get(hass, freezer, flipbook=DRAFT)

    assert response is not None
    assert response["flipbook"] == {
        "hash": DRAFT,
        "title": "Draft",
        "status": "editable",
    }


@pytest.mark.usefixtures("loaded_entry")
async def test_titles_match_published_flipbooks_only(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """The editable copy of the catalog does not make its title ambiguous."""
    response = await _get(hass, freezer, flipbook="  Spring catalog ")
    assert response is not None
    assert response["flipbook"]["hash"] == CATALOG  # type: ignore[index]

    err = await _failure(hass, freezer, flipbook="Draft")
    assert isinstance(err, ServiceValidationError)
    assert err.translation_key == "unknown_flipbook"
    assert err.translation_placeholders == {"flipbook": "Draft", "account": ACCOUNT}


@pytest.mark.usefixtures("loaded_entry")
async def test_ambiguous_title(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, flipbooks: FakeFlipsnack
) -> None:
    """Two published flipbooks with the same title must be told apart by hash."""
    err = await _failure(hass, freezer, flipbook="Brochure")

    assert isinstance(err, ServiceValidationError)
    assert err.translation_domain == DOMAIN
    assert err.translation_key == "ambiguous_flipbook_title"
    assert err.translation_placeholders == {
        "flipbook": "Brochure",
        "count": "2",
        "account": ACCOUNT,
    }
    assert _actions(flipbooks) == [LIST]

    response = await _get(hass, freezer, flipbook=OTHER_BROCHURE)
    assert response is not None
    assert response["flipbook"]["hash"] == OTHER_BROCHURE  # type: ignore[index]


@pytest.mark.usefixtures("loaded_entry")
async def test_unknown_flipbook_costs_no_statistics_call(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, flipbooks: FakeFlipsnack
) -> None:
    """A flipbook the listing does not have is the user's mistake."""
    err = await _failure(hass, freezer, flipbook="no-such-flipbook")

    assert isinstance(err, ServiceValidationError)
    assert err.translation_key == "unknown_flipbook"
    assert err.translation_placeholders == {
        "flipbook": "no-such-flipbook",
        "account": ACCOUNT,
    }
    assert _actions(flipbooks) == [LIST]


@pytest.mark.parametrize("code", [43, 46])
@pytest.mark.usefixtures("loaded_entry")
async def test_flipbook_flipsnack_does_not_know(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipbooks: FakeFlipsnack,
    code: int,
) -> None:
    """A flipbook deleted since the listing: Flipsnack's 43 or 46 is the user's mistake too."""
    await _get(hass, freezer, flipbook=PRICES)

    async def refuse(*_: Any) -> Any:
        raise FakeApiError(code, "Forbidden")

    flipbooks.actions[STATS] = refuse
    err = await _failure(hass, freezer, flipbook=CATALOG)

    assert isinstance(err, ServiceValidationError)
    assert err.translation_key == "unknown_flipbook"
    assert err.translation_placeholders == {"flipbook": CATALOG, "account": ACCOUNT}
    assert _actions(flipbooks) == [LIST, STATS, STATS]


async def test_tracked_flipbooks_need_no_listing(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipbooks: FakeFlipsnack,
) -> None:
    """When all published flipbooks are tracked, hashes and titles resolve without a call."""
    await _load(hass, freezer, flipbooks, _tracking_entry(tracking="all"))

    by_title = await _get(hass, freezer, flipbook="Spring catalog")
    by_hash = await _get(hass, freezer, flipbook=PRICES)

    assert by_title is not None
    assert by_hash is not None
    assert by_title["flipbook"] == {
        "hash": CATALOG,
        "title": "Spring catalog",
        "status": "public",
    }
    assert by_hash["flipbook"]["title"] == "Price list"  # type: ignore[index]
    assert _actions(flipbooks) == [STATS, STATS]

    # Still ambiguous among the tracked ones, and still without a listing.
    err = await _failure(hass, freezer, flipbook="Brochure")
    assert err.translation_key == "ambiguous_flipbook_title"
    assert _actions(flipbooks) == [STATS, STATS]


async def test_chosen_flipbooks_resolve_titles_from_the_listing(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipbooks: FakeFlipsnack,
) -> None:
    """With chosen flipbooks a tracked hash needs no listing, but a title does.

    An untracked flipbook may have the same title as a tracked one.
    """
    entry = _tracking_entry(tracking="chosen", flipbooks=[BROCHURE])
    await _load(hass, freezer, flipbooks, entry)

    await _get(hass, freezer, flipbook=BROCHURE)
    assert _actions(flipbooks) == [STATS]

    err = await _failure(hass, freezer, flipbook="Brochure")
    assert err.translation_key == "ambiguous_flipbook_title"
    assert _actions(flipbooks) == [STATS, LIST]


@pytest.mark.usefixtures("loaded_entry")
async def test_same_question_is_answered_from_the_cache(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, flipbooks: FakeFlipsnack
) -> None:
    """Within five minutes a repeated question makes no call; another question does."""
    week = {"start_date": "2026-03-02", "end_date": "2026-03-08"}
    first = await _get(hass, freezer, flipbook="Spring catalog", **week)
    again = await _get(hass, freezer, flipbook=CATALOG, **week)

    assert again == first
    assert _actions(flipbooks) == [LIST, STATS]

    await _get(hass, freezer, flipbook=CATALOG, include_pages=True, **week)
    await _get(hass, freezer, flipbook=CATALOG)
    await _get(hass, freezer, flipbook="Price list")
    assert _actions(flipbooks) == [LIST, STATS, STATS, STATS, STATS]

    freezer.tick(CACHE_MAX_AGE)
    await _get(hass, freezer, flipbook="Spring catalog", **week)
    assert _actions(flipbooks) == [LIST, STATS, STATS, STATS, STATS, LIST, STATS]


@pytest.mark.usefixtures("loaded_entry")
async def test_cache_goes_with_a_reload(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, flipbooks: FakeFlipsnack
) -> None:
    """New credentials reload the entry; nothing fetched before is reused."""
    await _get(hass, freezer, flipbook=PRICES)
    # The reload's calls wait for the key's budget, which the action still fills.
    assert await await_paced(hass, freezer, hass.config_entries.async_reload(ENTRY_ID))
    await hass.async_block_till_done()
    flipbooks.requests.clear()

    await _get(hass, freezer, flipbook=PRICES)

    assert _actions(flipbooks) == [LIST, STATS]


@pytest.mark.parametrize(
    ("dates", "key", "placeholders"),
    [
        pytest.param(
            {"start_date": "2026-03-02"},
            "incomplete_date_range",
            {"date": "2026-03-02"},
            id="start_only",
        ),
        pytest.param(
            {"end_date": "2026-03-08"},
            "incomplete_date_range",
            {"date": "2026-03-08"},
            id="end_only",
        ),
        pytest.param(
            {"start_date": "2026-03-08", "end_date": "2026-03-02"},
            "end_before_start",
            {"start_date": "2026-03-08", "end_date": "2026-03-02"},
            id="end_before_start",
        ),
        # 10 March has begun in UTC, not yet in Los Angeles.
        pytest.param(
            {"start_date": "2026-03-10", "end_date": "2026-03-16"},
            "start_in_future",
            {"start_date": "2026-03-10", "today": "2026-03-09"},
            id="start_in_future",
        ),
    ],
)
@pytest.mark.usefixtures("loaded_entry")
async def test_invalid_dates(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipbooks: FakeFlipsnack,
    dates: dict[str, str],
    key: str,
    placeholders: dict[str, str],
) -> None:
    """Dates that make no range are the user's mistake, told before any call."""
    err = await _failure(hass, freezer, flipbook=CATALOG, **dates)

    assert isinstance(err, ServiceValidationError)
    assert err.translation_domain == DOMAIN
    assert err.translation_key == key
    assert err.translation_placeholders == placeholders
    assert flipbooks.requests == []


@pytest.mark.parametrize(
    "data",
    [
        pytest.param({}, id="no_flipbook"),
        pytest.param({"flipbook": "   "}, id="blank_flipbook"),
        pytest.param({"flipbook": CATALOG, "start_date": "2026-02-30"}, id="bad_date"),
        pytest.param({"flipbook": CATALOG, "include_pages": "maybe"}, id="bad_bool"),
        pytest.param({"flipbook": CATALOG, "extra": 1}, id="unknown_field"),
    ],
)
@pytest.mark.usefixtures("loaded_entry")
async def test_invalid_fields(
    hass: HomeAssistant, flipbooks: FakeFlipsnack, data: dict[str, Any]
) -> None:
    """The schema refuses what no selector could produce."""
    with pytest.raises(vol.Invalid):
        await _service_call(hass, **data)
    assert flipbooks.requests == []


def test_schema_fields() -> None:
    """The flipbook is stripped, dates become dates and pages default to off."""
    assert GET_STATISTICS_SCHEMA(
        {"config_entry_id": ENTRY_ID, "flipbook": " Spring catalog "}
    ) == {
        "config_entry_id": ENTRY_ID,
        "flipbook": "Spring catalog",
        "include_pages": False,
    }
    assert GET_STATISTICS_SCHEMA(
        {
            "config_entry_id": ENTRY_ID,
            "flipbook": CATALOG,
            "start_date": "2026-03-02",
            "end_date": date(2026, 3, 8),
            "include_pages": "on",
        }
    ) == {
        "config_entry_id": ENTRY_ID,
        "flipbook": CATALOG,
        "start_date": date(2026, 3, 2),
        "end_date": date(2026, 3, 8),
        "include_pages": True,
    }


@pytest.mark.usefixtures("loaded_entry")
async def test_unknown_entry(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory
) -> None:
    """An entry id that does not exist is refused with Home Assistant's own message."""
    with pytest.raises(ServiceValidationError) as caught:
        await await_paced(
            hass,
            freezer,
            hass.services.async_call(
                DOMAIN,
                SERVICE_GET_STATISTICS,
                {"config_entry_id": "nope", "flipbook": CATALOG},
                blocking=True,
                return_response=True,
            ),
        )
    assert caught.value.translation_domain == "homeassistant"
    assert caught.value.translation_key == "service_config_entry_not_found"


@pytest.mark.usefixtures("loaded_entry")
async def test_entry_of_another_integration(hass: HomeAssistant) -> None:
    """An entry of another integration is refused."""
    other = MockConfigEntry(domain="demo", entry_id="01JOTHERENTRY0000000000000")
    other.add_to_hass(hass)
    with pytest.raises(ServiceValidationError) as caught:
        await hass.services.async_call(
            DOMAIN,
            SERVICE_GET_STATISTICS,
            {"config_entry_id": other.entry_id, "flipbook": CATALOG},
            blocking=True,
            return_response=True,
        )
    assert caught.value.translation_key == "service_config_entry_wrong_domain"


@pytest.mark.usefixtures("loaded_entry")
async def test_entry_not_loaded(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, flipbooks: FakeFlipsnack
) -> None:
    """An unloaded entry is refused, and nothing is called."""
    assert await hass.config_entries.async_unload(ENTRY_ID)
    flipbooks.requests.clear()

    err = await _failure(hass, freezer, flipbook=CATALOG)

    assert isinstance(err, ServiceValidationError)
    assert err.translation_key == "service_config_entry_not_loaded"
    assert flipbooks.requests == []


async def test_entry_unloads_while_the_action_waits(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipbooks: FakeFlipsnack,
    loaded_entry: MockConfigEntry,
) -> None:
    """An action waiting for a slot when the entry unloads is told it is not loaded."""
    flipbooks.envelope_override = {"code": 32, "status": "Requests per minute"}
    await _failure(hass, freezer, flipbook=CATALOG)
    flipbooks.envelope_override = None
    waiting = asyncio.ensure_future(_service_call(hass, flipbook=CATALOG))
    for _ in range(10):
        await asyncio.sleep(0)
    assert loaded_entry.runtime_data.scheduler.stats.waiting == 1

    assert await hass.config_entries.async_unload(ENTRY_ID)

    with pytest.raises(ServiceValidationError) as caught:
        await waiting
    assert caught.value.translation_key == "service_config_entry_not_loaded"
    assert caught.value.translation_placeholders == {
        "domain": DOMAIN,
        "entry_title": ACCOUNT,
    }


@pytest.mark.parametrize(
    ("break_credentials", "key"),
    [
        pytest.param(
            lambda fake: fake.accounts.pop(API_KEY), "invalid_api_key", id="key_41"
        ),
        pytest.param(
            lambda fake: setattr(fake.accounts[API_KEY], "api_secret", "rotated"),
            "invalid_api_secret",
            id="secret_44",
        ),
    ],
)
@pytest.mark.usefixtures("loaded_entry")
async def test_refused_credentials_start_reauthentication(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipbooks: FakeFlipsnack,
    break_credentials: Any,
    key: str,
) -> None:
    """Refused credentials fail the action and ask the user for new ones."""
    break_credentials(flipbooks)

    err = await _failure(hass, freezer, flipbook=CATALOG)

    assert not isinstance(err, ServiceValidationError)
    assert err.translation_domain == DOMAIN
    assert err.translation_key == key
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]
    assert flows[0]["context"]["entry_id"] == ENTRY_ID


@pytest.mark.parametrize(
    ("break_fake", "key", "error"),
    [
        pytest.param(
            set_mode(FakeMode.MAINTENANCE),
            "maintenance",
            "Flipsnack API returned code 22: Maintenance mode",
            id="maintenance",
        ),
        pytest.param(
            set_mode(FakeMode.HTML),
            "invalid_response",
            "Flipsnack answered collection.getList with something that is not an API response",
            id="invalid_response",
        ),
        pytest.param(
            answer_with_code(40, "Bad request"),
            "request_rejected",
            "Flipsnack API returned code 40: Bad request",
            id="request_rejected",
        ),
    ],
)
@pytest.mark.usefixtures("loaded_entry")
async def test_failures_of_the_call(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipbooks: FakeFlipsnack,
    break_fake: Callable[[FakeFlipsnack], None],
    key: str,
    error: str,
) -> None:
    """Flipsnack's failures are not the user's mistake, and say what happened."""
    break_fake(flipbooks)

    err = await _failure(hass, freezer, flipbook=CATALOG)

    assert not isinstance(err, ServiceValidationError)
    assert err.translation_domain == DOMAIN
    assert err.translation_key == key
    assert err.translation_placeholders == {"error": error}
    assert not hass.config_entries.flow.async_progress_by_handler(DOMAIN)


@pytest.mark.usefixtures("loaded_entry")
async def test_cannot_connect(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, flipbooks: FakeFlipsnack
) -> None:
    """Flipsnack out of reach fails the action, with the reason but no credentials."""
    await flipbooks.stop()

    err = await _failure(hass, freezer, flipbook=CATALOG)

    assert err.translation_key == "cannot_connect"
    assert err.translation_placeholders is not None
    assert err.translation_placeholders["error"].startswith(
        "Error while calling Flipsnack action collection.getList"
    )
    assert API_KEY not in err.translation_placeholders["error"]


@pytest.mark.parametrize(
    ("code", "retry_after"),
    [
        pytest.param(31, "1", id="per_second"),
        pytest.param(32, "60", id="per_minute"),
    ],
)
@pytest.mark.usefixtures("loaded_entry")
async def test_rate_limited_says_when_to_retry(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipbooks: FakeFlipsnack,
    code: int,
    retry_after: str,
) -> None:
    """Flipsnack's rate limit codes tell the user how long the pause lasts."""
    answer_with_code(code, "Limit exceeded")(flipbooks)

    err = await _failure(hass, freezer, flipbook=CATALOG)

    assert not isinstance(err, ServiceValidationError)
    assert err.translation_key == "rate_limited_retry"
    assert err.translation_placeholders == {"retry_after": retry_after}
    # Home Assistant drops the final full stop.
    assert str(err) == (
        "Flipsnack is limiting the calls made with this API key."
        f" Try again in {retry_after} seconds"
    )


async def test_action_gives_up_when_no_slot_comes_in_time(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipbooks: FakeFlipsnack,
    loaded_entry: MockConfigEntry,
) -> None:
    """Behind 40 other waiting requests the action gives up and frees its place.

    At 20 calls a minute the 41st request would start after two minutes.
    """
    scheduler = loaded_entry.runtime_data.scheduler
    ahead = [
        hass.loop.create_task(
            scheduler.async_call(
                scheduler.async_wait_for_slot, priority=Priority.INTERACTIVE
            )
        )
        for _ in range(2 * CALLS_PER_MINUTE)
    ]
    started = hass.loop.time()

    err = await _failure(hass, freezer, flipbook=CATALOG)

    assert not isinstance(err, ServiceValidationError)
    assert err.translation_key == "calls_queued"
    assert err.translation_placeholders == {"wait": "90", "retry_after": "60"}
    # Its slot would have come after two minutes; the test's clock jumps from one
    # slot of the scheduler to the next, so it sees the timeout a little late.
    assert SLOT_TIMEOUT <= hass.loop.time() - started < 120
    assert flipbooks.requests == []
    # The requests ahead get their slots; the action's place is not kept for it.
    await await_paced(hass, freezer, asyncio.gather(*ahead))
    assert scheduler.stats.waiting == 0
    assert scheduler.stats.calls == 2 * CALLS_PER_MINUTE + 1  # the setup's poll


@pytest.mark.usefixtures("loaded_entry")
async def test_action_waits_out_a_pause_of_flipsnack(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, flipbooks: FakeFlipsnack
) -> None:
    """After a rate-limit code the next action waits for the pause, then goes through."""
    flipbooks.envelope_override = {"code": 32, "status": "Requests per minute"}
    await _failure(hass, freezer, flipbook=CATALOG)
    flipbooks.envelope_override = None
    failed_at = hass.loop.time()

    response = await _get(hass, freezer, flipbook=CATALOG)

    assert response is not None
    assert hass.loop.time() - failed_at == pytest.approx(60, abs=0.1)
    assert _actions(flipbooks) == [LIST, LIST, STATS]


@pytest.mark.usefixtures("loaded_entry")
async def test_script_loop_over_many_flipbooks_is_paced(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, flipbooks: FakeFlipsnack
) -> None:
    """A script asking 30 flipbooks in a row stays within the scheduler's share.

    Flipsnack's own limits (5 a second, 60 a minute) are never reached, so no
    request is refused; the script just takes its time.
    """
    added = flipbooks.add_flipbooks(API_KEY, 30, status_cycle=("public",))
    started: list[float] = []

    def clock() -> float:
        started.append(hass.loop.time())
        return hass.loop.time()

    flipbooks.clock = clock
    reports = async_mock_service(hass, "notify", "report")
    assert await async_setup_component(
        hass,
        "script",
        {
            "script": {
                "report": {
                    "sequence": [
                        {
                            "repeat": {
                                "for_each": [flipbook.title for flipbook in added],
                                "sequence": [
                                    {
                                        "action": "flipsnack.get_statistics",
                                        "data": {
                                            "config_entry_id": ENTRY_ID,
                                            "flipbook": "{{ repeat.item }}",
                                            "start_date": "2026-01-01",
                                            "end_date": "2026-01-31",
                                        },
                                        "response_variable": "figures",
                                    },
                                    {
                                        "action": "notify.report",
                                        "data": {
                                            "message": "{{ figures.flipbook.title }}:"
                                            " {{ figures.views }}"
                                        },
                                    },
                                ],
                            }
                        }
                    ]
                }
            }
        },
    )

    await await_paced(
        hass, freezer, hass.services.async_call("script", "report", blocking=True)
    )

    assert [call.data["message"] for call in reports] == [
        f"Flipbook {number}: {2 * number}" for number in range(7, 37)
    ]
    assert _actions(flipbooks) == [LIST] + [STATS] * 30
    assert len(started) == 31
    assert most_in_any_window(started, 1.0) <= CALLS_PER_SECOND
    assert most_in_any_window(started, 60.0) <= CALLS_PER_MINUTE
    # Twenty calls a minute: the last one starts after the first minute.
    assert started[-1] - started[0] > 60


def test_texts_describe_the_action() -> None:
    """services.yaml, strings.json and icons.json describe the same fields."""
    services = yaml.safe_load(
        (INTEGRATION / "services.yaml").read_text(encoding="utf-8")
    )
    fields = {str(key) for key in GET_STATISTICS_SCHEMA.schema}
    assert set(services) == {SERVICE_GET_STATISTICS}
    assert set(services[SERVICE_GET_STATISTICS]["fields"]) == fields
    texts = STRINGS["services"][SERVICE_GET_STATISTICS]
    assert texts["name"]
    assert texts["description"]
    assert set(texts["fields"]) == fields
    for field in texts["fields"].values():
        assert set(field) == {"name", "description"}
    icons = json.loads((INTEGRATION / "icons.json").read_text(encoding="utf-8"))
    assert set(icons["services"]) == {SERVICE_GET_STATISTICS}


@pytest.mark.parametrize(
    ("key", "placeholders"),
    [
        ("unknown_flipbook", {"flipbook", "account"}),
        ("ambiguous_flipbook_title", {"flipbook", "count", "account"}),
        ("incomplete_date_range", {"date"}),
        ("end_before_start", {"start_date", "end_date"}),
        ("start_in_future", {"start_date", "today"}),
        ("rate_limited_retry", {"retry_after"}),
        ("calls_queued", {"wait", "retry_after"}),
    ],
)
def test_action_errors_have_texts(key: str, placeholders: set[str]) -> None:
    """Each error of the action has a text that uses exactly its placeholders."""
    message = STRINGS["exceptions"][key]["message"]
    assert set(re.findall(r"{(\w+)}", message)) == placeholders
