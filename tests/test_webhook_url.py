"""Tests for the URL of the Flipsnack webhook: which one, following it, repair issues."""

import asyncio
from datetime import timedelta
import logging
from typing import Any
from unittest.mock import AsyncMock, patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components import cloud
from homeassistant.const import CONF_API_KEY, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    async_mock_cloud_connection_status,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.flipsnack.const import (
    CONF_API_SECRET,
    CONF_CLOUDHOOK_URL,
    CONF_WEBHOOK_URL,
    DOMAIN,
)
from custom_components.flipsnack.webhook_url import (
    CLOUDHOOK_RETRY_DELAY,
    UrlKind,
    UrlProblem,
    WebhookUrl,
    WebhookUrlWatcher,
)

from . import setup_integration
from .const import (
    API_KEY,
    API_SECRET,
    CLOUDHOOK_URL,
    EXTERNAL_URL,
    WEBHOOK_ID,
    WEBHOOK_URL,
)

ENTRY_ID = "01JFLIPSNACKTESTENTRY00000"
CHANGED = f"lead_webhook_url_changed_{ENTRY_ID}"
UNAVAILABLE = f"lead_webhook_url_unavailable_{ENTRY_ID}"
NEW_EXTERNAL_URL = "https://new.example.com"
NEW_WEBHOOK_URL = f"{NEW_EXTERNAL_URL}/api/webhook/{WEBHOOK_ID}"
NEW_CLOUDHOOK_URL = "https://hooks.nabu.casa/new-cloudhook"


def _url_watcher(entry: MockConfigEntry) -> WebhookUrlWatcher:
    lead_webhook = entry.runtime_data.lead_webhook
    assert lead_webhook is not None
    return lead_webhook.url_watcher


def _issue(issue_registry: ir.IssueRegistry, issue_id: str) -> ir.IssueEntry:
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    return issue


def _changed_issue(issue_registry: ir.IssueRegistry, new_url: str) -> ir.IssueEntry:
    """Return the fixable issue that shows the webhook's new URL, after checking it."""
    issue = _issue(issue_registry, CHANGED)
    assert issue.is_fixable
    assert issue.translation_key == "lead_webhook_url_changed"
    assert issue.translation_placeholders == {
        "title": "Flipsnack …7832",
        "webhook_url": new_url,
    }
    return issue


def _our_messages(caplog: pytest.LogCaptureFixture, level: int = logging.INFO) -> str:
    """Return what the integration logged at level or above."""
    return "\n".join(
        record.getMessage()
        for record in caplog.records
        if record.name.startswith("custom_components.flipsnack")
        and record.levelno >= level
    )


def _our_issues(issue_registry: ir.IssueRegistry) -> set[str]:
    return {issue_id for domain, issue_id in issue_registry.issues if domain == DOMAIN}


def _update_data(
    hass: HomeAssistant, entry: MockConfigEntry, changes: dict[str, Any]
) -> None:
    """Change the data of entry, adding it to Home Assistant first if needed."""
    if hass.config_entries.async_get_entry(entry.entry_id) is None:
        entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(entry, data={**entry.data, **changes})


async def _set_external_url(hass: HomeAssistant, url: str | None) -> None:
    """Change the external URL as the network settings do."""
    await hass.config.async_update(external_url=url)
    await hass.async_block_till_done()


async def test_external_https_url_is_used(
    issue_registry: ir.IssueRegistry, init_lead_forms: MockConfigEntry
) -> None:
    """Without Home Assistant Cloud, the URL is the external URL; nothing to repair."""
    assert _url_watcher(init_lead_forms).url == WebhookUrl(
        UrlKind.EXTERNAL, WEBHOOK_URL
    )
    assert _our_issues(issue_registry) == set()


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        pytest.param(None, UrlProblem.NO_URL, id="no_external_url"),
        pytest.param("http://ha.example.com:8123", UrlProblem.URL_NOT_HTTPS, id="http"),
    ],
)
@pytest.mark.usefixtures("flipsnack")
async def test_no_usable_url_raises_an_issue(
    hass: HomeAssistant,
    issue_registry: ir.IssueRegistry,
    lead_forms_config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
    url: str | None,
    problem: UrlProblem,
) -> None:
    """Without Home Assistant Cloud or an HTTPS external URL, a repair issue says why."""
    hass.config.external_url = url
    await setup_integration(hass, lead_forms_config_entry)

    assert _url_watcher(lead_forms_config_entry).url == WebhookUrl(
        UrlKind.NONE, problem=problem
    )
    issue = _issue(issue_registry, UNAVAILABLE)
    assert issue.translation_key == f"lead_webhook_url_unavailable_{problem}"
    assert issue.severity is ir.IssueSeverity.WARNING
    assert not issue.is_fixable
    assert issue.translation_placeholders == {
        "title": "Flipsnack …7832",
        "network_link": "https://my.home-assistant.io/redirect/network/",
        "cloud_link": "https://www.nabucasa.com/",
    }
    assert _our_issues(issue_registry) == {UNAVAILABLE}
    assert (
        "The Flipsnack webhook of Flipsnack …7832 can no longer be reached: Home"
        " Assistant has no HTTPS URL on the internet"
    ) in _our_messages(caplog)

    # An HTTPS external URL resolves it, and so does the URL the user knows: no new issue.
    await _set_external_url(hass, EXTERNAL_URL)
    assert _our_issues(issue_registry) == set()
    assert "The Flipsnack webhook of Flipsnack …7832 has a URL again" in _our_messages(
        caplog
    )
    # The webhook carries orders too: the log names it after Flipsnack, not lead forms.
    assert "lead form" not in _our_messages(caplog)


@pytest.mark.parametrize(
    ("config_entry", "comes_back"),
    [
        pytest.param(
            "lead_forms_config_entry", "external", id="lead_forms-external_url"
        ),
        pytest.param("orders_config_entry", "external", id="orders-external_url"),
        pytest.param("orders_config_entry", "cloud", id="orders-home_assistant_cloud"),
    ],
)
@pytest.mark.usefixtures("flipsnack")
async def test_unavailable_issue_clears_by_itself_and_the_new_url_comes_as_a_repair(
    hass: HomeAssistant,
    issue_registry: ir.IssueRegistry,
    request: pytest.FixtureRequest,
    subscribed: dict[str, Any],
    config_entry: str,
    comes_back: str,
) -> None:
    """What the unavailable repair promises: nothing to turn on again in the options.

    Once Home Assistant has an HTTPS internet URL or Home Assistant Cloud, the repair goes
    by itself; a URL other than the one pasted comes as the fixable repair that shows it.
    """
    entry: MockConfigEntry = request.getfixturevalue(config_entry)
    subscribed["active"].return_value = False
    hass.config.external_url = None
    await setup_integration(hass, entry)
    assert _our_issues(issue_registry) == {UNAVAILABLE}

    if comes_back == "external":
        await _set_external_url(hass, NEW_EXTERNAL_URL)
        new_url = NEW_WEBHOOK_URL
    else:
        subscribed["active"].return_value = True
        async_mock_cloud_connection_status(hass, connected=True)
        await hass.async_block_till_done()
        new_url = CLOUDHOOK_URL

    assert _our_issues(issue_registry) == {CHANGED}
    _changed_issue(issue_registry, new_url)
    # Only submitting that repair records the new URL as pasted.
    assert entry.data[CONF_WEBHOOK_URL] == WEBHOOK_URL


async def test_changed_external_url_raises_an_issue_until_acknowledged(
    hass: HomeAssistant,
    issue_registry: ir.IssueRegistry,
    init_lead_forms: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A new external URL is followed at once, and the user is told to paste it."""
    await _set_external_url(hass, NEW_EXTERNAL_URL)

    assert _url_watcher(init_lead_forms).url == WebhookUrl(
        UrlKind.EXTERNAL, NEW_WEBHOOK_URL
    )
    issue = _changed_issue(issue_registry, NEW_WEBHOOK_URL)
    assert issue.data == {"entry_id": ENTRY_ID}
    assert _our_issues(issue_registry) == {CHANGED}
    assert _our_messages(caplog).count("paste the new one into Flipsnack") == 1
    assert "The URL of the Flipsnack webhook of Flipsnack …7832 changed" in (
        _our_messages(caplog)
    )
    # The URL is a secret: the log says where to find it, never what it is.
    assert NEW_EXTERNAL_URL not in _our_messages(caplog)

    # Unrelated settings, and the same URL again, change nothing.
    await hass.config.async_update(currency="USD")
    await _set_external_url(hass, NEW_EXTERNAL_URL)
    assert _our_messages(caplog).count("paste the new one into Flipsnack") == 1

    # Back at the URL the user pasted into Flipsnack, there is nothing to do.
    await _set_external_url(hass, EXTERNAL_URL)
    assert _our_issues(issue_registry) == set()


@pytest.mark.usefixtures("init_lead_forms")
async def test_another_new_url_is_shown_even_after_ignoring_the_issue(
    hass: HomeAssistant, issue_registry: ir.IssueRegistry
) -> None:
    """Ignoring the issue for one URL does not hide the next one."""
    await _set_external_url(hass, NEW_EXTERNAL_URL)
    ir.async_ignore_issue(hass, DOMAIN, CHANGED, ignore=True)
    assert _issue(issue_registry, CHANGED).dismissed_version is not None

    await _set_external_url(hass, "https://third.example.com")

    issue = _issue(issue_registry, CHANGED)
    assert issue.dismissed_version is None
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["webhook_url"].startswith(
        "https://third.example.com/"
    )


async def test_losing_the_url_replaces_the_changed_url_issue(
    hass: HomeAssistant,
    issue_registry: ir.IssueRegistry,
    init_lead_forms: MockConfigEntry,
) -> None:
    """With no usable URL left, only the issue that says why remains."""
    await _set_external_url(hass, NEW_EXTERNAL_URL)
    assert _our_issues(issue_registry) == {CHANGED}

    await _set_external_url(hass, None)

    assert _our_issues(issue_registry) == {UNAVAILABLE}
    assert init_lead_forms.data[CONF_WEBHOOK_URL] == WEBHOOK_URL


@pytest.mark.usefixtures("flipsnack")
async def test_cloudhook_is_used_with_a_subscription(
    hass: HomeAssistant,
    issue_registry: ir.IssueRegistry,
    lead_forms_config_entry: MockConfigEntry,
    subscribed: dict[str, Any],
) -> None:
    """A Home Assistant Cloud subscription gives a cloudhook, made once and kept."""
    await setup_integration(hass, lead_forms_config_entry)

    subscribed["get_cloudhook"].assert_awaited_once_with(hass, WEBHOOK_ID)
    assert lead_forms_config_entry.data[CONF_CLOUDHOOK_URL] == CLOUDHOOK_URL
    assert _url_watcher(lead_forms_config_entry).url == WebhookUrl(
        UrlKind.CLOUDHOOK, CLOUDHOOK_URL
    )
    # The user had pasted the external URL: the cloudhook is new to them.
    issue = _issue(issue_registry, CHANGED)
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["webhook_url"] == CLOUDHOOK_URL

    # After a restart the kept cloudhook is used, even before the cloud connects.
    subscribed["connected"].return_value = False
    assert await hass.config_entries.async_reload(lead_forms_config_entry.entry_id)
    await hass.async_block_till_done()
    subscribed["get_cloudhook"].assert_awaited_once()
    assert _url_watcher(lead_forms_config_entry).url == WebhookUrl(
        UrlKind.CLOUDHOOK, CLOUDHOOK_URL
    )


@pytest.mark.usefixtures("flipsnack", "external_url")
async def test_cloudhook_waits_for_the_cloud_to_connect(
    hass: HomeAssistant,
    issue_registry: ir.IssueRegistry,
    lead_forms_config_entry: MockConfigEntry,
    subscribed: dict[str, Any],
) -> None:
    """With a subscription, the webhook moves to a cloudhook once the cloud connects."""
    subscribed["connected"].return_value = False
    await setup_integration(hass, lead_forms_config_entry)

    # Still connecting: nothing to tell the user yet.
    subscribed["get_cloudhook"].assert_not_awaited()
    assert _url_watcher(lead_forms_config_entry).url is None
    assert _our_issues(issue_registry) == set()

    subscribed["connected"].return_value = True
    async_mock_cloud_connection_status(hass, connected=True)
    await hass.async_block_till_done()

    assert _url_watcher(lead_forms_config_entry).url == WebhookUrl(
        UrlKind.CLOUDHOOK, CLOUDHOOK_URL
    )
    assert _our_issues(issue_registry) == {CHANGED}


@pytest.mark.usefixtures("subscribed")
async def test_signing_in_to_the_cloud_moves_to_a_cloudhook(
    hass: HomeAssistant,
    issue_registry: ir.IssueRegistry,
    init_lead_forms: MockConfigEntry,
) -> None:
    """Subscribing while lead forms are on replaces the external URL."""
    async_mock_cloud_connection_status(hass, connected=True)
    await hass.async_block_till_done()

    assert _url_watcher(init_lead_forms).url == WebhookUrl(
        UrlKind.CLOUDHOOK, CLOUDHOOK_URL
    )
    assert _our_issues(issue_registry) == {CHANGED}


@pytest.mark.usefixtures("flipsnack", "external_url")
async def test_cloudhook_failure_is_retried(
    hass: HomeAssistant,
    lead_forms_config_entry: MockConfigEntry,
    subscribed: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Home Assistant Cloud failing to make the cloudhook is retried every minute."""
    subscribed["get_cloudhook"].side_effect = cloud.CloudNotAvailable
    await setup_integration(hass, lead_forms_config_entry)
    assert _url_watcher(lead_forms_config_entry).url is None

    freezer.tick(timedelta(seconds=CLOUDHOOK_RETRY_DELAY))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert subscribed["get_cloudhook"].await_count == 2
    assert _our_messages(caplog).count("could not give the Flipsnack webhook") == 1

    subscribed["get_cloudhook"].side_effect = None
    freezer.tick(timedelta(seconds=CLOUDHOOK_RETRY_DELAY))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert _url_watcher(lead_forms_config_entry).url == WebhookUrl(
        UrlKind.CLOUDHOOK, CLOUDHOOK_URL
    )

    # Unloading cancels a pending retry.
    subscribed["get_cloudhook"].side_effect = cloud.CloudNotAvailable
    hass.config_entries.async_update_entry(
        lead_forms_config_entry,
        data={
            key: value
            for key, value in lead_forms_config_entry.data.items()
            if key != CONF_CLOUDHOOK_URL
        },
    )
    await _url_watcher(lead_forms_config_entry).async_update_url()
    assert await hass.config_entries.async_unload(lead_forms_config_entry.entry_id)
    freezer.tick(timedelta(seconds=CLOUDHOOK_RETRY_DELAY))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert subscribed["get_cloudhook"].await_count == 4


@pytest.mark.usefixtures("flipsnack", "subscribed")
async def test_brief_cloud_disconnection_keeps_the_cloudhook(
    hass: HomeAssistant, lead_forms_config_entry: MockConfigEntry
) -> None:
    """A dropped connection to the cloud comes back; the cloudhook URL stays."""
    await setup_integration(hass, lead_forms_config_entry)

    with patch.object(WebhookUrlWatcher, "async_update_url") as update_url:
        async_mock_cloud_connection_status(hass, connected=False)
        await hass.async_block_till_done()
    update_url.assert_not_called()


@pytest.mark.usefixtures("flipsnack", "external_url")
async def test_losing_the_subscription_falls_back_to_the_external_url(
    hass: HomeAssistant,
    issue_registry: ir.IssueRegistry,
    lead_forms_config_entry: MockConfigEntry,
    subscribed: dict[str, Any],
) -> None:
    """Signing out of Home Assistant Cloud moves the webhook to the external URL."""
    _update_data(hass, lead_forms_config_entry, {CONF_WEBHOOK_URL: CLOUDHOOK_URL})
    await setup_integration(hass, lead_forms_config_entry)
    assert _our_issues(issue_registry) == set()

    subscribed["active"].return_value = False
    async_mock_cloud_connection_status(hass, connected=False)
    await hass.async_block_till_done()

    assert _url_watcher(lead_forms_config_entry).url == WebhookUrl(
        UrlKind.EXTERNAL, WEBHOOK_URL
    )
    issue = _issue(issue_registry, CHANGED)
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["webhook_url"] == WEBHOOK_URL


@pytest.mark.usefixtures("flipsnack")
async def test_cloudhook_changes_are_followed(
    hass: HomeAssistant,
    issue_registry: ir.IssueRegistry,
    lead_forms_config_entry: MockConfigEntry,
    subscribed: dict[str, Any],
) -> None:
    """A cloudhook changed or deleted in Home Assistant Cloud is followed."""
    _update_data(hass, lead_forms_config_entry, {CONF_WEBHOOK_URL: CLOUDHOOK_URL})
    await setup_integration(hass, lead_forms_config_entry)

    # Cloud announces every change to its cloudhooks; ours unchanged is no news.
    with patch.object(WebhookUrlWatcher, "async_update_url") as update_url:
        _cloudhooks_updated(hass, {WEBHOOK_ID: {"cloudhook_url": CLOUDHOOK_URL}})
        await hass.async_block_till_done()
    update_url.assert_not_called()

    _cloudhooks_updated(hass, {WEBHOOK_ID: {"cloudhook_url": NEW_CLOUDHOOK_URL}})
    await hass.async_block_till_done()
    assert lead_forms_config_entry.data[CONF_CLOUDHOOK_URL] == NEW_CLOUDHOOK_URL
    issue = _issue(issue_registry, CHANGED)
    assert issue.translation_placeholders is not None
    assert issue.translation_placeholders["webhook_url"] == NEW_CLOUDHOOK_URL

    # Deleted: Home Assistant Cloud makes a new one.
    subscribed["get_cloudhook"].return_value = "https://hooks.nabu.casa/third"
    _cloudhooks_updated(hass, {})
    await hass.async_block_till_done()
    assert lead_forms_config_entry.data[CONF_CLOUDHOOK_URL] == (
        "https://hooks.nabu.casa/third"
    )
    assert _url_watcher(lead_forms_config_entry).url == WebhookUrl(
        UrlKind.CLOUDHOOK, "https://hooks.nabu.casa/third"
    )


def _cloudhooks_updated(hass: HomeAssistant, cloudhooks: dict[str, Any]) -> None:
    """Send what Home Assistant Cloud sends when its cloudhooks change."""
    async_dispatcher_send(hass, cloud._SIGNAL_CLOUDHOOKS_UPDATED, cloudhooks)


async def test_unload_clears_the_issues(
    hass: HomeAssistant,
    issue_registry: ir.IssueRegistry,
    init_lead_forms: MockConfigEntry,
) -> None:
    """An unloaded entry follows no URL, so its issues go."""
    await _set_external_url(hass, NEW_EXTERNAL_URL)
    assert _our_issues(issue_registry) == {CHANGED}
    url_watcher = _url_watcher(init_lead_forms)

    assert await hass.config_entries.async_unload(init_lead_forms.entry_id)

    assert _our_issues(issue_registry) == set()
    # Late news changes nothing on an unloaded entry.
    await url_watcher.async_update_url()
    assert _our_issues(issue_registry) == set()


@pytest.mark.usefixtures("flipsnack")
async def test_unload_while_home_assistant_cloud_answers(
    hass: HomeAssistant,
    issue_registry: ir.IssueRegistry,
    lead_forms_config_entry: MockConfigEntry,
    subscribed: dict[str, Any],
) -> None:
    """A cloudhook that arrives after the entry was unloaded raises no issue."""
    await setup_integration(hass, lead_forms_config_entry)
    url_watcher = _url_watcher(lead_forms_config_entry)
    release = asyncio.Event()

    async def slow_cloudhook(hass: HomeAssistant, webhook_id: str) -> str:
        await release.wait()
        return NEW_CLOUDHOOK_URL

    subscribed["get_cloudhook"].side_effect = slow_cloudhook
    hass.config_entries.async_update_entry(
        lead_forms_config_entry,
        data={
            key: value
            for key, value in lead_forms_config_entry.data.items()
            if key != CONF_CLOUDHOOK_URL
        },
    )
    update = hass.async_create_task(url_watcher.async_update_url())
    await asyncio.sleep(0)
    assert await hass.config_entries.async_unload(lead_forms_config_entry.entry_id)
    release.set()
    await update

    assert _our_issues(issue_registry) == set()
    assert url_watcher.url == WebhookUrl(UrlKind.CLOUDHOOK, CLOUDHOOK_URL)


@pytest.mark.usefixtures("flipsnack")
async def test_removal_deletes_the_cloudhook(
    hass: HomeAssistant,
    issue_registry: ir.IssueRegistry,
    lead_forms_config_entry: MockConfigEntry,
    subscribed: dict[str, Any],
) -> None:
    """Deleting the entry deletes its cloudhook in Home Assistant Cloud."""
    await setup_integration(hass, lead_forms_config_entry)
    assert _our_issues(issue_registry) == {CHANGED}

    await hass.config_entries.async_remove(lead_forms_config_entry.entry_id)

    subscribed["delete_cloudhook"].assert_awaited_once_with(hass, WEBHOOK_ID)
    assert _our_issues(issue_registry) == set()


@pytest.mark.parametrize(
    "error", [cloud.CloudNotAvailable, ValueError("Hook is not enabled for the cloud.")]
)
@pytest.mark.usefixtures("flipsnack")
async def test_removal_when_the_cloudhook_is_gone(
    hass: HomeAssistant, lead_forms_config_entry: MockConfigEntry, error: Exception
) -> None:
    """Removal succeeds when cloud is not loaded or the cloudhook was deleted there."""
    _update_data(hass, lead_forms_config_entry, {CONF_CLOUDHOOK_URL: CLOUDHOOK_URL})
    with patch.object(
        cloud, "async_delete_cloudhook", AsyncMock(side_effect=error)
    ) as delete_cloudhook:
        await hass.config_entries.async_remove(lead_forms_config_entry.entry_id)

    delete_cloudhook.assert_awaited_once_with(hass, WEBHOOK_ID)
    assert hass.config_entries.async_get_entry(lead_forms_config_entry.entry_id) is None


async def test_removal_without_a_cloudhook(
    hass: HomeAssistant, init_lead_forms: MockConfigEntry
) -> None:
    """Without a cloudhook there is nothing to delete in Home Assistant Cloud."""
    with patch.object(cloud, "async_delete_cloudhook") as delete_cloudhook:
        await hass.config_entries.async_remove(init_lead_forms.entry_id)
    delete_cloudhook.assert_not_called()


async def _start_fix_flow(
    hass: HomeAssistant, hass_client: ClientSessionGenerator
) -> tuple[Any, dict[str, Any]]:
    """Open the fix flow of the changed-URL issue as the frontend does."""
    assert await async_setup_component(hass, "repairs", {})
    client = await hass_client()
    response = await client.post(
        "/api/repairs/issues/fix", json={"handler": DOMAIN, "issue_id": CHANGED}
    )
    assert response.status == 200
    return client, await response.json()


async def _submit(client: Any, flow_id: str) -> dict[str, Any]:
    response = await client.post(f"/api/repairs/issues/fix/{flow_id}", json={})
    assert response.status == 200
    result: dict[str, Any] = await response.json()
    return result


async def test_fix_flow_shows_the_url_and_records_it(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    issue_registry: ir.IssueRegistry,
    init_lead_forms: MockConfigEntry,
) -> None:
    """The repair shows the new URL; submitting it means it is now in Flipsnack."""
    await _set_external_url(hass, NEW_EXTERNAL_URL)
    client, result = await _start_fix_flow(hass, hass_client)

    assert result["type"] == "form"
    assert result["step_id"] == "confirm"
    assert result["description_placeholders"] == {
        "title": "Flipsnack …7832",
        "webhook_url": NEW_WEBHOOK_URL,
    }

    result = await _submit(client, result["flow_id"])
    assert result["type"] == "create_entry"
    assert init_lead_forms.data[CONF_WEBHOOK_URL] == NEW_WEBHOOK_URL
    assert _our_issues(issue_registry) == set()

    # The acknowledged URL stays quiet; the one before it is now the new one.
    await hass.config.async_update(currency="USD")
    await _set_external_url(hass, NEW_EXTERNAL_URL)
    assert _our_issues(issue_registry) == set()
    await _set_external_url(hass, EXTERNAL_URL)
    assert _our_issues(issue_registry) == {CHANGED}


async def test_fix_flow_shows_a_url_that_changed_while_it_was_open(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_lead_forms: MockConfigEntry,
) -> None:
    """Only the URL the user saw last can be confirmed."""
    await _set_external_url(hass, NEW_EXTERNAL_URL)
    client, result = await _start_fix_flow(hass, hass_client)
    await _set_external_url(hass, "https://third.example.com")

    result = await _submit(client, result["flow_id"])
    assert result["type"] == "form"
    assert result["description_placeholders"]["webhook_url"].startswith(
        "https://third.example.com/"
    )
    result = await _submit(client, result["flow_id"])
    assert result["type"] == "create_entry"
    assert init_lead_forms.data[CONF_WEBHOOK_URL].startswith(
        "https://third.example.com/"
    )


async def test_fix_flow_aborts_without_a_url(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    init_lead_forms: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """With no URL left there is nothing to paste."""
    caplog.set_level(logging.INFO)
    await _set_external_url(hass, NEW_EXTERNAL_URL)
    client, result = await _start_fix_flow(hass, hass_client)
    await _set_external_url(hass, None)

    result = await _submit(client, result["flow_id"])
    assert result["type"] == "abort"
    assert result["reason"] == "not_receiving"
    assert init_lead_forms.data[CONF_WEBHOOK_URL] == WEBHOOK_URL


async def test_reconfigure_keeps_the_webhook(
    hass: HomeAssistant, init_lead_forms: MockConfigEntry
) -> None:
    """New credentials keep the webhook id, so the URL in Flipsnack keeps working."""
    result = await init_lead_forms.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: API_KEY, CONF_API_SECRET: API_SECRET}
    )
    await hass.async_block_till_done()

    assert result["reason"] == "reconfigure_successful"
    assert init_lead_forms.data[CONF_WEBHOOK_ID] == WEBHOOK_ID
    assert init_lead_forms.data[CONF_WEBHOOK_URL] == WEBHOOK_URL
    assert _url_watcher(init_lead_forms).webhook_id == WEBHOOK_ID
