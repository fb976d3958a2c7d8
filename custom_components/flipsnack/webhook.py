"""Lead forms pushed by Flipsnack to a Home Assistant webhook.

Flipsnack POSTs each lead-form submission of a workspace to one HTTPS URL, which the user
pastes into Flipsnack (Workspace settings > Integrations > Webhooks); there is no API to set
it. So Home Assistant can only follow its own URL (Home Assistant Cloud or the external URL)
and tell the user, through a repair issue, when the URL they pasted no longer works. Only in
the developers' demo mode (api_endpoint.py), where the demo posts the leads rather than
Flipsnack, may the URL be Home Assistant's plain-HTTP local one.

Flipsnack disables the webhook after five failed deliveries, and any answer other than a quick
2xx is a failure. The handler therefore answers every post with 200 at once and acts only on
well-formed lead forms. The URL is the only secret (Flipsnack cannot authenticate), so it,
like the lead's fields, never goes into a log message or diagnostics.
"""

import asyncio
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
import hashlib
import logging
import math
from typing import Any, Final

from aiohttp.hdrs import METH_POST
from aiohttp.web import Request
from homeassistant.components import cloud, webhook
from homeassistant.const import CONF_WEBHOOK_ID, EVENT_CORE_CONFIG_UPDATE
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.json import json_bytes
from homeassistant.helpers.network import NoURLAvailableError
from homeassistant.util import dt as dt_util
from homeassistant.util.json import json_loads
from homeassistant.util.signal_type import SignalType
from yarl import URL

from .api_endpoint import async_demo_mode
from .const import DOMAIN, LOGGER
from .coordinator import FlipsnackConfigEntry

# Options and entry data keys.
CONF_LEAD_FORMS: Final = "lead_forms"
CONF_CLOUDHOOK_URL: Final = "cloudhook_url"
# The URL the user was last shown, so presumably the one pasted into Flipsnack.
CONF_WEBHOOK_URL: Final = "webhook_url"

EVENT_CONTACT_SUBMITTED: Final = "contact_submitted"
ATTR_FLIPBOOK_HASH: Final = "flipbook_hash"
ATTR_FLIPBOOK_TITLE: Final = "flipbook_title"
ATTR_SUBMITTED_AT: Final = "submitted_at"
ATTR_FIELDS: Final = "fields"

# Limits that keep one lead small in the state machine, the restore cache and traces.
MAX_BODY_BYTES: Final = 64 * 1024
MAX_FIELDS: Final = 50
MAX_NAME_LENGTH: Final = 100
MAX_VALUE_LENGTH: Final = 1000
MAX_TITLE_LENGTH: Final = 255
MAX_HASH_LENGTH: Final = 64

# Flipsnack retries a delivery it counts as failed (up to five times, with back-off); the
# same submission within this window fires one event.
DUPLICATE_WINDOW: Final = timedelta(minutes=10)
MAX_REMEMBERED: Final = 1000

# How long to wait before asking Home Assistant Cloud again for a cloudhook.
CLOUDHOOK_RETRY_DELAY: Final = 60

ISSUE_URL_CHANGED: Final = "lead_webhook_url_changed"
ISSUE_URL_UNAVAILABLE: Final = "lead_webhook_url_unavailable"
NETWORK_LINK: Final = "https://my.home-assistant.io/redirect/network/"
CLOUD_LINK: Final = "https://www.nabucasa.com/"


class UrlKind(StrEnum):
    """Where the webhook URL comes from."""

    CLOUDHOOK = "cloudhook"
    EXTERNAL = "external"
    LOCAL = "local"  # plain HTTP, in demo mode only
    NONE = "none"


class UrlProblem(StrEnum):
    """Why there is no webhook URL; each is a translation key."""

    NO_URL = "no_url"
    URL_NOT_HTTPS = "url_not_https"
    CLOUD_NOT_CONNECTED = "cloud_not_connected"
    CLOUDHOOK_FAILED = "cloudhook_failed"


# Problems that go away by themselves, soon: retried, with no repair issue.
_TRANSIENT_PROBLEMS = {UrlProblem.CLOUD_NOT_CONNECTED, UrlProblem.CLOUDHOOK_FAILED}


@dataclass(frozen=True, slots=True)
class WebhookUrl:
    """The URL Flipsnack can reach the webhook at, or why there is none."""

    kind: UrlKind
    url: str | None = None
    problem: UrlProblem | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Lead:
    """One lead-form submission, validated and trimmed to the limits."""

    flipbook_hash: str
    flipbook_title: str
    timestamp: float
    submitted_at: datetime
    fields: dict[str, str]

    def event_attributes(self) -> dict[str, Any]:
        """Return the attributes of the event entity for this lead."""
        return {
            ATTR_FLIPBOOK_TITLE: self.flipbook_title,
            ATTR_FLIPBOOK_HASH: self.flipbook_hash,
            ATTR_SUBMITTED_AT: self.submitted_at.isoformat(),
            ATTR_FIELDS: dict(self.fields),
        }

    def digest(self) -> str:
        """Return a digest that is the same for Flipsnack's retries of this submission."""
        key = [self.flipbook_hash, self.timestamp, sorted(self.fields.items())]
        return hashlib.sha256(json_bytes(key)).hexdigest()


class LeadIgnoredError(Exception):
    """A post that is not a lead form the integration can use."""

    def __init__(self, reason: str) -> None:
        """Keep the reason, one of the keys of _REASONS."""
        super().__init__(reason)
        self.reason = reason


# Why a post was ignored or changed: the log level and text, which never hold its content.
_REASONS: Final[dict[str, tuple[int, str]]] = {
    "too_large": (logging.WARNING, "the body is larger than 64 kB"),
    "invalid_json": (logging.WARNING, "the body is not JSON"),
    "not_object": (logging.WARNING, "the JSON is not an object"),
    "order": (
        logging.DEBUG,
        "it is an order; the integration only handles lead forms",
    ),
    "unknown_type": (logging.WARNING, "its type is not one Flipsnack documents"),
    "invalid_flipbook_hash": (
        logging.WARNING,
        "flipbook_hash is missing or not a short text",
    ),
    "invalid_flipbook_title": (
        logging.WARNING,
        "flipbook_title is missing or not a text",
    ),
    "invalid_timestamp": (logging.WARNING, "timestamp is missing or not a number"),
    "invalid_datetime": (logging.WARNING, "datetime is missing or not a text"),
    "invalid_data": (
        logging.WARNING,
        (
            "data is neither an object of field names and values nor a list of"
            " name and value pairs"
        ),
    ),
    "duplicate": (
        logging.DEBUG,
        "it repeats a lead received in the last 10 minutes",
    ),
    # The lead is kept in these cases; only the part the text names changes.
    "unparsed_datetime": (
        logging.WARNING,
        (
            "datetime is not a date and time Home Assistant understands; the time"
            " the lead was received is used"
        ),
    ),
    "too_many_fields": (
        logging.WARNING,
        f"it has more than {MAX_FIELDS} fields; the first {MAX_FIELDS} are kept",
    ),
    "long_text": (
        logging.DEBUG,
        (
            f"a field name longer than {MAX_NAME_LENGTH} characters or a value"
            f" longer than {MAX_VALUE_LENGTH} was shortened"
        ),
    ),
}


def lead_signal(entry_id: str) -> SignalType[Lead]:
    """Return the dispatcher signal that carries the leads of an entry."""
    return SignalType(f"{DOMAIN}_lead_{entry_id}")


def _shorten(text: str, limit: int, notes: set[str]) -> str:
    """Return text cut to limit characters, noting when it was cut."""
    if len(text) <= limit:
        return text
    notes.add("long_text")
    return f"{text[: limit - 1]}…"


def _field_text(value: Any) -> str:
    """Return a field value as text; lists (several choices) are joined with commas."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list) and not any(isinstance(v, list | dict) for v in value):
        return ", ".join(_field_text(item) for item in value)
    raise LeadIgnoredError("invalid_data")


def _field_pairs(data: Any) -> list[tuple[Any, Any]]:
    """Return the (name, value) pairs of data in either shape Flipsnack may send."""
    if isinstance(data, dict):
        return list(data.items())
    if not isinstance(data, list):
        raise LeadIgnoredError("invalid_data")
    pairs: list[tuple[Any, Any]] = []
    for item in data:
        if not isinstance(item, dict):
            raise LeadIgnoredError("invalid_data")
        # Lead forms are documented with a name and a value; orders use field_name and
        # field_value, which contact forms may share.
        name = item["name"] if "name" in item else item.get("field_name")
        value = item["value"] if "value" in item else item.get("field_value")
        pairs.append((name, value))
    return pairs


def _parse_fields(data: Any, notes: set[str]) -> dict[str, str]:
    """Return the lead's fields as a name -> text mapping within the limits."""
    pairs = _field_pairs(data)
    if len(pairs) > MAX_FIELDS:
        notes.add("too_many_fields")
        del pairs[MAX_FIELDS:]
    fields: dict[str, str] = {}
    for raw_name, raw_value in pairs:
        if not isinstance(raw_name, str) or not raw_name.strip():
            raise LeadIgnoredError("invalid_data")
        name = _shorten(raw_name.strip(), MAX_NAME_LENGTH, notes)
        value = _shorten(_field_text(raw_value), MAX_VALUE_LENGTH, notes)
        # Two fields may share a label; keep both.
        unique_name, number = name, 1
        while unique_name in fields:
            number += 1
            unique_name = f"{name} ({number})"
        fields[unique_name] = value
    return fields


def _parse_submitted_at(value: Any, notes: set[str]) -> datetime:
    """Return Flipsnack's datetime (UTC) as an aware datetime.

    Flipsnack does not document the format. A lead matters more than its exact time, so a
    text Home Assistant cannot read is replaced by the time the lead arrived, which is
    seconds after the submission.
    """
    if not isinstance(value, str):
        raise LeadIgnoredError("invalid_datetime")
    try:
        parsed = dt_util.parse_datetime(value.strip())
    except ValueError:
        parsed = None
    if parsed is None:
        notes.add("unparsed_datetime")
        return dt_util.utcnow()
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt_util.UTC)
    return dt_util.as_utc(parsed)


def parse_lead(payload: Any) -> tuple[Lead, set[str]]:
    """Return the lead in a parsed webhook body, and notes on what was changed in it.

    Raises:
        LeadIgnoredError: the body is not a lead form the integration can use.
    """
    if not isinstance(payload, dict):
        raise LeadIgnoredError("not_object")
    if (kind := payload.get("type")) != "contact":
        # The same URL receives the workspace's orders, and maybe other types later.
        raise LeadIgnoredError("order" if kind == "orders" else "unknown_type")
    flipbook_hash = payload.get("flipbook_hash")
    if (
        not isinstance(flipbook_hash, str)
        or not flipbook_hash.strip()
        or len(flipbook_hash) > MAX_HASH_LENGTH
    ):
        raise LeadIgnoredError("invalid_flipbook_hash")
    title = payload.get("flipbook_title")
    if not isinstance(title, str):
        raise LeadIgnoredError("invalid_flipbook_title")
    timestamp = payload.get("timestamp")
    if (
        isinstance(timestamp, bool)
        or not isinstance(timestamp, int | float)
        or not math.isfinite(timestamp)
    ):
        raise LeadIgnoredError("invalid_timestamp")
    notes: set[str] = set()
    submitted_at = _parse_submitted_at(payload.get("datetime"), notes)
    fields = _parse_fields(payload.get("data"), notes)
    lead = Lead(
        flipbook_hash=flipbook_hash.strip(),
        flipbook_title=_shorten(title.strip(), MAX_TITLE_LENGTH, notes),
        timestamp=timestamp,
        submitted_at=submitted_at,
        fields=fields,
    )
    return lead, notes


async def _async_read_payload(request: Request) -> Any:
    """Return the parsed JSON body, read no further than MAX_BODY_BYTES."""
    body = bytearray()
    # Once: a request relayed by Home Assistant Cloud makes a new reader at each access.
    stream = request.content
    while chunk := await stream.read(MAX_BODY_BYTES + 1 - len(body)):
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise LeadIgnoredError("too_large")
    try:
        return json_loads(body)
    except ValueError as err:
        raise LeadIgnoredError("invalid_json") from err


@callback
def async_ensure_webhook_id(hass: HomeAssistant, entry: FlipsnackConfigEntry) -> str:
    """Return the entry's webhook id, made the first time lead forms are turned on.

    The id is part of the URL pasted into Flipsnack, so it never changes afterwards.
    """
    if (webhook_id := entry.data.get(CONF_WEBHOOK_ID)) is None:
        webhook_id = webhook.async_generate_id()
        hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_WEBHOOK_ID: webhook_id}
        )
    return str(webhook_id)


async def async_get_webhook_url(
    hass: HomeAssistant, entry: FlipsnackConfigEntry
) -> WebhookUrl:
    """Return the URL Flipsnack can reach the entry's webhook at.

    A Home Assistant Cloud subscription gives a cloudhook (made once and kept in the entry);
    otherwise it is the external URL, which Flipsnack accepts only with HTTPS. In demo mode,
    without either, it is the local URL, which the demo's send-lead command can reach.
    """
    webhook_id = entry.data[CONF_WEBHOOK_ID]
    if cloud.async_active_subscription(hass):
        if (url := entry.data.get(CONF_CLOUDHOOK_URL)) is None:
            if not cloud.async_is_connected(hass):
                return WebhookUrl(UrlKind.NONE, problem=UrlProblem.CLOUD_NOT_CONNECTED)
            try:
                url = await cloud.async_get_or_create_cloudhook(hass, webhook_id)
            except Exception:  # noqa: BLE001 - the cloud client raises errors of its own
                LOGGER.debug("Home Assistant Cloud did not create the cloudhook")
                return WebhookUrl(UrlKind.NONE, problem=UrlProblem.CLOUDHOOK_FAILED)
            hass.config_entries.async_update_entry(
                entry, data={**entry.data, CONF_CLOUDHOOK_URL: url}
            )
        return WebhookUrl(UrlKind.CLOUDHOOK, str(url))
    try:
        url = webhook.async_generate_url(
            hass, webhook_id, allow_internal=False, prefer_external=True
        )
    except NoURLAvailableError:
        problem = UrlProblem.NO_URL
    else:
        if URL(url).scheme == "https":
            return WebhookUrl(UrlKind.EXTERNAL, url)
        problem = UrlProblem.URL_NOT_HTTPS
    if async_demo_mode(hass) and (local_url := _local_url(hass, webhook_id)):
        return WebhookUrl(UrlKind.LOCAL, local_url)
    return WebhookUrl(UrlKind.NONE, problem=problem)


def _local_url(hass: HomeAssistant, webhook_id: str) -> str | None:
    """Return the webhook's URL on this machine or its network, HTTPS or not.

    The internal URL of the network settings, else the detected IP address; on a machine
    without a network that is a loopback address, which get_url refuses but the demo,
    posting from the same machine, can use.
    """
    try:
        return webhook.async_generate_url(
            hass, webhook_id, allow_external=False, allow_ip=True
        )
    except NoURLAvailableError:
        if hass.config.api is None:
            return None  # the HTTP server is not set up
        return (
            f"http://127.0.0.1:{hass.config.api.port}"
            f"{webhook.async_generate_path(webhook_id)}"
        )


def _issue_id(issue: str, entry_id: str) -> str:
    return f"{issue}_{entry_id}"


@callback
def async_acknowledge_url(
    hass: HomeAssistant, entry: FlipsnackConfigEntry, url: str
) -> None:
    """Record that the user was shown url to paste into Flipsnack."""
    if entry.data.get(CONF_WEBHOOK_URL) != url:
        hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_WEBHOOK_URL: url}
        )
    ir.async_delete_issue(hass, DOMAIN, _issue_id(ISSUE_URL_CHANGED, entry.entry_id))


@callback
def async_setup_lead_webhook(
    hass: HomeAssistant, entry: FlipsnackConfigEntry
) -> LeadWebhook | None:
    """Start receiving lead forms if the user turned them on in the options."""
    if not entry.options.get(CONF_LEAD_FORMS) or CONF_WEBHOOK_ID not in entry.data:
        return None
    lead_webhook = LeadWebhook(hass, entry)
    lead_webhook.async_start()
    return lead_webhook


async def async_remove_lead_webhook(
    hass: HomeAssistant, entry: FlipsnackConfigEntry
) -> None:
    """Delete what lead forms keep outside a removed entry: its cloudhook and issues."""
    for issue in (ISSUE_URL_CHANGED, ISSUE_URL_UNAVAILABLE):
        ir.async_delete_issue(hass, DOMAIN, _issue_id(issue, entry.entry_id))
    if CONF_CLOUDHOOK_URL not in entry.data:
        return
    try:
        await cloud.async_delete_cloudhook(hass, entry.data[CONF_WEBHOOK_ID])
    except cloud.CloudNotAvailable, ValueError:
        # Cloud is not loaded, or the user already deleted the cloudhook there.
        LOGGER.debug("The cloudhook of the removed entry was already gone")


class LeadWebhook:
    """Receives an entry's lead forms and keeps its webhook URL reachable."""

    def __init__(self, hass: HomeAssistant, entry: FlipsnackConfigEntry) -> None:
        """Prepare the webhook of entry; async_start registers it."""
        self.hass = hass
        self.entry = entry
        self.webhook_id: str = entry.data[CONF_WEBHOOK_ID]
        # None until the URL was first worked out.
        self.url: WebhookUrl | None = None
        self.leads_received = 0
        self.posts_ignored: Counter[str] = Counter()
        self.last_received: datetime | None = None
        self._signal = lead_signal(entry.entry_id)
        self._recent: dict[str, datetime] = {}
        self._logged: set[str] = set()
        self._active = False
        self._lock = asyncio.Lock()
        self._cancel_retry: CALLBACK_TYPE | None = None

    @property
    def diagnostics(self) -> dict[str, Any]:
        """Return how the webhook fares, without its URL and without any lead."""
        url = self.url
        return {
            "url_kind": url.kind if url else None,
            "url_problem": url.problem if url else None,
            "url_acknowledged": bool(
                url and url.url and url.url == self.entry.data.get(CONF_WEBHOOK_URL)
            ),
            "leads_received": self.leads_received,
            "posts_ignored": self.posts_ignored.total(),
            "posts_ignored_by_reason": dict(sorted(self.posts_ignored.items())),
            "last_received": (
                self.last_received.isoformat() if self.last_received else None
            ),
        }

    @callback
    def async_start(self) -> None:
        """Register the webhook and follow whatever changes its URL."""
        self._active = True
        # Flipsnack posts from the internet, and only ever POSTs.
        webhook.async_register(
            self.hass,
            DOMAIN,
            self.entry.title,
            self.webhook_id,
            self._async_handle_webhook,
            local_only=False,
            allowed_methods=[METH_POST],
        )
        self.entry.async_on_unload(self._async_stop)
        self.entry.async_on_unload(
            cloud.async_listen_connection_change(
                self.hass, self._async_cloud_connection_changed
            )
        )
        self.entry.async_on_unload(
            cloud.async_listen_cloudhook_change(
                self.hass, self.webhook_id, self._async_cloudhook_changed
            )
        )
        self.entry.async_on_unload(
            self.hass.bus.async_listen(
                EVENT_CORE_CONFIG_UPDATE, self._async_core_config_updated
            )
        )
        self._async_schedule_url_update()

    @callback
    def _async_stop(self) -> None:
        """Unregister the webhook; its issues mean nothing while the entry is unloaded."""
        self._active = False
        if self._cancel_retry is not None:
            self._cancel_retry()
            self._cancel_retry = None
        webhook.async_unregister(self.hass, self.webhook_id)
        for issue in (ISSUE_URL_CHANGED, ISSUE_URL_UNAVAILABLE):
            ir.async_delete_issue(self.hass, DOMAIN, self._issue_id(issue))

    @property
    def _title(self) -> str:
        return self.entry.title

    def _issue_id(self, issue: str) -> str:
        return _issue_id(issue, self.entry.entry_id)

    @callback
    def _async_schedule_url_update(self) -> None:
        self.entry.async_create_task(
            self.hass, self.async_update_url(), "update the Flipsnack lead webhook URL"
        )

    async def async_update_url(self) -> None:
        """Work out the URL again and tell the user if they must paste a new one."""
        async with self._lock:
            if not self._active:
                return
            self._async_use_url(await async_get_webhook_url(self.hass, self.entry))

    @callback
    def _async_use_url(self, url: WebhookUrl) -> None:
        """Take url as the current one, unless it has to wait for Home Assistant Cloud."""
        # Asking Home Assistant Cloud takes a while; the entry may be unloaded by now.
        if not self._active:
            return
        if url.problem in _TRANSIENT_PROBLEMS:
            self._async_wait_for_cloud(url.problem)
            return
        if self.url is not None and self.url.problem and not url.problem:
            LOGGER.info("The lead form webhook of %s has a URL again", self._title)
        self._logged.discard("cloudhook")
        self.url = url
        self._async_update_issues()

    @callback
    def _async_wait_for_cloud(self, problem: UrlProblem | None) -> None:
        """Keep the current URL until Home Assistant Cloud can give the cloudhook."""
        self._log_once(
            "cloudhook",
            logging.INFO,
            "Home Assistant Cloud could not give the lead form webhook of %s a URL yet;"
            " trying again",
        )
        # A connection to the cloud brings a signal of its own; a failed request does not.
        if problem is UrlProblem.CLOUDHOOK_FAILED and self._cancel_retry is None:
            self._cancel_retry = async_call_later(
                self.hass, CLOUDHOOK_RETRY_DELAY, self._async_retry
            )

    async def _async_retry(self, _now: datetime) -> None:
        self._cancel_retry = None
        await self.async_update_url()

    @callback
    def _async_update_issues(self) -> None:
        """Raise or clear the repair issues for the current URL."""
        assert self.url is not None  # noqa: S101 - set by the only caller
        url, acknowledged = self.url.url, self.entry.data.get(CONF_WEBHOOK_URL)
        changed_id = self._issue_id(ISSUE_URL_CHANGED)
        unavailable_id = self._issue_id(ISSUE_URL_UNAVAILABLE)
        if url is None:
            self._log_once(
                "no_url",
                logging.WARNING,
                "Flipsnack can no longer reach the lead form webhook of %s: Home"
                " Assistant has no HTTPS URL on the internet. See Settings > Repairs",
            )
            ir.async_delete_issue(self.hass, DOMAIN, changed_id)
            ir.async_create_issue(
                self.hass,
                DOMAIN,
                unavailable_id,
                is_fixable=False,
                severity=ir.IssueSeverity.WARNING,
                translation_key=f"{ISSUE_URL_UNAVAILABLE}_{self.url.problem}",
                translation_placeholders={
                    "title": self._title,
                    "network_link": NETWORK_LINK,
                    "cloud_link": CLOUD_LINK,
                },
            )
            return
        self._logged.discard("no_url")
        ir.async_delete_issue(self.hass, DOMAIN, unavailable_id)
        if url == acknowledged:
            ir.async_delete_issue(self.hass, DOMAIN, changed_id)
            return
        if issue := ir.async_get(self.hass).async_get_issue(DOMAIN, changed_id):
            if (issue.translation_placeholders or {}).get("webhook_url") == url:
                return
            # Another new URL: show it even if the user ignored the previous one.
            ir.async_delete_issue(self.hass, DOMAIN, changed_id)
        LOGGER.warning(
            "The URL of the lead form webhook of %s changed; paste the new one into"
            " Flipsnack. See Settings > Repairs",
            self._title,
        )
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            changed_id,
            data={"entry_id": self.entry.entry_id},
            is_fixable=True,
            severity=ir.IssueSeverity.WARNING,
            translation_key=ISSUE_URL_CHANGED,
            translation_placeholders={"title": self._title, "webhook_url": url},
        )

    @callback
    def _async_cloud_connection_changed(
        self, state: cloud.CloudConnectionState
    ) -> None:
        if (
            state is cloud.CloudConnectionState.CLOUD_DISCONNECTED
            and cloud.async_active_subscription(self.hass)
        ):
            # A dropped connection comes back; the cloudhook URL stays the same.
            return
        self._async_schedule_url_update()

    @callback
    def _async_cloudhook_changed(self, cloudhook: dict[str, Any] | None) -> None:
        url = cloudhook.get("cloudhook_url") if cloudhook else None
        if url == self.entry.data.get(CONF_CLOUDHOOK_URL):
            return
        data = dict(self.entry.data)
        if url is None:
            data.pop(CONF_CLOUDHOOK_URL, None)
        else:
            data[CONF_CLOUDHOOK_URL] = url
        self.hass.config_entries.async_update_entry(self.entry, data=data)
        self._async_schedule_url_update()

    @callback
    def _async_core_config_updated(self, event: Event[dict[str, Any]]) -> None:
        if "external_url" in event.data:
            self._async_schedule_url_update()

    def _log_once(self, kind: str, level: int, message: str) -> None:
        """Log message (with the entry title as its argument) the first time of a kind.

        Later ones go to the debug log, so a flood of bad posts cannot flood the log.
        """
        if kind in self._logged:
            level = logging.DEBUG
        self._logged.add(kind)
        LOGGER.log(level, message, self._title)

    async def _async_handle_webhook(
        self, hass: HomeAssistant, webhook_id: str, request: Request
    ) -> None:
        """Take one post from Flipsnack; Home Assistant answers it with 200."""
        self.last_received = dt_util.utcnow()
        try:
            lead, notes = parse_lead(await _async_read_payload(request))
        except LeadIgnoredError as err:
            self._async_ignore(err.reason)
            return
        for note in sorted(notes):
            self._async_log_reason(note, "Changed a lead form posted to")
        if self._async_is_retry(lead):
            self._async_ignore("duplicate")
            return
        self.leads_received += 1
        async_dispatcher_send(hass, self._signal, lead)

    @callback
    def _async_ignore(self, reason: str) -> None:
        self.posts_ignored[reason] += 1
        self._async_log_reason(reason, "Ignored a post to")

    @callback
    def _async_log_reason(self, reason: str, action: str) -> None:
        level, text = _REASONS[reason]
        self._log_once(reason, level, f"{action} the lead form webhook of %s: {text}")

    @callback
    def _async_is_retry(self, lead: Lead) -> bool:
        """Return whether lead repeats one received within DUPLICATE_WINDOW."""
        now = dt_util.utcnow()
        # Oldest first, so the loop stops at the first one still within the window.
        for key, received in list(self._recent.items()):
            if now - received < DUPLICATE_WINDOW:
                break
            del self._recent[key]
        digest = lead.digest()
        if digest in self._recent:
            return True
        self._recent[digest] = now
        # A flood of distinct posts must not grow the memory without bound.
        while len(self._recent) > MAX_REMEMBERED:
            del self._recent[next(iter(self._recent))]
        return False
