"""A demo Flipsnack account for `scripts/develop`, served by the tests' fake Flipsnack.

The demo account looks like a real customer's: a dozen flipbooks of a furniture and
homeware retailer, public, unlisted and editable, with 90 days of daily figures.
While the demo runs, readers keep arriving, so that Home Assistant's graphs move and
its long-term statistics fill. Everything lives in `FakeFlipsnack`, the fake the tests
use (tests/fake_flipsnack.py); this module only seeds it, makes it grow and keeps it in a
JSON file, so that a second start goes on where the first one stopped.

    python -m scripts.demo_flipsnack --port 8765 --state config/.flipsnack-demo.json

The API answers on http://127.0.0.1:PORT/v1/. Next to it, on the same loopback port,
a few developer controls answer JSON with the account's credentials and totals:

    GET  /demo/account        the current API key, API secret and totals
    POST /demo/rotate-secret  gives the account a new API secret, so that Home
                              Assistant's re-authentication can be shown
    POST /demo/grow           adds a minute's worth of readers at once

Lead forms and orders cannot come from the demo API, since Flipsnack pushes them to a
webhook; a command posts one, as Flipsnack would, to the URL that Home Assistant's Lead
forms and orders options show (Home Assistant must run in demo mode to show a plain-HTTP
one, as scripts/develop does):

    python -m scripts.demo_flipsnack send-lead URL [--flipbook HASH]
    python -m scripts.demo_flipsnack send-order URL [--unpriced]
"""

import argparse
import asyncio
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
import errno
from http import HTTPStatus
import json
from pathlib import Path
import random
import re
import signal
import sys
from typing import Any, Final

import aiohttp
from aiohttp import web

from tests.fake_flipsnack import (
    FakeAccount,
    FakeFigures,
    FakeFlipbook,
    FakeFlipsnack,
    FakeOrderItem,
    order_post,
)

DEMO_API_KEY: Final = "DEMO-KEY-7832"
FIRST_API_SECRET: Final = "DEMO-SECRET-1"  # noqa: S105 - the demo's published secret
HOST: Final = "127.0.0.1"
DEFAULT_PORT: Final = 8765
DEFAULT_STATE: Final = Path("config/.flipsnack-demo.json")
HOME_ASSISTANT_URL: Final = "http://localhost:8123"
GROW_EVERY: Final = 60.0  # seconds
STATE_VERSION: Final = 1

# What a fresh demo starts with. A fixed seed makes every fresh demo look the same
# (only the dates move with the calendar), which the README's screenshots rely on.
SEED: Final = 7832
HISTORY_DAYS: Final = 90
SATURDAY: Final = 5  # date.weekday() of the first day of the weekend
API_UPLOADS_LEFT: Final = 968

# How readers behave, per minute and per impression; the seeded history follows the
# same averages, so that a running demo does not look unlike its past.
IMPRESSIONS_PER_MINUTE: Final = (1, 6)
VIEW_CHANCE: Final = 0.55
SECONDS_PER_VIEW: Final = (15, 240)
DOWNLOAD_CHANCE: Final = 0.04
NEXT_PAGE_CHANCE: Final = 0.9
CLICK_CHANCE: Final = 0.08

EDITABLE: Final = "editable"
FIGURES: Final = ("impressions", "views", "time_spent", "downloads")
_SECRET = re.compile(r"DEMO-SECRET-([0-9]+)")


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """A flipbook of the fresh demo account.

    Attributes:
        hash: The `collectionHash`.
        title: The `collectionTitle`.
        status: The `collectionStatus`.
        description: The `collectionDescription`.
        pages: How many pages the flipbook has.
        readers: Its share of the account's readers; 0 for drafts, which nobody
            can open.
        age: Days since it was published; the history starts then.
    """

    hash: str
    title: str
    status: str
    description: str
    pages: int
    readers: int = 0
    age: int = HISTORY_DAYS


CATALOG: Final = (
    CatalogEntry(
        "k7m2q9x",
        "Spring/Summer Catalogue 2026",
        "public",
        "Sofas, tables, lighting and textiles of the new season.",
        pages=48,
        readers=24,
    ),
    CatalogEntry(
        "p3v8n1c",
        "Autumn/Winter Catalogue 2025",
        "public",
        "Last season's catalogue, with the pieces still in stock.",
        pages=52,
        readers=9,
    ),
    CatalogEntry(
        "r5t2w8b",
        "Outdoor Living Lookbook",
        "public",
        "Garden furniture, parasols and outdoor lighting in use.",
        pages=32,
        readers=14,
        age=41,
    ),
    CatalogEntry(
        "h9d4j6s",
        "Kitchen & Dining Collection",
        "public",
        "Dining tables, chairs, tableware and kitchen storage.",
        pages=40,
        readers=10,
    ),
    CatalogEntry(
        "c2y7f5l",
        "Care and Assembly Guide",
        "public",
        "How to assemble, clean and look after our furniture.",
        pages=16,
        readers=6,
    ),
    CatalogEntry(
        "w4g8z3e",
        "Store Opening Flyer: Rotterdam",
        "public",
        "Opening week offers of the new Rotterdam store.",
        pages=4,
        readers=5,
        age=12,
    ),
    CatalogEntry(
        "m6b1x7u",
        "Retail Price List 2026",
        "unlisted",
        "Prices of the 2026 range, including VAT.",
        pages=12,
        readers=8,
    ),
    CatalogEntry(
        "t8q3k2a",
        "Trade Partner Price List 2026",
        "unlisted",
        "Net prices and delivery terms for trade partners.",
        pages=20,
        readers=4,
    ),
    CatalogEntry(
        "f1n9r4d",
        "Annual Report 2025",
        "unlisted",
        "Figures and highlights of the year, for shareholders.",
        pages=36,
        readers=2,
        age=27,
    ),
    CatalogEntry(
        "v5s2p8o",
        "Staff Welcome Handbook",
        "unlisted",
        "Everything new colleagues in our stores need to know.",
        pages=24,
        readers=1,
    ),
    CatalogEntry(
        "e7l3c6i",
        "Holiday Gift Guide 2026 (draft)",
        EDITABLE,
        "Gift ideas under 25, 50 and 100 euros.",
        pages=28,
    ),
    CatalogEntry(
        "b4u9h2y",
        "Bathroom Collection (draft)",
        EDITABLE,
        "Cabinets, mirrors and towels of the coming bathroom range.",
        pages=44,
    ),
)


# The flipbooks readers can open, and so fill in a lead form in.
LEAD_FLIPBOOKS: Final = tuple(entry for entry in CATALOG if entry.status != EDITABLE)
# Made-up readers who fill in a lead form: reserved example domains, and phone numbers
# from ranges set aside for fiction or not given out.
LEAD_READERS: Final[tuple[Mapping[str, str], ...]] = (
    {
        "Name": "Marta Jansen",
        "Email": "marta.jansen@example.com",
        "Phone": "+31 6 5555 0142",
        "Message": "Do you deliver the Lund sofa to Utrecht, and how soon?",
    },
    {
        "Name": "Tom Becker",
        "Email": "tom.becker@example.org",
        "Phone": "+49 30 5555 1718",
        "Message": "Please send me your trade terms for a hotel refurbishment.",
    },
    {
        "Name": "Sofia Rossi",
        "Email": "sofia.rossi@example.net",
        "Phone": "+39 02 5555 3391",
        "Message": "Is the outdoor dining set also available in grey?",
    },
    {
        "Name": "James Carter",
        "Email": "j.carter@example.com",
        "Phone": "+1 202 555 0187",
        "Message": "I'd like a call about furnishing our new office.",
    },
)
# What buyers order from the shoppable catalogs: priced products in euros, and free
# samples from a catalog without prices.
ORDER_PRODUCTS: Final = (
    FakeOrderItem(sku="LUND-SOFA-3", name="Lund 3-seat sofa, sand", price=1249.0),
    FakeOrderItem(sku="OAK-CHAIR-2", name="Oak dining chair", quantity=4, price=189.5),
    FakeOrderItem(sku="ASH-TABLE-180", name="Ash dining table 180 cm", price=899.0),
    FakeOrderItem(sku="LINEN-THROW", name="Linen throw, moss", quantity=2, price=59.9),
    FakeOrderItem(sku="TERRA-POT-L", name="Terracotta planter, large", price=74.0),
)
SAMPLE_PRODUCTS: Final = (
    FakeOrderItem(sku="SWATCH-BOUCLE", name="Fabric swatch, bouclé"),
    FakeOrderItem(sku="SWATCH-LINEN", name="Fabric swatch, linen", quantity=3),
    FakeOrderItem(sku="FINISH-OAK", name="Wood finish sample, oak"),
)
SEND_TIMEOUT: Final = 10.0  # seconds


class DemoError(Exception):
    """The demo cannot start; the message says why."""


def utc_today() -> date:
    """Return today's date in UTC, the day the fake keeps figures by."""
    return datetime.now(UTC).date()


class DemoAccount:
    """The demo account in a fake Flipsnack, and the JSON file it is kept in.

    Attributes:
        fake: The fake Flipsnack that serves the account.
        path: The state file.
        rng: Where the readers' behaviour comes from; tests pass a seeded one.
        api_key: The account's API key.
        api_uploads_left: What `user.getStats` answers for the uploads left.
        last_day: The last day the account has figures for.
    """

    def __init__(
        self, fake: FakeFlipsnack, path: Path, *, rng: random.Random | None = None
    ) -> None:
        """Initialize the account; `load()` or `seed()` gives it its figures."""
        self.fake = fake
        self.path = path
        # Not for security: made-up readers.
        self.rng = rng or random.Random()  # noqa: S311
        self.api_key = DEMO_API_KEY
        self.api_uploads_left = API_UPLOADS_LEFT
        self.last_day: date | None = None

    @property
    def account(self) -> FakeAccount:
        """The account in the fake."""
        return self.fake.accounts[self.api_key]

    @property
    def api_secret(self) -> str:
        """The account's current API secret."""
        return self.account.api_secret

    def seed(self, today: date) -> None:
        """Make the fresh demo account: the catalog and its history up to yesterday."""
        self.fake.add_account(self.api_key, FIRST_API_SECRET)
        history = random.Random(SEED)  # noqa: S311 - made-up readers
        all_readers = sum(entry.readers for entry in CATALOG)
        for entry in CATALOG:
            flipbook = self.fake.add_flipbook(
                self.api_key,
                hash=entry.hash,
                title=entry.title,
                status=entry.status,
                description=entry.description,
            )
            if entry.readers:
                first = today - timedelta(days=entry.age)
                for offset in range(entry.age):
                    day = first + timedelta(days=offset)
                    flipbook.daily[day] = _day_of_readers(
                        history, entry.readers / all_readers, day, offset
                    )
            flipbook.pages = _pages_for(flipbook.totals(), entry.pages)
        self.last_day = today - timedelta(days=1)
        self._update_totals()

    def catch_up(self, today: date) -> None:
        """Give the days the demo did not run, up to yesterday, their readers.

        Without them a second start would show a gap in the daily figures.
        """
        if self.last_day is None:
            return
        day = self.last_day + timedelta(days=1)
        if day >= today:
            return
        published = self._published()
        all_weights = sum(weight for _, weight in published)
        while day < today:
            for flipbook, weight in published:
                flipbook.daily[day] = _day_of_readers(
                    self.rng, weight / all_weights, day, HISTORY_DAYS
                )
            day += timedelta(days=1)
        self.last_day = today - timedelta(days=1)
        self._update_totals()

    def grow(self, today: date) -> None:
        """Add a minute's worth of readers to today's figures."""
        published = self._published()
        if not published:
            return
        flipbooks = [flipbook for flipbook, _ in published]
        weights = [weight for _, weight in published]
        count = self.rng.randint(*IMPRESSIONS_PER_MINUTE)
        for flipbook in self.rng.choices(flipbooks, weights, k=count):
            figures = flipbook.daily.setdefault(today, FakeFigures())
            figures.impressions += 1
            if self.rng.random() < VIEW_CHANCE:
                seconds = self.rng.randint(*SECONDS_PER_VIEW)
                figures.views += 1
                figures.time_spent += seconds
                self._read_pages(flipbook, seconds)
                if self.rng.random() < DOWNLOAD_CHANCE:
                    figures.downloads += 1
        self.last_day = max(self.last_day or today, today)
        self._update_totals()

    def rotate_secret(self) -> str:
        """Give the account a new API secret and return it.

        The secrets count up (DEMO-SECRET-1, DEMO-SECRET-2, …), so that they stay
        easy to type into Home Assistant's form.
        """
        match = _SECRET.fullmatch(self.account.api_secret)
        number = int(match.group(1)) + 1 if match else 2
        self.account.api_secret = f"DEMO-SECRET-{number}"
        return self.account.api_secret

    def to_json(self) -> dict[str, Any]:
        """Return the account as the state file keeps it.

        `stats` is what `user.getStats` answers, for readers of the file such as
        `scripts/check_develop.py`; loading derives it from the flipbooks again.
        """
        return {
            "version": STATE_VERSION,
            "api_key": self.api_key,
            "api_secret": self.api_secret,
            "api_uploads_left": self.api_uploads_left,
            "last_day": None if self.last_day is None else self.last_day.isoformat(),
            "stats": dict(self.account.stats),
            "flipbooks": [
                {
                    "hash": flipbook.hash,
                    "title": flipbook.title,
                    "status": flipbook.status,
                    "description": flipbook.description,
                    "pages": [dict(page) for page in flipbook.pages],
                    "daily": {
                        day.isoformat(): {
                            name: getattr(figures, name) for name in FIGURES
                        }
                        for day, figures in sorted(flipbook.daily.items())
                    },
                }
                for flipbook in self.account.flipbooks.values()
            ],
        }

    def load(self) -> bool:
        """Load the account from the state file; return False if there is none.

        Raises:
            DemoError: The file is not a state file of this demo.
        """
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return False
        except OSError as err:
            raise DemoError(f"cannot read {self.path}: {err.strerror}") from err
        try:
            self._from_json(json.loads(text))
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            # A half-loaded account must not be served or saved over the file.
            self.fake.accounts.pop(self.api_key, None)
            raise DemoError(
                f"{self.path} is not a state file of this demo ({err!r});"
                " delete it to start afresh"
            ) from err
        return True

    def save(self) -> None:
        """Write the account to the state file, replacing it in one step.

        A demo stopped while writing leaves the previous file whole.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_name(self.path.name + ".partial")
        partial.write_text(
            json.dumps(self.to_json(), indent=1) + "\n", encoding="utf-8"
        )
        partial.replace(self.path)

    def _from_json(self, state: dict[str, Any]) -> None:
        """Put the account of a state file into the fake."""
        if state["version"] != STATE_VERSION:
            raise ValueError(f"version {state['version']}, not {STATE_VERSION}")
        self.api_key = str(state["api_key"])
        self.api_uploads_left = int(state["api_uploads_left"])
        last_day = state["last_day"]
        self.last_day = None if last_day is None else date.fromisoformat(last_day)
        self.fake.add_account(self.api_key, str(state["api_secret"]))
        for flipbook in state["flipbooks"]:
            self.fake.add_flipbook(
                self.api_key,
                hash=flipbook["hash"],
                title=flipbook["title"],
                status=flipbook["status"],
                description=flipbook["description"],
                daily={
                    date.fromisoformat(day): FakeFigures(
                        **{name: int(figures[name]) for name in FIGURES}
                    )
                    for day, figures in flipbook["daily"].items()
                },
                pages=flipbook["pages"],
            )
        self._update_totals()

    def _published(self) -> list[tuple[FakeFlipbook, int]]:
        """Return the flipbooks readers can open, each with how popular it is.

        A flipbook's share of new readers is its share of all impressions so far,
        so a popular flipbook stays popular after a restart.
        """
        return [
            (flipbook, flipbook.totals().impressions + 1)
            for flipbook in self.account.flipbooks.values()
            if flipbook.status != EDITABLE
        ]

    def _read_pages(self, flipbook: FakeFlipbook, seconds: int) -> None:
        """Count a view on the pages it went through, from the first on."""
        pages = flipbook.pages
        if not pages:
            return
        read = 1
        while read < len(pages) and self.rng.random() < NEXT_PAGE_CHANCE:
            read += 1
        share, rest = divmod(seconds, read)
        for number, page in enumerate(pages[:read]):
            page["views"] += 1
            page["time_spent"] += share + (rest if number == 0 else 0)
        if self.rng.random() < CLICK_CHANCE:
            pages[self.rng.randrange(read)]["clicks"] += 1

    def _update_totals(self) -> None:
        """Make `user.getStats` answer the sum of the flipbooks' figures.

        The fake answers whatever totals an account holds; a real account's
        totals are its flipbooks' figures added up.
        """
        totals = FakeFigures()
        for flipbook in self.account.flipbooks.values():
            totals.add(flipbook.totals())
        self.account.stats = {
            **{name: getattr(totals, name) for name in FIGURES},
            "api_uploads_left": self.api_uploads_left,
        }


@dataclass(frozen=True)
class ExtraFlipbook:
    """A published flipbook to add to the demo account, with yesterday's figures."""

    hash: str
    title: str
    impressions: int
    views: int
    time_spent: int  # seconds


def write_demo_state(path: Path, extra: Iterable[ExtraFlipbook] = ()) -> None:
    """Write the state file of a fresh demo account, with extra flipbooks.

    The demo loads it at its start, instead of seeding the account itself.
    """
    demo = DemoAccount(FakeFlipsnack(), path)
    today = utc_today()
    demo.seed(today)
    for flipbook in extra:
        figures = FakeFigures(
            impressions=flipbook.impressions,
            views=flipbook.views,
            time_spent=flipbook.time_spent,
        )
        demo.fake.add_flipbook(
            demo.api_key,
            hash=flipbook.hash,
            title=flipbook.title,
            status="public",
            daily={today - timedelta(days=1): figures},
        )
    demo.save()


def _day_of_readers(
    rng: random.Random, share: float, day: date, days_published: int
) -> FakeFigures:
    """Return a day's figures of a flipbook that gets a share of the readers.

    Weekends are quieter, and the first days after publishing busier.
    """
    per_day = sum(IMPRESSIONS_PER_MINUTE) / 2 * 24 * 60
    weekend = 0.6 if day.weekday() >= SATURDAY else 1.0
    launch = 1 + 2 * 0.6**days_published
    impressions = round(per_day * share * weekend * launch * rng.uniform(0.7, 1.3))
    views = round(impressions * VIEW_CHANCE * rng.uniform(0.85, 1.15))
    return FakeFigures(
        impressions=impressions,
        views=views,
        time_spent=round(views * sum(SECONDS_PER_VIEW) / 2 * rng.uniform(0.8, 1.2)),
        downloads=round(views * DOWNLOAD_CHANCE * rng.uniform(0.5, 1.5)),
    )


def _pages_for(totals: FakeFigures, count: int) -> list[dict[str, int]]:
    """Return per-page figures for a flipbook's totals.

    Fewer readers reach each next page; the page times add up to the
    flipbook's time spent, in seconds.
    """
    reach = [NEXT_PAGE_CHANCE**number for number in range(count)]
    views = [round(totals.views * share) for share in reach]
    seconds = [round(totals.time_spent * share / sum(reach)) for share in reach]
    return [
        {
            "page": number,
            "views": page_views,
            "clicks": round(page_views * CLICK_CHANCE),
            "time_spent": page_seconds,
        }
        for number, (page_views, page_seconds) in enumerate(
            zip(views, seconds, strict=True), start=1
        )
    ]


def account_answer(demo: DemoAccount) -> web.Response:
    """Answer a control request with the account's credentials and totals."""
    return web.json_response(
        {
            "api_key": demo.api_key,
            "api_secret": demo.api_secret,
            "stats": dict(demo.account.stats),
        }
    )


def make_app(demo: DemoAccount) -> web.Application:
    """Return the web app of the demo: the fake's API and the developer controls.

    The fake serves itself only on a free port; the demo needs a port that the
    docs can name, so the fake answers the API's calls on the demo's app.
    """

    async def get_account(request: web.Request) -> web.Response:
        return account_answer(demo)

    async def rotate_secret(request: web.Request) -> web.Response:
        secret = demo.rotate_secret()
        demo.save()
        say(
            f"demo: the API secret is now {secret}; Home Assistant asks to"
            " re-authenticate after its next poll"
        )
        return account_answer(demo)

    async def grow(request: web.Request) -> web.Response:
        demo.grow(utc_today())
        demo.save()
        return account_answer(demo)

    app = web.Application()
    demo.fake.add_routes(app)
    app.router.add_get("/demo/account", get_account)
    app.router.add_post("/demo/rotate-secret", rotate_secret)
    app.router.add_post("/demo/grow", grow)
    return app


async def serve(demo: DemoAccount, port: int) -> tuple[web.AppRunner, int]:
    """Serve the demo on 127.0.0.1; return the runner and the port it listens on.

    Raises:
        DemoError: The port is taken.
    """
    # The access log would print every query string, signatures included.
    runner = web.AppRunner(make_app(demo), access_log=None, handler_cancellation=True)
    await runner.setup()
    try:
        await web.TCPSite(runner, HOST, port).start()
    except OSError as err:
        await runner.cleanup()
        if err.errno == errno.EADDRINUSE:
            reason = "the port is taken; is another scripts/develop running?"
        else:
            reason = str(err)
        raise DemoError(f"cannot listen on {HOST}:{port}: {reason}") from err
    return runner, runner.addresses[0][1]


def say(text: str) -> None:
    """Tell the developer something on the console, at once even in a pipe."""
    print(text, flush=True)  # noqa: T201 - the demo's console is its user interface


def banner(demo: DemoAccount, url: str) -> str:
    """Return what the console shows before Home Assistant starts."""
    return (
        f"\nFlipsnack demo: a demo Flipsnack API answers on {url}\n"
        f"(its account is kept in {demo.path}; delete that file to start afresh)\n\n"
        f"  Open {HOME_ASSISTANT_URL} (the first time, create a user), then\n"
        "  Settings > Devices & services > Add integration > Flipsnack, and enter:\n\n"
        f"    API key     {demo.api_key}\n"
        f"    API secret  {demo.api_secret}\n"
    )


async def run(
    *,
    port: int,
    state: Path,
    grow_every: float,
    stop: asyncio.Event,
    on_ready: Callable[[str], None],
) -> None:
    """Serve the demo until `stop` is set, growing it every `grow_every` seconds.

    A `grow_every` of 0 keeps the figures still, as `scripts/develop --check`
    needs them. The state file is written after every change and at the end.

    Args:
        port: The port on 127.0.0.1; 0 for a free one.
        state: The state file.
        grow_every: How often, in seconds, a minute's worth of readers arrives;
            0 for never.
        stop: Set to stop serving.
        on_ready: Called with the API's URL once it answers.

    Raises:
        DemoError: The state file cannot be read, or the port is taken.
    """
    demo = DemoAccount(FakeFlipsnack(), state)
    today = utc_today()
    if not demo.load():
        demo.seed(today)
    demo.catch_up(today)
    demo.save()
    runner, port = await serve(demo, port)
    try:
        url = f"http://{HOST}:{port}/v1/"
        say(banner(demo, url))
        on_ready(url)
        while not stop.is_set():
            try:
                await asyncio.wait_for(stop.wait(), grow_every or None)
            except TimeoutError:
                demo.grow(utc_today())
                demo.save()
    finally:
        await runner.cleanup()
        demo.save()


def sample_lead(
    flipbook: CatalogEntry, reader: Mapping[str, str], now: datetime
) -> dict[str, Any]:
    """Return a lead form submission as Flipsnack posts it to the workspace's webhook.

    Flipsnack documents `data` either as an object of field names and values or as a
    list of them; the integration reads both, and this is the object.
    """
    return {
        "type": "contact",
        "timestamp": int(now.timestamp()),
        "datetime": now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        "flipbook_hash": flipbook.hash,
        "flipbook_title": flipbook.title,
        "data": dict(reader),
    }


async def post_to_webhook(url: str, post: dict[str, Any]) -> int:
    """Post a lead form or an order as JSON to url and return the HTTP status.

    Raises:
        DemoError: Nothing answered, or the URL is not one to post to.
    """
    timeout = aiohttp.ClientTimeout(total=SEND_TIMEOUT)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.post(url, json=post) as response,
        ):
            return response.status
    except (aiohttp.ClientError, TimeoutError) as err:
        raise DemoError(
            f"cannot post to {url}: {str(err) or type(err).__name__}"
        ) from err


def _send(url: str, post: dict[str, Any], what: str) -> None:
    """Post to url, print what was posted and the answer; fail unless it is success.

    Raises:
        DemoError: The post failed, or Home Assistant did not answer with success.
    """
    status = asyncio.run(post_to_webhook(url, post))
    say(f"{what}; Home Assistant answered HTTP {status}")
    if not HTTPStatus.OK <= status < HTTPStatus.MULTIPLE_CHOICES:
        raise DemoError(f"Home Assistant answered HTTP {status}, not success")


def send_lead(
    url: str, *, flipbook_hash: str | None = None, rng: random.Random | None = None
) -> None:
    """Post a made-up lead from one of the demo's flipbooks and print the answer.

    Raises:
        DemoError: The post failed, or Home Assistant did not answer with success.
    """
    rng = rng or random.Random()  # noqa: S311 - made-up readers
    if flipbook_hash is None:
        flipbook = rng.choice(LEAD_FLIPBOOKS)
    else:
        flipbook = next(
            entry for entry in LEAD_FLIPBOOKS if entry.hash == flipbook_hash
        )
    reader = rng.choice(LEAD_READERS)
    lead = sample_lead(flipbook, reader, datetime.now(UTC))
    _send(
        url,
        lead,
        f'send-lead: posted a lead from {reader["Name"]} in "{flipbook.title}"'
        f" ({flipbook.hash})",
    )


def sample_order(
    order_id: str, now: datetime, *, priced: bool, rng: random.Random
) -> dict[str, Any]:
    """Return a made-up order as Flipsnack posts it to the workspace's webhook.

    Priced: one to three of ORDER_PRODUCTS in euros, with their total. Unpriced: free
    samples from a catalog without prices, which Flipsnack posts without a total and
    without a currency. The buyer is one of the made-up readers, with an address.
    """
    reader = rng.choice(LEAD_READERS)
    buyer = {
        "Name": reader["Name"],
        "Email": reader["Email"],
        "Phone": reader["Phone"],
        "Address": "1 Example Street, Springfield",
    }
    products = ORDER_PRODUCTS if priced else SAMPLE_PRODUCTS
    items = rng.sample(products, rng.randint(1, 3))
    return order_post(
        order_id,
        items,
        buyer=buyer,
        currency="EUR" if priced else None,
        submitted_at=now,
    )


def send_order(
    url: str, *, priced: bool = True, rng: random.Random | None = None
) -> None:
    """Post a made-up order, priced or not, and print the answer.

    Raises:
        DemoError: The post failed, or Home Assistant did not answer with success.
    """
    rng = rng or random.Random()  # noqa: S311 - made-up orders
    now = datetime.now(UTC)
    order_id = f"DEMO-{now:%Y%m%d-%H%M%S}-{rng.randint(100, 999)}"
    order = sample_order(order_id, now, priced=priced, rng=rng)
    total = (
        f"{order['total_price']:.2f} {order['currency']}"
        if "total_price" in order
        else "no prices"
    )
    _send(
        url,
        order,
        f"send-order: posted order {order_id} of {len(order['items'])} items"
        f" ({total}) from {order['custom_fields'][0]['field_value']}",
    )


def write_ready_file(path: Path, url: str) -> None:
    """Write the API's URL for whoever waits for the demo to answer.

    The file appears in one step, so a reader never sees half a URL.
    """
    partial = path.with_name(path.name + ".partial")
    partial.write_text(url + "\n", encoding="utf-8")
    partial.replace(path)


def parse_args(argv: Iterable[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(
        prog="python -m scripts.demo_flipsnack",
        description="Serve the demo Flipsnack API on 127.0.0.1 until SIGINT or SIGTERM.",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port on 127.0.0.1, 0 for a free one (default {DEFAULT_PORT})",
    )
    parser.add_argument(
        "--state",
        type=Path,
        default=DEFAULT_STATE,
        help=f"the JSON file the account is kept in (default {DEFAULT_STATE})",
    )
    parser.add_argument(
        "--grow-every",
        type=float,
        default=GROW_EVERY,
        metavar="SECONDS",
        help=f"add a minute of readers this often, 0 never (default {GROW_EVERY:.0f})",
    )
    parser.add_argument(
        "--ready-file",
        type=Path,
        help="write the API's URL here once it answers",
    )
    commands = parser.add_subparsers(
        dest="command", title="commands", metavar="COMMAND"
    )
    send = commands.add_parser(
        "send-lead",
        help="post a sample lead form to Home Assistant instead of serving",
        description=(
            "Post a made-up lead form of one of the demo's published flipbooks to the"
            " URL that Home Assistant's Lead forms options show, as Flipsnack would,"
            " and print the HTTP status Home Assistant answers."
        ),
    )
    send.add_argument("url", help="the webhook URL the Lead forms options show")
    send.add_argument(
        "--flipbook",
        choices=[entry.hash for entry in LEAD_FLIPBOOKS],
        metavar="HASH",
        help="the published flipbook the lead form is in (default: a random one)",
    )
    order = commands.add_parser(
        "send-order",
        help="post a sample order to Home Assistant instead of serving",
        description=(
            "Post a made-up order from the demo's shoppable catalogs to the URL that"
            " Home Assistant's Lead forms and orders options show, as Flipsnack would,"
            " and print the HTTP status Home Assistant answers."
        ),
    )
    order.add_argument("url", help="the webhook URL the options show")
    order.add_argument(
        "--unpriced",
        action="store_true",
        help="free samples from a catalog without prices: no total, no currency",
    )
    return parser.parse_args(None if argv is None else list(argv))


async def _main(args: argparse.Namespace) -> None:
    """Run the demo until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    ready_file: Path | None = args.ready_file

    def on_ready(url: str) -> None:
        if ready_file is not None:
            write_ready_file(ready_file, url)

    await run(
        port=args.port,
        state=args.state,
        grow_every=args.grow_every,
        stop=stop,
        on_ready=on_ready,
    )


def main(argv: Iterable[str] | None = None) -> None:
    """Run the demo or a command; exit non-zero with the reason on failure."""
    args = parse_args(argv)
    try:
        if args.command == "send-lead":
            send_lead(args.url, flipbook_hash=args.flipbook)
        elif args.command == "send-order":
            send_order(args.url, priced=not args.unpriced)
        else:
            asyncio.run(_main(args))
    except DemoError as err:
        sys.exit(f"demo: {err}")


if __name__ == "__main__":
    main()
