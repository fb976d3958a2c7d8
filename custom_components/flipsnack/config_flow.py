"""Config flow for Flipsnack: add, re-authenticate and reconfigure an account."""

from collections.abc import Mapping
import hashlib
from typing import Any, override

from homeassistant.config_entries import ConfigEntry, ConfigFlow, ConfigFlowResult
from homeassistant.const import CONF_API_KEY
from homeassistant.core import callback
from homeassistant.helpers.selector import (
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import probatio as vol

from .api import FlipsnackError
from .const import API_GUIDE_URL, CONF_API_SECRET, DOMAIN, LOGGER
from .environment import async_create_client
from .errors import form_error
from .options_flow import FlipsnackOptionsFlow
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


def account_unique_id(api_key: str) -> str:
    """Return the entry's unique id: a digest of the API key, never the key itself."""
    return hashlib.sha256(api_key.encode()).hexdigest()


def account_title(api_key: str) -> str:
    """Return a title that tells accounts apart by the end of their API key."""
    return f"Flipsnack …{api_key[-4:]}"


class FlipsnackConfigFlow(ConfigFlow, domain=DOMAIN):
    """Asks for the API key and secret and checks them with a live call."""

    VERSION = 1

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
            credentials, errors = await self._async_check_credentials(user_input)
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
        """Ask for new credentials of the account being re-authenticated."""
        return await self._async_step_replace_credentials(
            "reauth_confirm", self._get_reauth_entry(), user_input
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the API key or secret of a configured account."""
        return await self._async_step_replace_credentials(
            "reconfigure", self._get_reconfigure_entry(), user_input
        )

    async def _async_step_replace_credentials(
        self,
        step_id: str,
        entry: ConfigEntry,
        user_input: dict[str, Any] | None,
    ) -> ConfigFlowResult:
        """Check new credentials and store them in entry, as reauth and reconfigure do."""
        errors: dict[str, str] = {}
        if user_input is not None:
            credentials, errors = await self._async_check_credentials(user_input)
            if not errors:
                api_key = credentials[CONF_API_KEY]
                unique_id = account_unique_id(api_key)
                # The API exposes no account id, so another account can only be recognised
                # by its API key being configured in another entry already.
                for other_entry in self._async_current_entries(include_ignore=False):
                    if (
                        other_entry.entry_id != entry.entry_id
                        and other_entry.unique_id == unique_id
                    ):
                        return self.async_abort(
                            reason="api_key_of_other_entry",
                            description_placeholders={"title": other_entry.title},
                        )
                # Keep a title the user gave the entry; follow the key otherwise.
                title = entry.title
                if entry.title == account_title(entry.data[CONF_API_KEY]):
                    title = account_title(api_key)
                return self.async_update_reload_and_abort(
                    entry, unique_id=unique_id, title=title, data_updates=credentials
                )
        return self._async_show_credentials_form(
            step_id, errors, user_input, {"title": entry.title}
        )

    async def _async_check_credentials(
        self, user_input: dict[str, Any]
    ) -> tuple[dict[str, str], dict[str, str]]:
        """Strip the input and check it with a live user.getStats call.

        Returns the cleaned credentials and the form errors (empty when they work).
        """
        credentials = {
            CONF_API_KEY: user_input[CONF_API_KEY].strip(),
            CONF_API_SECRET: user_input[CONF_API_SECRET].strip(),
        }
        errors = {field: "empty" for field, value in credentials.items() if not value}
        if errors:
            return credentials, errors
        # The check counts against the key's budget, like every other call with it.
        scheduler = async_lease_scheduler(self.hass, credentials[CONF_API_KEY])
        client = async_create_client(
            self.hass,
            credentials[CONF_API_KEY],
            credentials[CONF_API_SECRET],
            request_gate=scheduler.async_wait_for_slot,
        )
        try:
            await scheduler.async_call(client.user_stats, priority=Priority.INTERACTIVE)
        except FlipsnackError as err:
            key = form_error(err, "the credential check")
            return credentials, {_ERROR_FIELDS.get(key, "base"): key}
        except Exception:  # noqa: BLE001 - shown as "unknown", logged with its traceback
            LOGGER.exception("Unexpected error while checking Flipsnack credentials")
            return credentials, {"base": "unknown"}
        finally:
            scheduler.async_release()
        return credentials, {}

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
