"""Config flow for Flipsnack: add, re-authenticate and reconfigure an account."""

from collections.abc import Mapping
from datetime import timedelta
import hashlib
from typing import Any, override

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.const import CONF_API_KEY
from homeassistant.core import callback
from homeassistant.helpers.selector import (
    BooleanSelector,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import probatio as vol

from .api import Flipbook, FlipbookStatus, FlipsnackError
from .api_endpoint import async_create_client
from .const import (
    API_GUIDE_URL,
    CONF_API_SECRET,
    CONF_FLIPBOOKS,
    CONF_TRACKING,
    DOMAIN,
    FLIPBOOK_CALLS_PER_MINUTE,
    LOGGER,
    MIN_FLIPBOOK_CYCLE,
    Tracking,
    flipbook_cycle,
)
from .coordinator import FlipsnackConfigEntry
from .errors import translation_key
from .scheduler import Priority, SchedulerClosedError
from .webhook import (
    CLOUD_LINK,
    CONF_LEAD_FORMS,
    NETWORK_LINK,
    async_acknowledge_url,
    async_ensure_webhook_id,
    async_get_webhook_url,
)

_SECRET_SELECTOR = TextSelector(
    TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="off")
)
CREDENTIALS_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_API_KEY): _SECRET_SELECTOR,
        vol.Required(CONF_API_SECRET): _SECRET_SELECTOR,
    }
)
LEAD_FORMS_SCHEMA = vol.Schema({vol.Required(CONF_LEAD_FORMS): BooleanSelector()})

# Errors that concern one field are shown under it; all others above the form.
_ERROR_FIELDS = {"invalid_api_key": CONF_API_KEY, "invalid_api_secret": CONF_API_SECRET}
# Errors that point at a bug on our side or Flipsnack's rather than at the user's input.
_UNEXPECTED_ERRORS = {"request_rejected", "unknown"}


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
            credentials, errors = await self._async_check_credentials(user_input)
            if not errors:
                api_key = credentials[CONF_API_KEY]
                await self.async_set_unique_id(account_unique_id(api_key))
                self._abort_if_unique_id_configured()
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
        client = async_create_client(
            self.hass, credentials[CONF_API_KEY], credentials[CONF_API_SECRET]
        )
        try:
            await client.user_stats()
        except FlipsnackError as err:
            key = translation_key(err)
            if key in _UNEXPECTED_ERRORS:
                LOGGER.exception(
                    "Unexpected answer from Flipsnack to the credential check"
                )
            return credentials, {_ERROR_FIELDS.get(key, "base"): key}
        except Exception:  # noqa: BLE001 - shown as "unknown", logged with its traceback
            LOGGER.exception("Unexpected error while checking Flipsnack credentials")
            return credentials, {"base": "unknown"}
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


class FlipsnackOptionsFlow(OptionsFlowWithReload):
    """The entry's options: tracked flipbooks and lead forms.

    The entry reloads when the options change.
    """

    config_entry: FlipsnackConfigEntry
    _webhook_url: str

    def __init__(self) -> None:
        """Start without a listing; the flipbooks step fetches one."""
        self._listing: list[Flipbook] | None = None

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer the two kinds of options."""
        return self.async_show_menu(
            step_id="init", menu_options=["flipbooks", "lead_forms"]
        )

    async def async_step_flipbooks(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask whether to track no flipbooks, all published ones, or a chosen list."""
        if self.config_entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="not_loaded")
        errors: dict[str, str] = {}
        if user_input is not None:
            tracking = Tracking(user_input[CONF_TRACKING])
            if tracking is not Tracking.CHOSEN:
                return self.async_create_entry(
                    data={
                        **self.config_entry.options,
                        CONF_TRACKING: tracking,
                        CONF_FLIPBOOKS: [],
                    }
                )
            # Choosing needs the list of flipbooks to choose from: the one fetched
            # when the form opened, or a new try if that failed.
            if self._listing is None:
                errors = await self._async_list_flipbooks()
            if not errors:
                return await self.async_step_choose_flipbooks()
        elif self._listing is None:
            errors = await self._async_list_flipbooks()
        if errors.get("base") == "not_loaded":
            return self.async_abort(reason="not_loaded")

        published = self._published()
        return self.async_show_form(
            step_id="flipbooks",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema(
                    {
                        vol.Required(CONF_TRACKING): SelectSelector(
                            SelectSelectorConfig(
                                options=[tracking.value for tracking in Tracking],
                                translation_key=CONF_TRACKING,
                                mode=SelectSelectorMode.LIST,
                            )
                        )
                    }
                ),
                {
                    CONF_TRACKING: self.config_entry.options.get(
                        CONF_TRACKING, Tracking.NONE
                    )
                },
            ),
            errors=errors,
            description_placeholders={
                "published": "?" if published is None else str(len(published)),
                "cycle_minutes": _minutes(
                    flipbook_cycle(0 if published is None else len(published))
                ),
            },
        )

    async def async_step_choose_flipbooks(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Choose flipbooks by title from the listing, or type a flipbook's hash."""
        listing = self._listing or []
        errors: dict[str, str] = {}
        if user_input is not None:
            chosen = list(
                dict.fromkeys(
                    text.strip() for text in user_input[CONF_FLIPBOOKS] if text.strip()
                )
            )
            statuses = {flipbook.hash: flipbook for flipbook in listing}
            if not chosen:
                errors[CONF_FLIPBOOKS] = "no_flipbook_chosen"
            elif any(
                h in statuses and statuses[h].status is FlipbookStatus.EDITABLE
                for h in chosen
            ):
                errors[CONF_FLIPBOOKS] = "editable_flipbook"
            elif any(h not in statuses or not statuses[h].published for h in chosen):
                errors[CONF_FLIPBOOKS] = "unknown_flipbook"
            else:
                return self.async_create_entry(
                    data={
                        **self.config_entry.options,
                        CONF_TRACKING: Tracking.CHOSEN,
                        CONF_FLIPBOOKS: chosen,
                    }
                )

        published = self._published() or []
        options = [
            SelectOptionDict(
                value=flipbook.hash,
                label=f"{flipbook.title} ({flipbook.hash})"
                if flipbook.title
                else flipbook.hash,
            )
            for flipbook in published
        ]
        return self.async_show_form(
            step_id="choose_flipbooks",
            data_schema=self.add_suggested_values_to_schema(
                vol.Schema(
                    {
                        vol.Required(CONF_FLIPBOOKS): SelectSelector(
                            SelectSelectorConfig(
                                options=options,
                                multiple=True,
                                custom_value=True,
                                sort=True,
                            )
                        )
                    }
                ),
                user_input
                or {CONF_FLIPBOOKS: self.config_entry.options.get(CONF_FLIPBOOKS, [])},
            ),
            errors=errors,
            description_placeholders={
                "cycle_minutes": _minutes(MIN_FLIPBOOK_CYCLE),
                "flipbooks_at_minimum_cycle": str(
                    int(MIN_FLIPBOOK_CYCLE.total_seconds() // 60)
                    * FLIPBOOK_CALLS_PER_MINUTE
                ),
            },
        )

    def _published(self) -> list[Flipbook] | None:
        """Return the published flipbooks of the listing, if there is one."""
        if self._listing is None:
            return None
        return [flipbook for flipbook in self._listing if flipbook.published]

    async def _async_list_flipbooks(self) -> dict[str, str]:
        """Fetch the account's flipbooks ahead of any polling; return form errors."""
        runtime_data = self.config_entry.runtime_data
        try:
            self._listing = await runtime_data.scheduler.async_call(
                runtime_data.client.collections, priority=Priority.INTERACTIVE
            )
        except SchedulerClosedError:
            return {"base": "not_loaded"}
        except FlipsnackError as err:
            key = translation_key(err)
            if key in _UNEXPECTED_ERRORS:
                LOGGER.exception("Unexpected answer from Flipsnack to the listing")
            return {"base": key}
        return {}

    async def async_step_lead_forms(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Turn lead forms on (when Flipsnack can reach Home Assistant) or off."""
        errors: dict[str, str] = {}
        options = self.config_entry.options
        if user_input is not None:
            if not user_input[CONF_LEAD_FORMS]:
                return self.async_create_entry(data={**options, CONF_LEAD_FORMS: False})
            async_ensure_webhook_id(self.hass, self.config_entry)
            webhook_url = await async_get_webhook_url(self.hass, self.config_entry)
            if webhook_url.url is not None:
                self._webhook_url = webhook_url.url
                return await self.async_step_lead_forms_url()
            # Nothing is turned on: the user must first give Flipsnack a way in.
            errors["base"] = str(webhook_url.problem)
        return self.async_show_form(
            step_id="lead_forms",
            data_schema=self.add_suggested_values_to_schema(
                LEAD_FORMS_SCHEMA,
                user_input or {CONF_LEAD_FORMS: options.get(CONF_LEAD_FORMS, False)},
            ),
            errors=errors,
            description_placeholders={
                "cloud_link": CLOUD_LINK,
                "network_link": NETWORK_LINK,
            },
        )

    async def async_step_lead_forms_url(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the URL to paste into Flipsnack; on submit lead forms are on."""
        if user_input is not None:
            async_acknowledge_url(self.hass, self.config_entry, self._webhook_url)
            return self.async_create_entry(
                data={**self.config_entry.options, CONF_LEAD_FORMS: True}
            )
        return self.async_show_form(
            step_id="lead_forms_url",
            description_placeholders={"webhook_url": self._webhook_url},
        )


def _minutes(duration: timedelta) -> str:
    """Format a duration as whole minutes, for a form's description."""
    return str(int(duration.total_seconds() // 60))
