"""Tests for the Flipsnack config flow, against the fake Flipsnack API."""

from collections.abc import Callable
from typing import Any
from unittest.mock import AsyncMock, patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState, ConfigFlowResult
from homeassistant.const import CONF_API_KEY
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.flipsnack import async_setup_entry
from custom_components.flipsnack.api import FlipsnackClient
from custom_components.flipsnack.config_flow import account_unique_id
from custom_components.flipsnack.const import CONF_API_SECRET, DOMAIN

from . import answer_with_code, set_mode, setup_integration
from .const import (
    API_KEY,
    API_SECRET,
    OTHER_API_KEY,
    OTHER_API_SECRET,
    OTHER_STATS,
    UNREACHABLE_BASE_URL,
)
from .fake_flipsnack import FakeFlipsnack, FakeMode

pytestmark = pytest.mark.usefixtures("mock_setup_entry")

CREDENTIALS = {CONF_API_KEY: API_KEY, CONF_API_SECRET: API_SECRET}
OTHER_CREDENTIALS = {CONF_API_KEY: OTHER_API_KEY, CONF_API_SECRET: OTHER_API_SECRET}


def _suggested_values(result: ConfigFlowResult) -> dict[str, Any]:
    """Return the values the form offers in its fields."""
    return {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if key.description and "suggested_value" in key.description
    }


async def test_user_flow_creates_entry(
    hass: HomeAssistant, flipsnack: FakeFlipsnack, mock_setup_entry: AsyncMock
) -> None:
    """Credentials that Flipsnack accepts create an entry, stripped and titled."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == {}
    assert _suggested_values(result) == {}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_API_KEY: f"  {API_KEY}\n", CONF_API_SECRET: f"\t{API_SECRET} "},
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Flipsnack …7832"
    assert result["data"] == CREDENTIALS
    entry = result["result"]
    assert entry.unique_id == account_unique_id(API_KEY)
    assert API_KEY not in entry.unique_id
    assert len(mock_setup_entry.mock_calls) == 1
    # One live check, as a signed GET of user.getStats.
    assert [(r.method, r.params["action"]) for r in flipsnack.requests] == [
        ("GET", "user.getStats")
    ]


@pytest.mark.parametrize(
    ("user_input", "break_api", "errors"),
    [
        pytest.param(
            {CONF_API_KEY: "WRONG-KEY-0000", CONF_API_SECRET: API_SECRET},
            None,
            {CONF_API_KEY: "invalid_api_key"},
            id="unknown_api_key",
        ),
        pytest.param(
            {CONF_API_KEY: API_KEY, CONF_API_SECRET: "not-the-secret"},
            None,
            {CONF_API_SECRET: "invalid_api_secret"},
            id="secret_does_not_match",
        ),
        pytest.param(
            CREDENTIALS,
            set_mode(FakeMode.MAINTENANCE),
            {"base": "maintenance"},
            id="maintenance",
        ),
        pytest.param(
            CREDENTIALS,
            answer_with_code(31, "Requests per second limit exceeded"),
            {"base": "rate_limited"},
            id="requests_per_second",
        ),
        pytest.param(
            CREDENTIALS,
            answer_with_code(32, "Requests per minute limit exceeded"),
            {"base": "rate_limited"},
            id="requests_per_minute",
        ),
        pytest.param(
            CREDENTIALS,
            set_mode(FakeMode.HTML),
            {"base": "invalid_response"},
            id="html_page",
        ),
        pytest.param(
            CREDENTIALS,
            set_mode(FakeMode.HTTP_500),
            {"base": "invalid_response"},
            id="http_500",
        ),
    ],
)
async def test_user_flow_error_then_recovery(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    flipsnack: FakeFlipsnack,
    user_input: dict[str, str],
    break_api: Callable[[FakeFlipsnack], None] | None,
    errors: dict[str, str],
) -> None:
    """Each problem is shown on the right field, and the user can still finish."""
    if break_api is not None:
        break_api(flipsnack)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"
    assert result["errors"] == errors
    assert not hass.config_entries.async_entries(DOMAIN)
    # What the user typed is offered again, so nothing has to be retyped.
    assert _suggested_values(result) == user_input

    flipsnack.reset()
    # After a rate limit the key's calls wait the minute Flipsnack asked for.
    freezer.tick(61)
    async_fire_time_changed(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], CREDENTIALS
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == CREDENTIALS


@pytest.mark.parametrize(
    ("user_input", "errors"),
    [
        (
            {CONF_API_KEY: "   ", CONF_API_SECRET: API_SECRET},
            {CONF_API_KEY: "empty"},
        ),
        (
            {CONF_API_KEY: API_KEY, CONF_API_SECRET: "\t"},
            {CONF_API_SECRET: "empty"},
        ),
        (
            {CONF_API_KEY: " ", CONF_API_SECRET: " "},
            {CONF_API_KEY: "empty", CONF_API_SECRET: "empty"},
        ),
    ],
)
async def test_user_flow_empty_field(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    user_input: dict[str, str],
    errors: dict[str, str],
) -> None:
    """Blank input is refused on its field without calling Flipsnack."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], user_input
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    assert flipsnack.requests == []

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], CREDENTIALS
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.usefixtures("flipsnack")
async def test_user_flow_cannot_connect(hass: HomeAssistant) -> None:
    """An unreachable API is reported, and the flow finishes once it is back."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    with patch(
        "custom_components.flipsnack.environment._async_api_url",
        return_value=UNREACHABLE_BASE_URL,
    ):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], CREDENTIALS
        )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], CREDENTIALS
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize(
    "envelope",
    [
        {"code": 42, "status": "Invalid action"},
        {"code": 47, "status": "A code the docs do not list"},
    ],
)
async def test_user_flow_request_rejected_is_logged(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    caplog: pytest.LogCaptureFixture,
    envelope: dict[str, Any],
) -> None:
    """A refusal the user cannot fix is logged with its traceback, without secrets."""
    flipsnack.envelope_override = envelope
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], CREDENTIALS
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "request_rejected"}
    assert "Traceback" in caplog.text
    assert envelope["status"] in caplog.text
    for secret in (API_KEY, API_SECRET):
        assert secret not in caplog.text

    flipsnack.reset()
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], CREDENTIALS
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.usefixtures("flipsnack")
async def test_user_flow_unexpected_exception_is_logged(
    hass: HomeAssistant, caplog: pytest.LogCaptureFixture
) -> None:
    """A bug anywhere below the flow becomes "unknown" and a logged traceback."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    with patch.object(FlipsnackClient, "user_stats", side_effect=RuntimeError("boom")):
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], CREDENTIALS
        )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "unknown"}
    assert "RuntimeError: boom" in caplog.text

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], CREDENTIALS
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_user_flow_already_configured(
    hass: HomeAssistant, flipsnack: FakeFlipsnack, mock_config_entry: MockConfigEntry
) -> None:
    """The same API key cannot be added twice, and that costs no call to Flipsnack."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**CREDENTIALS, CONF_API_KEY: f" {API_KEY} "}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1
    # The unique id comes from the key alone: the duplicate is known before any call.
    assert flipsnack.requests == []


async def test_reauth_with_new_secret(
    hass: HomeAssistant, flipsnack: FakeFlipsnack, mock_config_entry: MockConfigEntry
) -> None:
    """Reauth shows the errors of the user step and stores credentials that work."""
    mock_config_entry.add_to_hass(hass)
    flipsnack.accounts[API_KEY].api_secret = "rotated-secret"

    result = await mock_config_entry.start_reauth_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert result["description_placeholders"]["title"] == "Flipsnack …7832"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], CREDENTIALS
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_API_SECRET: "invalid_api_secret"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: API_KEY, CONF_API_SECRET: "rotated-secret "}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert mock_config_entry.data == {
        CONF_API_KEY: API_KEY,
        CONF_API_SECRET: "rotated-secret",
    }
    assert mock_config_entry.unique_id == account_unique_id(API_KEY)


@pytest.mark.parametrize(
    "other_key_configured", [False, True], ids=["unknown_key", "key_of_other_entry"]
)
async def test_reauth_refuses_another_api_key(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    mock_config_entry: MockConfigEntry,
    other_key_configured: bool,
) -> None:
    """Re-authentication keeps the account: another key is refused before any call."""
    mock_config_entry.add_to_hass(hass)
    flipsnack.add_account(OTHER_API_KEY, OTHER_API_SECRET, OTHER_STATS)
    if other_key_configured:
        MockConfigEntry(
            domain=DOMAIN,
            title="Flipsnack …OTHR",
            unique_id=account_unique_id(OTHER_API_KEY),
            data=OTHER_CREDENTIALS,
        ).add_to_hass(hass)

    result = await mock_config_entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {**OTHER_CREDENTIALS, CONF_API_KEY: f" {OTHER_API_KEY}"}
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_api_key"
    assert result["description_placeholders"] == {"title": "Flipsnack …7832"}
    assert mock_config_entry.data == CREDENTIALS
    assert mock_config_entry.unique_id == account_unique_id(API_KEY)
    assert flipsnack.requests == []


@pytest.mark.parametrize("source", ["reauth", "reconfigure"])
async def test_replace_credentials_empty_field(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    mock_config_entry: MockConfigEntry,
    source: str,
) -> None:
    """A blank key is refused on its field, not taken for another key, and costs no call."""
    mock_config_entry.add_to_hass(hass)
    if source == "reauth":
        result = await mock_config_entry.start_reauth_flow(hass)
    else:
        result = await mock_config_entry.start_reconfigure_flow(hass)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: "  ", CONF_API_SECRET: API_SECRET}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_API_KEY: "empty"}
    assert flipsnack.requests == []

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], CREDENTIALS
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == f"{source}_successful"


async def test_reconfigure_refuses_api_key_of_other_entry(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    mock_config_entry: MockConfigEntry,
) -> None:
    """Switching to the API key of another configured account is refused at once."""
    mock_config_entry.add_to_hass(hass)
    MockConfigEntry(
        domain=DOMAIN,
        title="Flipsnack …OTHR",
        unique_id=account_unique_id(OTHER_API_KEY),
        data=OTHER_CREDENTIALS,
    ).add_to_hass(hass)
    flipsnack.add_account(OTHER_API_KEY, OTHER_API_SECRET)

    result = await mock_config_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], OTHER_CREDENTIALS
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "api_key_of_other_entry"
    assert result["description_placeholders"] == {"title": "Flipsnack …OTHR"}
    assert mock_config_entry.data == CREDENTIALS
    # The unique id comes from the key alone: the other entry is known before any call.
    assert flipsnack.requests == []


async def test_reconfigure_with_new_secret_saves_at_once(
    hass: HomeAssistant, flipsnack: FakeFlipsnack, mock_config_entry: MockConfigEntry
) -> None:
    """A new secret for the same key cannot change the account: nothing to confirm."""
    mock_config_entry.add_to_hass(hass)
    flipsnack.accounts[API_KEY].api_secret = "rotated-secret"

    result = await mock_config_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        {CONF_API_KEY: f"{API_KEY} ", CONF_API_SECRET: "rotated-secret"},
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert mock_config_entry.data == {
        CONF_API_KEY: API_KEY,
        CONF_API_SECRET: "rotated-secret",
    }
    assert mock_config_entry.unique_id == account_unique_id(API_KEY)
    assert mock_config_entry.title == "Flipsnack …7832"


async def test_reconfigure_with_other_key_asks_first(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    mock_config_entry: MockConfigEntry,
) -> None:
    """Another key is saved only after the user saw its totals and submitted them."""
    mock_config_entry.add_to_hass(hass)
    flipsnack.add_account(OTHER_API_KEY, OTHER_API_SECRET, OTHER_STATS)

    result = await mock_config_entry.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_KEY: OTHER_API_KEY, CONF_API_SECRET: "wrong"}
    )
    assert result["errors"] == {CONF_API_SECRET: "invalid_api_secret"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], OTHER_CREDENTIALS
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure_confirm"
    # The entry is not loaded, so Home Assistant has no current totals to show.
    assert result["description_placeholders"] == {
        "title": "Flipsnack …7832",
        "current_impressions": "\u2014",
        "current_views": "\u2014",
        "current_time_spent": "\u2014",
        "current_downloads": "\u2014",
        "new_impressions": "48\u202f120",
        "new_views": "1\u202f203\u202f456",
        "new_time_spent": "25 h 48 min",
        "new_downloads": "7",
    }
    assert mock_config_entry.data == CREDENTIALS
    assert mock_config_entry.unique_id == account_unique_id(API_KEY)

    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert mock_config_entry.data == OTHER_CREDENTIALS
    assert mock_config_entry.unique_id == account_unique_id(OTHER_API_KEY)
    assert mock_config_entry.title == "Flipsnack …OTHR"
    # The confirmation shows the totals of the check: one call per key tried.
    assert [r.params["apiKey"] for r in flipsnack.requests] == [OTHER_API_KEY] * 2


async def test_reconfigure_confirm_shows_current_totals(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    mock_config_entry: MockConfigEntry,
    mock_setup_entry: AsyncMock,
    snapshot: SnapshotAssertion,
) -> None:
    """A loaded entry's totals stand next to the new key's; closing keeps the key."""
    mock_setup_entry.side_effect = async_setup_entry
    flipsnack.accounts[API_KEY].stats = {
        "impressions": 2_310_554,
        "views": 98_765,
        "time_spent": 5580,
        "downloads": 432,
        "api_uploads_left": 17,
    }
    flipsnack.add_account(OTHER_API_KEY, OTHER_API_SECRET, OTHER_STATS)
    await setup_integration(hass, mock_config_entry)
    assert mock_config_entry.state is ConfigEntryState.LOADED

    result = await mock_config_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], OTHER_CREDENTIALS
    )

    assert result["step_id"] == "reconfigure_confirm"
    assert result["description_placeholders"]["current_views"] == "98\u202f765"
    assert result["description_placeholders"]["new_views"] == "1\u202f203\u202f456"
    assert result["description_placeholders"] == snapshot

    # Closing the dialog keeps the entry as it was.
    hass.config_entries.flow.async_abort(result["flow_id"])
    await hass.async_block_till_done()
    assert mock_config_entry.data == CREDENTIALS
    assert mock_config_entry.state is ConfigEntryState.LOADED
    assert hass.states.get("sensor.flipsnack_7832_views").state == "98765"


async def test_reconfigure_confirm_refuses_key_configured_meanwhile(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    mock_config_entry: MockConfigEntry,
) -> None:
    """A key another entry got while the confirmation was open is not saved twice."""
    mock_config_entry.add_to_hass(hass)
    flipsnack.add_account(OTHER_API_KEY, OTHER_API_SECRET)
    result = await mock_config_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], OTHER_CREDENTIALS
    )
    assert result["step_id"] == "reconfigure_confirm"

    MockConfigEntry(
        domain=DOMAIN,
        title="Marketing",
        unique_id=account_unique_id(OTHER_API_KEY),
        data=OTHER_CREDENTIALS,
    ).add_to_hass(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "api_key_of_other_entry"
    assert result["description_placeholders"] == {"title": "Marketing"}
    assert mock_config_entry.data == CREDENTIALS


async def test_reconfigure_keeps_title_given_by_user(
    hass: HomeAssistant,
    flipsnack: FakeFlipsnack,
    mock_config_entry: MockConfigEntry,
) -> None:
    """A title the user chose is not replaced when the key changes."""
    mock_config_entry.add_to_hass(hass)
    hass.config_entries.async_update_entry(mock_config_entry, title="Marketing")
    flipsnack.add_account(OTHER_API_KEY, OTHER_API_SECRET)

    result = await mock_config_entry.start_reconfigure_flow(hass)
    assert result["description_placeholders"]["title"] == "Marketing"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], OTHER_CREDENTIALS
    )
    assert result["description_placeholders"]["title"] == "Marketing"
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["reason"] == "reconfigure_successful"
    assert mock_config_entry.title == "Marketing"
    assert mock_config_entry.data == OTHER_CREDENTIALS
