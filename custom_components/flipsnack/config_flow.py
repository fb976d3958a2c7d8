"""Config flow for Flipsnack: add, re-authenticate and reconfigure an account."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
import hashlib
from typing import Any, override

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
)
from homeassistant.const import CONF_API_KEY
from homeassistant.core import callback
from homeassistant.data_entry_flow import AbortFlow
from homeassistant.helpers.selector import (
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import probatio as vol

from .api import Figures, FlipsnackError, UserStats
from .const import API_GUIDE_URL, CONF_API_SECRET, DOMAIN, LOGGER
from .environment import async_create_client
from .errors import form_error
from .options_flow import FlipsnackOptionsFlow
from .runtime_data import FlipsnackData
from .scheduler import Priority, async_lease_scheduler

_SECRET_SELECTOR = TextSelector(
    TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="off")
)
CREDENTIALS_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_API_KEY): _SECRET_SELECTOR,
        vol.Required(CONF_API_SECRET): _SECRET_SELECTOR,
    }
)

# Errors that concern one field are shown under it; all others above the form.
_ERROR_FIELDS = {"invalid_api_key": CONF_API_KEY, "invalid_api_secret": CONF_API_SECRET}

# A total Home Assistant does not have (the entry is not loaded): a dash reads the same in
# every language, and the step's text says what it means.
_UNKNOWN_TOTAL = "\u2014"


def account_unique_id(api_key: str) -> str:
    """Return the entry's unique id: a digest of the API key, never the key itself."""
    return hashlib.sha256(api_key.encode()).hexdigest()


def account_title(api_key: str) -> str:
    """Return a title that tells accounts apart by the end of their API key."""
    return f"Flipsnack …{api_key[-4:]}"


def _clean_credentials(user_input: Mapping[str, Any]) -> dict[str, str]:
    """Return the API key and secret of a form without the spaces around them."""
    return {
        CONF_API_KEY: user_input[CONF_API_KEY].strip(),
        CONF_API_SECRET: user_input[CONF_API_SECRET].strip(),
    }


def _group_digits(number: int) -> str:
    """Write a number with its thousands set apart by narrow no-break spaces.

    A description placeholder cannot follow the user's language; SI's digit grouping is
    read alike in all of them, where a comma or a point means a decimal somewhere.
    """
    return f"{number:,}".replace(",", "\u202f")


def _format_time_spent(seconds: int) -> str:
    """Write a time spent in hours and minutes, with SI's symbols."""
    hours, minutes = divmod(seconds // 60, 60)
    return f"{_group_digits(hours)} h {minutes} min"


# The totals the reconfigure confirmation compares, as the account's sensors show them.
_COMPARED_TOTALS: dict[str, Callable[[int], str]] = {
    "impressions": _group_digits,
    "views": _group_digits,
    "time_spent": _format_time_spent,
    "downloads": _group_digits,
}


def _totals_placeholders(prefix: str, totals: Figures | None) -> dict[str, str]:
    """Return the confirmation's placeholders of one account's totals, named prefix_*."""
    values = {} if totals is None else totals.as_dict()
    return {
        f"{prefix}_{name}": write(values[name]) if values else _UNKNOWN_TOTAL
        for name, write in _COMPARED_TOTALS.items()
    }


def _current_totals(entry: ConfigEntry) -> UserStats | None:
    """Return the totals the entry's sensors show, or None while it is not loaded."""
    if entry.state is not ConfigEntryState.LOADED:
        return None
    runtime_data: FlipsnackData = entry.runtime_data
    return runtime_data.account.data


@dataclass(frozen=True, kw_only=True, slots=True)
class _NewKey:
    """Credentials with another API key that passed the check, and that account's totals."""

    credentials: dict[str, str]
    totals: UserStats


class FlipsnackConfigFlow(ConfigFlow, domain=DOMAIN):
    """Asks for the API key and secret and checks them with a live call."""

    VERSION = 1

    # Set by the reconfigure step before it shows its confirmation.
    _new_key: _NewKey

    @staticmethod
    @callback
    def async_get_options_flow(
        config_entry: ConfigEntry,
    ) -> FlipsnackOptionsFlow:
        """Return the options flow of an entry."""
        return FlipsnackOptionsFlow()

    @override
    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Add a Flipsnack account."""
        errors: dict[str, str] = {}
        if user_input is not None:
            if api_key := user_input[CONF_API_KEY].strip():
                # The unique id comes from the key alone: an account already configured
                # costs no call.
                await self.async_set_unique_id(account_unique_id(api_key))
                self._abort_if_unique_id_configured()
            credentials = _clean_credentials(user_input)
            _, errors = await self._async_check_credentials(credentials)
            if not errors:
                return self.async_create_entry(
                    title=account_title(api_key), data=credentials
                )
        return self._async_show_credentials_form("user", errors, user_input)

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Start re-authentication after Flipsnack refused the stored credentials."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the current credentials of the account being re-authenticated."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            if api_key := user_input[CONF_API_KEY].strip():
                # Re-authentication keeps the account. The unique id comes from the key
                # alone, so only the entry's own key is taken, before any call; another
                # key goes through reconfigure, which shows whose totals it brings.
                await self.async_set_unique_id(account_unique_id(api_key))
                self._abort_if_unique_id_mismatch(
                    reason="wrong_api_key",
                    description_placeholders={"title": entry.title},
                )
            credentials = _clean_credentials(user_input)
            _, errors = await self._async_check_credentials(credentials)
            if not errors:
                return self.async_update_reload_and_abort(
                    entry, data_updates=credentials
                )
        return self._async_show_credentials_form(
            "reauth_confirm", errors, user_input, {"title": entry.title}
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the API key or secret of a configured account."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            if api_key := user_input[CONF_API_KEY].strip():
                self._abort_if_api_key_of_other_entry(entry, api_key)
            credentials = _clean_credentials(user_input)
            totals, errors = await self._async_check_credentials(credentials)
            if totals is not None:
                if credentials[CONF_API_KEY] == entry.data[CONF_API_KEY]:
                    # A new secret for the same key: the account cannot have changed.
                    return self._async_save_credentials(entry, credentials)
                self._new_key = _NewKey(credentials=credentials, totals=totals)
                return await self.async_step_reconfigure_confirm()
        return self._async_show_credentials_form(
            "reconfigure", errors, user_input, {"title": entry.title}
        )

    async def async_step_reconfigure_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the new key's totals next to the current ones before saving the key.

        The API exposes no account id: these totals are how a user sees that a key belongs
        to another account, whose figures would continue the entities' statistics.
        """
        entry = self._get_reconfigure_entry()
        if user_input is not None:
            # Another flow may have added the key while this form was open.
            self._abort_if_api_key_of_other_entry(
                entry, self._new_key.credentials[CONF_API_KEY]
            )
            return self._async_save_credentials(entry, self._new_key.credentials)
        return self.async_show_form(
            step_id="reconfigure_confirm",
            description_placeholders={
                "title": entry.title,
                **_totals_placeholders("current", _current_totals(entry)),
                **_totals_placeholders("new", self._new_key.totals),
            },
        )

    @callback
    def _abort_if_api_key_of_other_entry(
        self, entry: ConfigEntry, api_key: str
    ) -> None:
        """Abort when another entry has the key; the unique id tells it without a call."""
        unique_id = account_unique_id(api_key)
        for other_entry in self._async_current_entries(include_ignore=False):
            if (
                other_entry.entry_id != entry.entry_id
                and other_entry.unique_id == unique_id
            ):
                raise AbortFlow("api_key_of_other_entry", {"title": other_entry.title})

    @callback
    def _async_save_credentials(
        self, entry: ConfigEntry, credentials: dict[str, str]
    ) -> ConfigFlowResult:
        """Store the checked credentials in entry and reload it."""
        api_key = credentials[CONF_API_KEY]
        # Keep a title the user gave the entry; follow the key otherwise.
        title = entry.title
        if entry.title == account_title(entry.data[CONF_API_KEY]):
            title = account_title(api_key)
        return self.async_update_reload_and_abort(
            entry,
            unique_id=account_unique_id(api_key),
            title=title,
            data_updates=credentials,
        )

    async def _async_check_credentials(
        self, credentials: dict[str, str]
    ) -> tuple[UserStats | None, dict[str, str]]:
        """Check credentials with a live user.getStats call.

        Returns the account's totals and no errors when they work, else None and the
        form errors.
        """
        errors = {field: "empty" for field, value in credentials.items() if not value}
        if errors:
            return None, errors
        # The check counts against the key's budget, like every other call with it.
        scheduler = async_lease_scheduler(self.hass, credentials[CONF_API_KEY])
        client = async_create_client(
            self.hass,
            credentials[CONF_API_KEY],
            credentials[CONF_API_SECRET],
            request_gate=scheduler.async_wait_for_slot,
        )
        try:
            totals = await scheduler.async_call(
                client.user_stats, priority=Priority.INTERACTIVE
            )
        except FlipsnackError as err:
            key = form_error(err, "the credential check")
            return None, {_ERROR_FIELDS.get(key, "base"): key}
        except Exception:  # noqa: BLE001 - shown as "unknown", logged with its traceback
            LOGGER.exception("Unexpected error while checking Flipsnack credentials")
            return None, {"base": "unknown"}
        finally:
            scheduler.async_release()
        return totals, {}

    def _async_show_credentials_form(
        self,
        step_id: str,
        errors: dict[str, str],
        user_input: dict[str, Any] | None,
        placeholders: dict[str, str] | None = None,
    ) -> ConfigFlowResult:
        """Show the API key and secret form, keeping what the user typed."""
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(
                CREDENTIALS_SCHEMA, user_input or {}
            ),
            errors=errors,
            description_placeholders={
                "api_guide_url": API_GUIDE_URL,
                **(placeholders or {}),
            },
        )
