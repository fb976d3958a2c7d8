"""The flipsnack.get_statistics action: a flipbook's figures for a date range, or all time."""

from collections.abc import Awaitable, Callable, Iterable
from datetime import date
from functools import partial
import math
from typing import Final

from homeassistant.core import (
    DOMAIN as HOMEASSISTANT_DOMAIN,
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import config_validation as cv, selector, service
from homeassistant.util import dt as dt_util
from homeassistant.util.json import JsonObjectType, JsonValueType
import probatio as vol

from .action_cache import StatisticsQuery
from .api import (
    CollectionStats,
    Flipbook,
    FlipsnackAuthenticationError,
    FlipsnackError,
)
from .const import DOMAIN, Tracking
from .errors import action_error, unknown_flipbook_error
from .runtime_data import FlipsnackConfigEntry
from .scheduler import Priority, SchedulerClosedError

SERVICE_GET_STATISTICS: Final = "get_statistics"

ATTR_CONFIG_ENTRY_ID: Final = "config_entry_id"
ATTR_FLIPBOOK: Final = "flipbook"
ATTR_START_DATE: Final = "start_date"
ATTR_END_DATE: Final = "end_date"
ATTR_INCLUDE_PAGES: Final = "include_pages"

# Someone, or a script's next step, waits for the answer: a request that cannot start
# within this many seconds is answered with "rate limited" instead. The per-minute window
# alone can hold the first request in line for up to a minute (a loop over more than 20
# flipbooks meets that every 20 calls), so less than that would fail such loops.
SLOT_TIMEOUT: Final = 90
# Without a pause to wait out, the per-minute window has room again within a minute.
QUEUE_RETRY_AFTER: Final = 60

GET_STATISTICS_SCHEMA: Final = vol.Schema(
    {
        vol.Required(ATTR_CONFIG_ENTRY_ID): selector.ConfigEntrySelector(
            selector.ConfigEntrySelectorConfig(integration=DOMAIN)
        ),
        vol.Required(ATTR_FLIPBOOK): vol.All(cv.string, vol.Strip, vol.Length(min=1)),
        vol.Optional(ATTR_START_DATE): cv.date,
        vol.Optional(ATTR_END_DATE): cv.date,
        vol.Optional(ATTR_INCLUDE_PAGES, default=False): cv.boolean,
    }
)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the integration's actions, for every entry at once."""
    hass.services.async_register(
        DOMAIN,
        SERVICE_GET_STATISTICS,
        _async_get_statistics,
        schema=GET_STATISTICS_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )


async def _async_get_statistics(call: ServiceCall) -> ServiceResponse:
    """Answer a flipbook's figures, from the cache when the same question is recent."""
    entry: FlipsnackConfigEntry = service.async_get_config_entry(
        call.hass, DOMAIN, call.data[ATTR_CONFIG_ENTRY_ID]
    )
    start, end = _date_range(
        call.data.get(ATTR_START_DATE), call.data.get(ATTR_END_DATE)
    )
    include_pages: bool = call.data[ATTR_INCLUDE_PAGES]
    wanted: str = call.data[ATTR_FLIPBOOK]

    flipbook = await _async_find_flipbook(call.hass, entry, wanted)
    query = StatisticsQuery(
        flipbook_hash=flipbook.hash, start=start, end=end, include_pages=include_pages
    )
    data = entry.runtime_data
    stats = data.action_cache.statistics(query)
    if stats is None:
        stats = await _async_call(
            call.hass,
            entry,
            wanted,
            partial(
                data.client.collection_stats,
                flipbook.hash,
                start=start,
                end=end,
                include_pages=include_pages,
            ),
        )
        data.action_cache.store_statistics(query, stats)
    return _response(flipbook, start, end, stats)


def _date_range(
    start: date | None, end: date | None
) -> tuple[date | None, date | None]:
    """Check the dates asked for: both or neither, in order, not starting in the future."""
    if start is None and end is None:
        return None, None
    if start is None or end is None:
        given = start or end
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="incomplete_date_range",
            translation_placeholders={"date": str(given)},
        )
    if end < start:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="end_before_start",
            translation_placeholders={
                "start_date": start.isoformat(),
                "end_date": end.isoformat(),
            },
        )
    # The day as the user sees it: Flipsnack does not say which time zone it counts in.
    today = dt_util.now().date()
    if start > today:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="start_in_future",
            translation_placeholders={
                "start_date": start.isoformat(),
                "today": today.isoformat(),
            },
        )
    return start, end


async def _async_find_flipbook(
    hass: HomeAssistant, entry: FlipsnackConfigEntry, wanted: str
) -> Flipbook:
    """Return the flipbook of the account with this hash, or this published title.

    The tracked flipbooks answer without a call; otherwise the account's listing does.
    """
    tracked = entry.runtime_data.flipbooks
    if tracked is not None:
        known = tracked.data.flipbooks
        if (flipbook := known.get(wanted)) is not None:
            return flipbook
        # Only when every published flipbook is tracked can a title be told unique here.
        if tracked.tracking is Tracking.ALL and (
            titled := _titled(known.values(), wanted)
        ):
            return _only(titled, wanted, entry)

    listing = await _async_listing(hass, entry, wanted)
    for flipbook in listing:
        if flipbook.hash == wanted:
            return flipbook
    titled = _titled(listing, wanted)
    if not titled:
        raise unknown_flipbook_error(wanted, entry.title)
    return _only(titled, wanted, entry)


def _titled(flipbooks: Iterable[Flipbook], title: str) -> list[Flipbook]:
    """Return the published flipbooks with this title.

    Editable flipbooks are left out: an edited copy often has the title of the published
    flipbook, and its hash changes when it is published.
    """
    return [
        flipbook
        for flipbook in flipbooks
        if flipbook.published
        and flipbook.title is not None
        and flipbook.title.strip() == title
    ]


def _only(titled: list[Flipbook], title: str, entry: FlipsnackConfigEntry) -> Flipbook:
    """Return the one flipbook with a title, unless the title is ambiguous."""
    if len(titled) > 1:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="ambiguous_flipbook_title",
            translation_placeholders={
                "flipbook": title,
                "count": str(len(titled)),
                "account": entry.title,
            },
        )
    return titled[0]


async def _async_listing(
    hass: HomeAssistant, entry: FlipsnackConfigEntry, wanted: str
) -> list[Flipbook]:
    """Return all the account's flipbooks, listed at most once in a few minutes."""
    data = entry.runtime_data
    listing = data.action_cache.listing()
    if listing is None:
        listing = await _async_call(hass, entry, wanted, data.client.collections)
        data.action_cache.store_listing(listing)
    return listing


async def _async_call[T](
    hass: HomeAssistant,
    entry: FlipsnackConfigEntry,
    wanted: str,
    call: Callable[[], Awaitable[T]],
) -> T:
    """Make a call ahead of polling, and raise what the user should read if it fails."""
    scheduler = entry.runtime_data.scheduler
    try:
        return await scheduler.async_call(
            call, priority=Priority.INTERACTIVE, slot_timeout=SLOT_TIMEOUT
        )
    except TimeoutError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="calls_queued",
            translation_placeholders={
                "wait": str(SLOT_TIMEOUT),
                "retry_after": str(
                    math.ceil(scheduler.stats.paused_for) or QUEUE_RETRY_AFTER
                ),
            },
        ) from err
    except SchedulerClosedError as err:
        raise ServiceValidationError(
            translation_domain=HOMEASSISTANT_DOMAIN,
            translation_key="service_config_entry_not_loaded",
            translation_placeholders={"domain": DOMAIN, "entry_title": entry.title},
        ) from err
    except FlipsnackError as err:
        if isinstance(err, FlipsnackAuthenticationError):
            entry.async_start_reauth(hass)
        raise action_error(
            err,
            flipbook=wanted,
            account=entry.title,
            paused_for=scheduler.stats.paused_for,
        ) from err


def _response(
    flipbook: Flipbook, start: date | None, end: date | None, stats: CollectionStats
) -> JsonObjectType:
    """Return the answer as plain data, for templates and response variables."""
    response: JsonObjectType = {
        "flipbook": {
            "hash": flipbook.hash,
            "title": flipbook.title,
            "status": None if flipbook.status is None else str(flipbook.status),
        },
        "start_date": None if start is None else start.isoformat(),
        "end_date": None if end is None else end.isoformat(),
        **stats.as_dict(),
    }
    if stats.pages is not None:
        pages: list[JsonValueType] = [
            {
                "page": page.page,
                "views": page.views,
                "clicks": page.clicks,
                "time_spent": page.time_spent,
            }
            for page in stats.pages
        ]
        response["pages"] = pages
    return response
