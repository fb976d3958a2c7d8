"""Options flow for Flipsnack: which flipbooks get devices, their history, the webhook."""

from datetime import timedelta
from typing import Any, Final

from homeassistant.config_entries import (
    ConfigEntryState,
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.helpers.selector import (
    BooleanSelector,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)
import probatio as vol

from .api import Flipbook, FlipbookStatus, FlipsnackError
from .const import (
    CONF_FLIPBOOKS,
    CONF_HISTORY_DAYS,
    CONF_LEAD_FORMS,
    CONF_ORDERS,
    CONF_TRACKING,
    FLIPBOOK_CALLS_PER_MINUTE,
    HISTORY_DAY_CHOICES,
    MIN_FLIPBOOK_CYCLE,
    Tracking,
    flipbook_cycle,
)
from .errors import form_error
from .history_plan import import_duration
from .runtime_data import FlipsnackConfigEntry
from .scheduler import Priority, SchedulerClosedError
from .webhook_url import (
    CLOUD_LINK,
    NETWORK_LINK,
    async_acknowledge_url,
    async_ensure_webhook_id,
    async_get_webhook_url,
)

# What the workspace webhook receives: each is on or off on its own, with one URL.
WEBHOOK_OPTIONS: Final = (CONF_LEAD_FORMS, CONF_ORDERS)
# The history choice that stores 0 days.
HISTORY_OFF = "off"
HISTORY_SCHEMA = vol.Schema(
    {
        vol.Required(CONF_HISTORY_DAYS): SelectSelector(
            SelectSelectorConfig(
                options=[HISTORY_OFF, *(str(days) for days in HISTORY_DAY_CHOICES)],
                translation_key=CONF_HISTORY_DAYS,
                mode=SelectSelectorMode.LIST,
            )
        )
    }
)


class FlipsnackOptionsFlow(OptionsFlowWithReload):
    """The entry's options: tracked flipbooks, their history and the webhook.

    The entry reloads when the options change.
    """

    config_entry: FlipsnackConfigEntry
    _webhook_url: str
    _webhook_choice: dict[str, bool]

    def __init__(self) -> None:
        """Start without a listing; the flipbooks step fetches one."""
        self._listing: list[Flipbook] | None = None

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer the three kinds of options."""
        return self.async_show_menu(
            step_id="init", menu_options=["flipbooks", "history", "lead_forms"]
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
            return {"base": form_error(err, "the listing")}
        return {}

    async def async_step_history(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Turn the import of the tracked flipbooks' daily figures off, or choose days.

        The form estimates how long each choice takes at today's count of tracked
        flipbooks; with none tracked, another description says that nothing is imported.
        """
        if self.config_entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="not_loaded")
        options = self.config_entry.options
        if user_input is not None:
            choice = user_input[CONF_HISTORY_DAYS]
            days = 0 if choice == HISTORY_OFF else int(choice)
            return self.async_create_entry(data={**options, CONF_HISTORY_DAYS: days})
        days = int(options.get(CONF_HISTORY_DAYS, 0))
        schema = self.add_suggested_values_to_schema(
            HISTORY_SCHEMA,
            {
                CONF_HISTORY_DAYS: str(days)
                if days in HISTORY_DAY_CHOICES
                else HISTORY_OFF
            },
        )
        flipbooks = self.config_entry.runtime_data.flipbooks
        tracked = 0 if flipbooks is None else len(flipbooks.data.flipbooks)
        if not tracked:
            return self.async_show_form(step_id="history_untracked", data_schema=schema)
        placeholders = {"tracked": str(tracked)}
        for choice in HISTORY_DAY_CHOICES:
            minutes = int(import_duration(tracked, choice).total_seconds() // 60)
            placeholders[f"hours_{choice}"] = str(minutes // 60)
            placeholders[f"minutes_{choice}"] = str(minutes % 60)
        return self.async_show_form(
            step_id="history",
            data_schema=schema,
            description_placeholders=placeholders,
        )

    async def async_step_history_untracked(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Save the history form shown while no flipbook is tracked."""
        return await self.async_step_history(user_input)

    async def async_step_lead_forms(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Turn lead forms and orders on or off; on needs a URL Flipsnack can reach.

        Both come to the workspace's one webhook URL, which turning one on while the
        other is on keeps. A choice left out (by a client of the REST API that knows
        only lead forms) stays as it was.
        """
        errors: dict[str, str] = {}
        options = self.config_entry.options
        current = {key: bool(options.get(key, False)) for key in WEBHOOK_OPTIONS}
        if user_input is not None:
            # An option never set stays unset while off, so that an entry saved before
            # orders existed keeps its options, and is not reloaded, for the same choice.
            choice = {
                key: bool(user_input[key])
                for key in WEBHOOK_OPTIONS
                if user_input[key] or key in options
            }
            if not any(choice.values()):
                return self.async_create_entry(data={**options, **choice})
            async_ensure_webhook_id(self.hass, self.config_entry)
            webhook_url = await async_get_webhook_url(self.hass, self.config_entry)
            if webhook_url.url is not None:
                self._webhook_url = webhook_url.url
                self._webhook_choice = choice
                return await self.async_step_lead_forms_url()
            # Nothing is turned on: the user must first give Flipsnack a way in.
            errors["base"] = str(webhook_url.problem)
        schema = vol.Schema(
            {
                vol.Optional(key, default=current[key]): BooleanSelector()
                for key in WEBHOOK_OPTIONS
            }
        )
        return self.async_show_form(
            step_id="lead_forms",
            data_schema=self.add_suggested_values_to_schema(
                schema, user_input or current
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
        """Show the URL to paste into Flipsnack; on submit the choice applies."""
        if user_input is not None:
            async_acknowledge_url(self.hass, self.config_entry, self._webhook_url)
            return self.async_create_entry(
                data={**self.config_entry.options, **self._webhook_choice}
            )
        return self.async_show_form(
            step_id="lead_forms_url",
            description_placeholders={"webhook_url": self._webhook_url},
        )


def _minutes(duration: timedelta) -> str:
    """Format a duration as whole minutes, for a form's description."""
    return str(int(duration.total_seconds() // 60))
