"""What a loaded entry holds while it runs, and the config entry type that carries it."""

from dataclasses import dataclass, field

from homeassistant.config_entries import ConfigEntry

from .action_cache import ActionCache
from .api import FlipsnackClient
from .coordinator import FlipsnackAccountCoordinator, FlipsnackFlipbooksCoordinator
from .history import HistoryImporter
from .scheduler import SchedulerLease
from .webhook import LeadWebhook

type FlipsnackConfigEntry = ConfigEntry[FlipsnackData]


@dataclass(kw_only=True, slots=True)
class FlipsnackData:
    """What a loaded Flipsnack entry holds while it runs."""

    client: FlipsnackClient
    scheduler: SchedulerLease
    account_device_id: str
    account: FlipsnackAccountCoordinator
    # None while the entry tracks no flipbooks: then no call is made for them.
    flipbooks: FlipsnackFlipbooksCoordinator | None = None
    # None while history is off, or no flipbook is tracked.
    history: HistoryImporter | None = None
    # The workspace webhook; None while lead forms and orders are both off.
    lead_webhook: LeadWebhook | None = None
    # What the statistics action fetched recently.
    action_cache: ActionCache = field(default_factory=ActionCache)
