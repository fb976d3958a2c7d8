"""The URL Flipsnack posts to, and the repair issues that tell the user when it changed.

Flipsnack posts to one HTTPS URL, which the user pastes into Flipsnack (Workspace settings >
Integrations > Webhooks); there is no API to set it. So Home Assistant can only follow its
own URL (Home Assistant Cloud or the external URL) and tell the user, through a repair
issue, when the URL they pasted no longer works. Only in the developers' demo mode
(environment.py), where the demo posts the leads and orders rather than Flipsnack, may the
URL be Home Assistant's plain-HTTP local one. The URL is a secret (Flipsnack cannot
authenticate its posts), so it never goes into a log message or diagnostics.
"""

import asyncio
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
import logging
from typing import Any, Final

from homeassistant.components import cloud, webhook
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_WEBHOOK_ID, EVENT_CORE_CONFIG_UPDATE
from homeassistant.core import CALLBACK_TYPE, Event, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.network import NoURLAvailableError
from yarl import URL

from .const import CONF_CLOUDHOOK_URL, CONF_WEBHOOK_URL, DOMAIN, LOGGER
from .environment import async_demo_mode

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
TRANSIENT_PROBLEMS: Final = frozenset(
    {UrlProblem.CLOUD_NOT_CONNECTED, UrlProblem.CLOUDHOOK_FAILED}
)


@dataclass(frozen=True, slots=True)
class WebhookUrl:
    """The URL Flipsnack can reach the webhook at, or why there is none."""

    kind: UrlKind
    url: str | None = None
    problem: UrlProblem | None = None


@callback
def async_ensure_webhook_id(hass: HomeAssistant, entry: ConfigEntry) -> str:
    """Return the entry's webhook id, made the first time lead forms or orders are on.

    The id is part of the URL pasted into Flipsnack, so it never changes afterwards.
    """
    if (webhook_id := entry.data.get(CONF_WEBHOOK_ID)) is None:
        webhook_id = webhook.async_generate_id()
        hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_WEBHOOK_ID: webhook_id}
        )
    return str(webhook_id)


async def async_get_webhook_url(hass: HomeAssistant, entry: ConfigEntry) -> WebhookUrl:
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
def _async_delete_issues(hass: HomeAssistant, entry: ConfigEntry) -> None:
    for issue in (ISSUE_URL_CHANGED, ISSUE_URL_UNAVAILABLE):
        ir.async_delete_issue(hass, DOMAIN, _issue_id(issue, entry.entry_id))


@callback
def async_acknowledge_url(hass: HomeAssistant, entry: ConfigEntry, url: str) -> None:
    """Record that the user was shown url to paste into Flipsnack."""
    if entry.data.get(CONF_WEBHOOK_URL) != url:
        hass.config_entries.async_update_entry(
            entry, data={**entry.data, CONF_WEBHOOK_URL: url}
        )
    ir.async_delete_issue(hass, DOMAIN, _issue_id(ISSUE_URL_CHANGED, entry.entry_id))


async def async_remove_webhook_url(hass: HomeAssistant, entry: ConfigEntry) -> None:
    """Delete what the URL of a removed entry kept: its cloudhook and repair issues."""
    _async_delete_issues(hass, entry)
    if CONF_CLOUDHOOK_URL not in entry.data:
        return
    try:
        await cloud.async_delete_cloudhook(hass, entry.data[CONF_WEBHOOK_ID])
    except cloud.CloudNotAvailable, ValueError:
        # Cloud is not loaded, or the user already deleted the cloudhook there.
        LOGGER.debug("The cloudhook of the removed entry was already gone")


class WebhookUrlWatcher:
    """Keeps the entry's webhook URL current, and tells the user when it changed."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        """Prepare to watch the URL of entry's webhook; async_start starts."""
        self.hass = hass
        self.entry = entry
        self.webhook_id: str = entry.data[CONF_WEBHOOK_ID]
        # None until the URL was first worked out.
        self.url: WebhookUrl | None = None
        self._logged: set[str] = set()
        self._active = False
        self._lock = asyncio.Lock()
        self._cancel_retry: CALLBACK_TYPE | None = None

    @property
    def diagnostics(self) -> dict[str, Any]:
        """Return where the URL comes from and whether it was shown, without the URL."""
        url = self.url
        return {
            "url_kind": url.kind if url else None,
            "url_problem": url.problem if url else None,
            "url_acknowledged": bool(
                url and url.url and url.url == self.entry.data.get(CONF_WEBHOOK_URL)
            ),
        }

    @callback
    def async_start(self) -> None:
        """Work out the URL, and again whenever something changes it, until unload."""
        self._active = True
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
        """Stop; the issues mean nothing while the entry is unloaded."""
        self._active = False
        if self._cancel_retry is not None:
            self._cancel_retry()
            self._cancel_retry = None
        _async_delete_issues(self.hass, self.entry)

    @property
    def _title(self) -> str:
        return self.entry.title

    def _issue_id(self, issue: str) -> str:
        return _issue_id(issue, self.entry.entry_id)

    @callback
    def _async_schedule_url_update(self) -> None:
        self.entry.async_create_task(
            self.hass, self.async_update_url(), "update the Flipsnack webhook URL"
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
        if url.problem in TRANSIENT_PROBLEMS:
            self._async_wait_for_cloud(url.problem)
            return
        if self.url is not None and self.url.problem and not url.problem:
            LOGGER.info("The Flipsnack webhook of %s has a URL again", self._title)
        self._logged.discard("cloudhook")
        self.url = url
        self._async_update_issues()

    @callback
    def _async_wait_for_cloud(self, problem: UrlProblem | None) -> None:
        """Keep the current URL until Home Assistant Cloud can give the cloudhook."""
        self._log_once(
            "cloudhook",
            logging.INFO,
            "Home Assistant Cloud could not give the Flipsnack webhook of %s a URL yet;"
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
                "The Flipsnack webhook of %s can no longer be reached: Home Assistant"
                " has no HTTPS URL on the internet. See Settings > Repairs",
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
            "The URL of the Flipsnack webhook of %s changed; paste the new one into"
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
        """Log message (with the entry title as its argument) the first time of a kind."""
        if kind in self._logged:
            level = logging.DEBUG
        self._logged.add(kind)
        LOGGER.log(level, message, self._title)
