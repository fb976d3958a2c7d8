"""Handing what the webhook receives to its event entity, or keeping it until it is there.

The receiver (webhook.py) outlives a reload of its entry, while the entities do not: a
lead or an order that arrives while its entity is not there waits here, in memory and
never on disk, and fires as soon as the entity attaches. A flood must not grow the
memory without bound, so at most MAX_WAITING wait, the oldest going first.
"""

from collections import deque
from collections.abc import Callable
from typing import Final

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback

# Posts kept while no entity fires them.
MAX_WAITING: Final = 100


class Mailbox[T]:
    """Hands each post to the attached entity, or keeps it until one attaches."""

    def __init__(self, hass: HomeAssistant) -> None:
        """Start with no entity attached and nothing waiting."""
        self._hass = hass
        self._deliver: Callable[[T], None] | None = None
        self._waiting: deque[T] = deque()

    def __repr__(self) -> str:
        """Name how many wait, never what: a post may hold a person's data."""
        return f"<Mailbox waiting={len(self._waiting)}>"

    @property
    def waiting(self) -> int:
        """Return how many posts wait for the entity."""
        return len(self._waiting)

    @property
    def attached(self) -> bool:
        """Return whether an entity takes the posts now."""
        return self._deliver is not None

    @callback
    def async_attach(self, deliver: Callable[[T], None]) -> CALLBACK_TYPE:
        """Hand each post to deliver until the returned callback is called.

        The posts that waited follow just after, from the event loop, so that an entity
        attaching while it is added fires each of them as a state of its own.
        """
        self._deliver = deliver
        if self._waiting:
            self._hass.loop.call_soon(self._async_deliver_waiting)

        @callback
        def detach() -> None:
            if self._deliver is deliver:
                self._deliver = None

        return detach

    @callback
    def async_close(self) -> None:
        """Forget the entity and what waits."""
        self._deliver = None
        self._waiting.clear()

    @callback
    def async_deliver(self, post: T) -> bool:
        """Fire post now if nothing waits before it, else keep it; False if one went.

        The oldest post waiting goes when MAX_WAITING wait already.
        """
        if self._deliver is not None and not self._waiting:
            self._deliver(post)
            return True
        dropped = len(self._waiting) >= MAX_WAITING
        if dropped:
            self._waiting.popleft()
        self._waiting.append(post)
        return not dropped

    @callback
    def _async_deliver_waiting(self) -> None:
        while self._waiting and self._deliver is not None:
            self._deliver(self._waiting.popleft())
