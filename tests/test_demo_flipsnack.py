"""Tests for the demo Flipsnack account of scripts/develop."""

import asyncio
from collections.abc import AsyncGenerator, Generator
from datetime import UTC, date, datetime, timedelta
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import itertools
import json
from pathlib import Path
import random
import threading
from typing import Any

import aiohttp
from homeassistant.components.webhook import async_generate_path
from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.flipsnack.webhook_orders import parse_order
from custom_components.flipsnack.webhook_posts import parse_lead
from scripts.demo_flipsnack import (
    API_UPLOADS_LEFT,
    CATALOG,
    DEFAULT_PORT,
    DEFAULT_STATE,
    DEMO_API_KEY,
    FIGURES,
    FIRST_API_SECRET,
    GROW_EVERY,
    LEAD_FLIPBOOKS,
    LEAD_READERS,
    DemoAccount,
    DemoError,
    ExtraFlipbook,
    banner,
    main,
    parse_args,
    post_to_webhook,
    run,
    sample_lead,
    sample_order,
    serve,
    utc_today,
    write_demo_state,
    write_ready_file,
)

from .const import WEBHOOK_ID
from .fake_flipsnack import FakeFigures, FakeFlipsnack, signature_for
from .test_webhook import ENTITY_ID as LEAD_FORM_ENTITY_ID

TODAY = date(2026, 11, 28)


def make_demo(path: Path, *, seed: int | None = 1) -> DemoAccount:
    """Return a demo account in a new fake, not yet seeded or loaded."""
    rng = None if seed is None else random.Random(seed)  # noqa: S311 - made-up readers
    return DemoAccount(FakeFlipsnack(), path, rng=rng)


def summed(demo: DemoAccount) -> dict[str, int]:
    """Return the flipbooks' figures added up."""
    return {
        name: sum(
            getattr(flipbook.totals(), name)
            for flipbook in demo.account.flipbooks.values()
        )
        for name in FIGURES
    }


def signed(action: str, api_key: str, secret: str) -> dict[str, str]:
    """Return the parameters of a signed call."""
    params = {"action": action, "apiKey": api_key}
    return {**params, "signature": signature_for(secret, params)}


@pytest.fixture
def demo(tmp_path: Path) -> DemoAccount:
    """Return a freshly seeded demo account."""
    demo = make_demo(tmp_path / "demo.json")
    demo.seed(TODAY)
    return demo


@pytest.fixture
async def served(
    socket_enabled: None, demo: DemoAccount
) -> AsyncGenerator[tuple[DemoAccount, str]]:
    """Serve the demo on a free port of 127.0.0.1; yield it and its root URL."""
    # Each call of the tests comes two seconds after the last one, so that the
    # fake's rate limits do not get in the way.
    ticks = itertools.count(step=2)
    demo.fake.clock = lambda: float(next(ticks))
    runner, port = await serve(demo, 0)
    yield demo, f"http://127.0.0.1:{port}"
    await runner.cleanup()


async def api_call(
    session: aiohttp.ClientSession, root: str, params: dict[str, str]
) -> dict[str, Any]:
    """Call the demo's Flipsnack API and return its JSON answer."""
    async with session.get(f"{root}/v1/", params=params) as response:
        answer: dict[str, Any] = await response.json()
        return answer


async def control(
    session: aiohttp.ClientSession, root: str, method: str, path: str
) -> dict[str, Any]:
    """Use one of the demo's developer controls and return its JSON answer."""
    async with session.request(method, f"{root}/demo/{path}") as response:
        assert response.status == 200
        answer: dict[str, Any] = await response.json()
        return answer


def test_seed_makes_a_dozen_flipbooks_of_every_status(demo: DemoAccount) -> None:
    """A fresh account has a dozen titled flipbooks: public, unlisted and editable."""
    flipbooks = list(demo.account.flipbooks.values())

    assert len(flipbooks) == 12
    assert {flipbook.status for flipbook in flipbooks} == {
        "public",
        "unlisted",
        "editable",
    }
    assert len({flipbook.title for flipbook in flipbooks}) == 12
    assert all(flipbook.description and flipbook.pages for flipbook in flipbooks)
    assert demo.api_secret == FIRST_API_SECRET
    assert demo.last_day == TODAY - timedelta(days=1)


def test_seed_gives_published_flipbooks_a_history(demo: DemoAccount) -> None:
    """Published flipbooks have figures for past days only; drafts have none."""
    for flipbook in demo.account.flipbooks.values():
        if flipbook.status == "editable":
            assert not flipbook.daily
            assert all(page["views"] == 0 for page in flipbook.pages)
            continue
        assert flipbook.daily
        assert max(flipbook.daily) == TODAY - timedelta(days=1)
        totals = flipbook.totals()
        assert 0 < totals.downloads < totals.views < totals.impressions
        assert totals.time_spent > totals.views
        assert flipbook.pages[0]["views"] == totals.views
        assert sum(page["time_spent"] for page in flipbook.pages) == pytest.approx(
            totals.time_spent, abs=len(flipbook.pages)
        )


def test_seed_gives_the_oldest_flipbooks_ninety_days(demo: DemoAccount) -> None:
    """The flipbooks published longest ago have figures for each of the last 90 days."""
    oldest = min(
        min(flipbook.daily)
        for flipbook in demo.account.flipbooks.values()
        if flipbook.daily
    )
    longest = [
        flipbook
        for flipbook in demo.account.flipbooks.values()
        if flipbook.daily and min(flipbook.daily) == oldest
    ]

    assert oldest == TODAY - timedelta(days=90)
    assert longest
    assert all(len(flipbook.daily) == 90 for flipbook in longest)


def test_seed_is_the_same_every_time(tmp_path: Path) -> None:
    """Two fresh accounts of the same day are the same, whatever the demo's rng."""
    first = make_demo(tmp_path / "a.json", seed=1)
    second = make_demo(tmp_path / "b.json", seed=2)
    first.seed(TODAY)
    second.seed(TODAY)

    assert first.to_json() == second.to_json()


def test_account_totals_are_the_flipbooks_figures(demo: DemoAccount) -> None:
    """user.getStats answers the flipbooks' figures added up."""
    assert demo.account.stats == {
        **summed(demo),
        "api_uploads_left": API_UPLOADS_LEFT,
    }


def test_grow_adds_readers_to_today(demo: DemoAccount) -> None:
    """Every minute of readers raises the totals and today's figures."""
    before = dict(demo.account.stats)
    drafts = {
        flipbook.hash: flipbook.totals()
        for flipbook in demo.account.flipbooks.values()
        if flipbook.status == "editable"
    }
    page_views = sum(
        page["views"]
        for flipbook in demo.account.flipbooks.values()
        for page in flipbook.pages
    )

    impressions = [demo.account.stats["impressions"]]
    for _ in range(30):
        demo.grow(TODAY)
        impressions.append(demo.account.stats["impressions"])

    after = demo.account.stats
    assert impressions == sorted(set(impressions)), "every minute adds impressions"
    for name in FIGURES:
        assert after[name] > before[name], name
    assert after["api_uploads_left"] == before["api_uploads_left"]
    assert after == {**summed(demo), "api_uploads_left": API_UPLOADS_LEFT}
    assert (
        sum(
            flipbook.daily[TODAY].impressions
            for flipbook in demo.account.flipbooks.values()
            if TODAY in flipbook.daily
        )
        == after["impressions"] - before["impressions"]
    )
    for flipbook_hash, totals in drafts.items():
        assert demo.account.flipbooks[flipbook_hash].totals() == totals
    assert (
        sum(
            page["views"]
            for flipbook in demo.account.flipbooks.values()
            for page in flipbook.pages
        )
        > page_views
    )
    assert demo.last_day == TODAY


def test_catch_up_fills_the_days_the_demo_did_not_run(demo: DemoAccount) -> None:
    """A start days later gives the missed days figures, up to yesterday."""
    before = dict(demo.account.stats)
    later = TODAY + timedelta(days=3)

    demo.catch_up(later)

    for flipbook in demo.account.flipbooks.values():
        if flipbook.status != "editable":
            assert {TODAY, TODAY + timedelta(days=1), TODAY + timedelta(days=2)} <= set(
                flipbook.daily
            )
            assert later not in flipbook.daily
    assert demo.last_day == later - timedelta(days=1)
    assert demo.account.stats["impressions"] > before["impressions"]
    assert demo.account.stats == {**summed(demo), "api_uploads_left": API_UPLOADS_LEFT}

    caught_up = demo.to_json()
    demo.catch_up(later)
    assert demo.to_json() == caught_up


def test_catch_up_does_nothing_without_a_history(tmp_path: Path) -> None:
    """An account with no last day has nothing to catch up on."""
    demo = make_demo(tmp_path / "demo.json")
    demo.fake.add_account(DEMO_API_KEY, FIRST_API_SECRET)

    demo.catch_up(TODAY)

    assert demo.last_day is None
    assert not demo.account.flipbooks


def test_grow_without_published_flipbooks_adds_nothing(tmp_path: Path) -> None:
    """Drafts get no readers, so an account of drafts only stays still."""
    demo = make_demo(tmp_path / "demo.json")
    demo.fake.add_account(DEMO_API_KEY, FIRST_API_SECRET)
    demo.fake.add_flipbook(
        DEMO_API_KEY, hash="draft01", title="A draft", status="editable"
    )

    demo.grow(TODAY)

    assert not demo.account.flipbooks["draft01"].daily
    assert demo.last_day is None


def test_rotate_secret_counts_up(demo: DemoAccount) -> None:
    """Each rotation gives the next easy-to-type secret."""
    assert demo.rotate_secret() == "DEMO-SECRET-2"
    assert demo.rotate_secret() == "DEMO-SECRET-3"
    assert demo.account.api_secret == "DEMO-SECRET-3"

    demo.account.api_secret = "typed by hand"
    assert demo.rotate_secret() == "DEMO-SECRET-2"


def test_state_saves_and_reloads_identically(demo: DemoAccount, tmp_path: Path) -> None:
    """A second start finds the account exactly as the first one left it."""
    for _ in range(5):
        demo.grow(TODAY)
    demo.rotate_secret()
    demo.save()

    reloaded = make_demo(demo.path, seed=None)
    assert reloaded.load()

    assert reloaded.to_json() == demo.to_json()
    assert reloaded.account.stats == demo.account.stats
    assert reloaded.account.flipbooks == demo.account.flipbooks
    assert json.loads(demo.path.read_text(encoding="utf-8")) == demo.to_json()
    assert not list(tmp_path.glob("*.partial"))


def test_write_demo_state_adds_published_flipbooks_with_yesterdays_figures(
    tmp_path: Path,
) -> None:
    """The state file of the browser tests: a fresh account and their own flipbooks."""
    path = tmp_path / "state.json"
    write_demo_state(path, (ExtraFlipbook("bt154sx", "Extra", 3, 2, 154),))

    demo = make_demo(path)
    assert demo.load()
    assert len(demo.account.flipbooks) == len(CATALOG) + 1
    extra = demo.account.flipbooks["bt154sx"]
    assert (extra.title, extra.status) == ("Extra", "public")
    yesterday = utc_today() - timedelta(days=1)
    assert extra.daily == {yesterday: FakeFigures(3, 2, 154)}


def test_load_without_a_state_file(tmp_path: Path) -> None:
    """Without a state file there is nothing to load, and the demo seeds instead."""
    demo = make_demo(tmp_path / "missing" / "demo.json")

    assert not demo.load()
    assert not demo.fake.accounts


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "{}",
        "[]",
        '{"version": 2}',
    ],
)
def test_load_refuses_another_file(tmp_path: Path, text: str) -> None:
    """A file that is not this demo's state is reported, not served or overwritten."""
    path = tmp_path / "demo.json"
    path.write_text(text, encoding="utf-8")
    demo = make_demo(path)

    with pytest.raises(DemoError, match="delete it to start afresh"):
        demo.load()

    assert not demo.fake.accounts
    assert path.read_text(encoding="utf-8") == text


def test_load_refuses_a_broken_flipbook(demo: DemoAccount) -> None:
    """A flipbook without its figures makes the whole file unreadable."""
    state = demo.to_json()
    del state["flipbooks"][3]["daily"]
    demo.path.write_text(json.dumps(state), encoding="utf-8")
    reloaded = make_demo(demo.path)

    with pytest.raises(DemoError):
        reloaded.load()

    assert not reloaded.fake.accounts


def test_load_reports_an_unreadable_file(tmp_path: Path) -> None:
    """A state path that cannot be read says why."""
    demo = make_demo(tmp_path)

    with pytest.raises(DemoError, match="cannot read"):
        demo.load()


async def test_server_answers_as_flipsnack(
    served: tuple[DemoAccount, str], session: aiohttp.ClientSession
) -> None:
    """The demo answers the demo credentials with the account, others with 41 or 44."""
    demo, root = served

    answer = await api_call(
        session, root, signed("user.getStats", DEMO_API_KEY, FIRST_API_SECRET)
    )
    assert answer == {"code": 20, "status": "OK", "data": demo.account.stats}

    answer = await api_call(
        session, root, signed("collection.getList", DEMO_API_KEY, FIRST_API_SECRET)
    )
    assert answer["data"]["collectionCount"] == 12
    assert [item["collectionTitle"] for item in answer["data"]["collections"]] == [
        flipbook.title for flipbook in demo.account.flipbooks.values()
    ]

    answer = await api_call(
        session, root, signed("user.getStats", "WRONG-KEY-7832", FIRST_API_SECRET)
    )
    assert answer == {"code": 41, "status": "Invalid credentials"}

    answer = await api_call(
        session, root, signed("user.getStats", DEMO_API_KEY, "DEMO-SECRET-0")
    )
    assert answer == {"code": 44, "status": "Invalid signature"}


async def test_control_rotates_the_secret(
    served: tuple[DemoAccount, str], session: aiohttp.ClientSession
) -> None:
    """After a rotation the old secret gives 44 and the new one works, also after a restart."""
    demo, root = served

    answer = await control(session, root, "POST", "rotate-secret")

    assert answer == {
        "api_key": DEMO_API_KEY,
        "api_secret": "DEMO-SECRET-2",
        "stats": demo.account.stats,
    }
    old = await api_call(
        session, root, signed("user.getStats", DEMO_API_KEY, FIRST_API_SECRET)
    )
    assert old["code"] == 44
    new = await api_call(
        session, root, signed("user.getStats", DEMO_API_KEY, "DEMO-SECRET-2")
    )
    assert new["code"] == 20
    saved = json.loads(demo.path.read_text(encoding="utf-8"))
    assert saved["api_secret"] == "DEMO-SECRET-2"


async def test_control_grows_and_shows_the_account(
    served: tuple[DemoAccount, str], session: aiohttp.ClientSession
) -> None:
    """The grow control adds readers at once and saves them; the account control shows them."""
    demo, root = served
    before = await control(session, root, "GET", "account")

    grown = await control(session, root, "POST", "grow")

    assert grown["stats"]["impressions"] > before["stats"]["impressions"]
    assert grown == await control(session, root, "GET", "account")
    saved = json.loads(demo.path.read_text(encoding="utf-8"))
    assert saved["stats"] == grown["stats"]
    answer = await api_call(
        session, root, signed("user.getStats", DEMO_API_KEY, FIRST_API_SECRET)
    )
    assert answer["data"] == grown["stats"]


async def test_serve_reports_a_taken_port(
    served: tuple[DemoAccount, str],
) -> None:
    """A second demo on the same port says that the port is taken."""
    demo, root = served
    port = int(root.rsplit(":", 1)[1])

    with pytest.raises(
        DemoError, match=f"cannot listen on 127.0.0.1:{port}: the port is taken"
    ):
        await serve(demo, port)


@pytest.mark.usefixtures("socket_enabled")
async def test_run_grows_saves_and_starts_again_where_it_stopped(
    tmp_path: Path,
    session: aiohttp.ClientSession,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The entry point serves, grows and saves; a second run reuses the state."""
    state = tmp_path / "config" / ".flipsnack-demo.json"
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[str] = loop.create_future()
    stop = asyncio.Event()
    task = asyncio.create_task(
        run(port=0, state=state, grow_every=0.01, stop=stop, on_ready=ready.set_result)
    )
    url = await ready
    root = url.removesuffix("/v1/")
    first = json.loads(state.read_text(encoding="utf-8"))
    # The demo's growth timer was set before this one, so it fires first.
    await asyncio.sleep(0.1)
    grown = await control(session, root, "GET", "account")
    await control(session, root, "POST", "rotate-secret")
    stop.set()
    await task

    assert grown["stats"]["impressions"] > first["stats"]["impressions"]
    saved = json.loads(state.read_text(encoding="utf-8"))
    assert saved["stats"]["impressions"] >= grown["stats"]["impressions"]
    output = capsys.readouterr().out
    assert f"answers on {url}" in output
    assert f"API key     {DEMO_API_KEY}" in output
    assert f"API secret  {FIRST_API_SECRET}" in output

    ready = loop.create_future()
    stop = asyncio.Event()
    task = asyncio.create_task(
        run(port=0, state=state, grow_every=0, stop=stop, on_ready=ready.set_result)
    )
    root = (await ready).removesuffix("/v1/")
    again = await control(session, root, "GET", "account")
    stop.set()
    await task

    assert again == {
        "api_key": DEMO_API_KEY,
        "api_secret": "DEMO-SECRET-2",
        "stats": saved["stats"],
    }
    assert "API secret  DEMO-SECRET-2" in capsys.readouterr().out


def test_write_ready_file(tmp_path: Path) -> None:
    """The ready file holds the URL and nothing is left beside it."""
    write_ready_file(tmp_path / "ready", "http://127.0.0.1:8765/v1/")

    assert [path.name for path in tmp_path.iterdir()] == ["ready"]
    assert (tmp_path / "ready").read_text(encoding="utf-8") == (
        "http://127.0.0.1:8765/v1/\n"
    )


def test_banner_names_home_assistant_and_the_credentials(demo: DemoAccount) -> None:
    """The console shows where to go and what to type."""
    text = banner(demo, "http://127.0.0.1:8765/v1/")

    assert "http://localhost:8123" in text
    assert "http://127.0.0.1:8765/v1/" in text
    assert str(demo.path) in text
    assert DEMO_API_KEY in text
    assert FIRST_API_SECRET in text


def test_parse_args_defaults() -> None:
    """Without arguments the demo serves the documented port and state file."""
    args = parse_args([])

    assert args.command is None
    assert args.port == DEFAULT_PORT == 8765
    assert args.state == DEFAULT_STATE == Path("config/.flipsnack-demo.json")
    assert args.grow_every == GROW_EVERY == 60
    assert args.ready_file is None


def test_parse_args_send_lead() -> None:
    """send-lead takes the URL, and optionally one of the published flipbooks."""
    args = parse_args(["send-lead", "http://127.0.0.1:8123/api/webhook/abc"])
    assert args.command == "send-lead"
    assert args.url == "http://127.0.0.1:8123/api/webhook/abc"
    assert args.flipbook is None

    args = parse_args(["send-lead", "http://host/", "--flipbook", "m6b1x7u"])
    assert args.flipbook == "m6b1x7u"

    with pytest.raises(SystemExit):
        parse_args(["send-lead", "http://host/", "--flipbook", "e7l3c6i"])  # a draft


def test_lead_flipbooks_are_the_published_ones() -> None:
    """Leads come from flipbooks readers can open, never from drafts."""
    assert {entry.hash for entry in LEAD_FLIPBOOKS} == {
        entry.hash for entry in CATALOG if entry.status in {"public", "unlisted"}
    }
    assert len(LEAD_FLIPBOOKS) == 10


def test_sample_leads_are_leads_the_integration_reads() -> None:
    """Every sample lead parses as a lead form, unchanged, with its reader's fields."""
    now = datetime(2026, 11, 28, 9, 30, 15, 750_000, tzinfo=UTC)
    for flipbook in LEAD_FLIPBOOKS:
        for reader in LEAD_READERS:
            payload = sample_lead(flipbook, reader, now)

            lead, notes = parse_lead(json.loads(json.dumps(payload)), received_at=now)

            assert notes == set()
            assert payload["timestamp"] == 1795858215
            assert lead.flipbook_hash == flipbook.hash
            assert lead.flipbook_title == flipbook.title
            assert lead.submitted_at == now.replace(microsecond=0)
            assert lead.fields == reader
    assert {"Name", "Email", "Phone", "Message"} <= set(LEAD_READERS[0])
    assert all(
        reader["Email"].split("@")[1].startswith("example.") for reader in LEAD_READERS
    )


@pytest.mark.usefixtures("init_lead_forms")
async def test_posted_sample_lead_fires_the_lead_form_event(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """A sample lead posted over HTTP to the webhook becomes a Lead form event."""
    client = await hass_client_no_auth()
    url = str(client.make_url(async_generate_path(WEBHOOK_ID)))
    flipbook, reader = LEAD_FLIPBOOKS[2], LEAD_READERS[1]

    status = await post_to_webhook(
        url, sample_lead(flipbook, reader, datetime.now(UTC))
    )
    await hass.async_block_till_done()

    assert status == HTTPStatus.OK
    state = hass.states.get(LEAD_FORM_ENTITY_ID)
    assert state is not None
    assert state.attributes["event_type"] == "contact_submitted"
    assert state.attributes["flipbook_title"] == flipbook.title
    assert state.attributes["flipbook_hash"] == flipbook.hash
    assert state.attributes["fields"] == reader


class _Recorder(BaseHTTPRequestHandler):
    """Answers every POST with the server's status and keeps what was posted."""

    server: _RecordingServer

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        self.server.posts.append(
            (self.path, self.headers["Content-Type"], self.rfile.read(length))
        )
        self.send_response(self.server.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Keep the test output quiet."""


class _RecordingServer(ThreadingHTTPServer):
    posts: list[tuple[str, str, bytes]]
    status: int


@pytest.fixture
def webhook_server(socket_enabled: None) -> Generator[_RecordingServer]:
    """Serve a stand-in for Home Assistant's webhook on 127.0.0.1, in a thread.

    A thread, because the command runs its own event loop with asyncio.run.
    """
    server = _RecordingServer(("127.0.0.1", 0), _Recorder)
    server.posts = []
    server.status = HTTPStatus.OK
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    yield server
    server.shutdown()
    thread.join()
    server.server_close()


def test_send_lead_posts_a_lead_and_prints_the_status(
    webhook_server: _RecordingServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """The documented command posts one lead form as JSON and says what it did."""
    port = webhook_server.server_address[1]
    url = f"http://127.0.0.1:{port}/api/webhook/{WEBHOOK_ID}"

    main(["send-lead", url, "--flipbook", "r5t2w8b"])

    [(path, content_type, body)] = webhook_server.posts
    assert path == f"/api/webhook/{WEBHOOK_ID}"
    assert content_type == "application/json"
    payload = json.loads(body)
    assert payload["type"] == "contact"
    assert payload["flipbook_hash"] == "r5t2w8b"
    assert payload["flipbook_title"] == "Outdoor Living Lookbook"
    assert payload["data"] in [dict(reader) for reader in LEAD_READERS]
    output = capsys.readouterr().out
    assert '"Outdoor Living Lookbook" (r5t2w8b)' in output
    assert "answered HTTP 200" in output
    assert WEBHOOK_ID not in output


def test_send_lead_picks_a_published_flipbook(
    webhook_server: _RecordingServer,
) -> None:
    """Without --flipbook the lead comes from one of the published flipbooks."""
    url = f"http://127.0.0.1:{webhook_server.server_address[1]}/api/webhook/x"

    main(["send-lead", url])

    payload = json.loads(webhook_server.posts[0][2])
    assert payload["flipbook_hash"] in {entry.hash for entry in LEAD_FLIPBOOKS}


def test_send_lead_fails_on_an_error_status(
    webhook_server: _RecordingServer, capsys: pytest.CaptureFixture[str]
) -> None:
    """An answer other than success makes the command fail, after printing it."""
    webhook_server.status = HTTPStatus.NOT_FOUND
    url = f"http://127.0.0.1:{webhook_server.server_address[1]}/api/webhook/x"

    with pytest.raises(SystemExit, match=r"^demo: Home Assistant answered HTTP 404"):
        main(["send-lead", url])

    assert "answered HTTP 404" in capsys.readouterr().out


@pytest.mark.usefixtures("socket_enabled")
def test_send_lead_fails_when_nothing_answers() -> None:
    """A URL where nothing listens makes the command fail with the reason."""
    with pytest.raises(
        SystemExit, match=r"^demo: cannot post to http://127\.0\.0\.1:9/"
    ):
        main(["send-lead", "http://127.0.0.1:9/api/webhook/x"])


async def test_post_lead_refuses_a_url_it_cannot_post_to() -> None:
    """A URL without a scheme is reported as a demo error, not a traceback."""
    with pytest.raises(DemoError, match="cannot post to"):
        await post_to_webhook("127.0.0.1:8123/api/webhook/x", {})


def test_main_exits_with_the_reason(tmp_path: Path) -> None:
    """A state file the demo cannot read stops it with a message, before it serves."""
    state = tmp_path / "demo.json"
    state.write_text("{}", encoding="utf-8")

    with pytest.raises(SystemExit, match=r"^demo: .* delete it to start afresh"):
        main(["--port", "0", "--state", str(state)])


@pytest.mark.parametrize("priced", [True, False])
def test_sample_orders_are_orders_the_integration_reads(priced: bool) -> None:
    """Priced orders have a total in euros; unpriced ones neither total nor currency."""
    now = datetime(2026, 11, 28, 9, 30, 15, tzinfo=UTC)
    rng = random.Random(3)  # noqa: S311 - made-up orders
    for number in range(20):
        payload = sample_order(f"DEMO-{number}", now, priced=priced, rng=rng)

        order, notes = parse_order(json.loads(json.dumps(payload)), received_at=now)

        assert notes == set()
        assert order.order_id == f"DEMO-{number}"
        assert 1 <= len(order.items) <= 3
        assert order.submitted_at == now
        assert set(order.custom_fields) == {"Name", "Email", "Phone", "Address"}
        if priced:
            assert order.currency == "EUR"
            assert order.total_price is not None
            assert order.total_price > 0
            assert all("unit_price" in item for item in order.items)
        else:
            assert order.total_price is None
            assert order.currency is None
            assert not any("unit_price" in item for item in order.items)


@pytest.mark.parametrize(("flag", "priced"), [([], True), (["--unpriced"], False)])
def test_send_order_posts_an_order_and_prints_the_status(
    webhook_server: _RecordingServer,
    capsys: pytest.CaptureFixture[str],
    flag: list[str],
    priced: bool,
) -> None:
    """send-order posts one order as JSON, priced unless --unpriced, and says so."""
    port = webhook_server.server_address[1]
    url = f"http://127.0.0.1:{port}/api/webhook/{WEBHOOK_ID}"

    main(["send-order", url, *flag])

    [(path, content_type, body)] = webhook_server.posts
    assert path == f"/api/webhook/{WEBHOOK_ID}"
    assert content_type == "application/json"
    payload = json.loads(body)
    assert payload["type"] == "orders"
    assert payload["order_id"].startswith("DEMO-")
    assert ("total_price" in payload) is priced
    output = capsys.readouterr().out
    assert f"posted order {payload['order_id']}" in output
    assert ("EUR" in output) is priced
    assert "answered HTTP 200" in output
    assert WEBHOOK_ID not in output


def test_send_order_fails_on_an_error_status(webhook_server: _RecordingServer) -> None:
    """An answer other than success makes the command fail, as send-lead does."""
    webhook_server.status = HTTPStatus.BAD_GATEWAY
    url = f"http://127.0.0.1:{webhook_server.server_address[1]}/api/webhook/x"

    with pytest.raises(SystemExit, match=r"^demo: Home Assistant answered HTTP 502"):
        main(["send-order", url])


@pytest.mark.usefixtures("init_orders")
async def test_posted_sample_order_fires_the_order_event(
    hass: HomeAssistant,
    hass_client_no_auth: ClientSessionGenerator,
) -> None:
    """A sample order posted over HTTP becomes an Order event and a count."""
    client = await hass_client_no_auth()
    url = str(client.make_url(async_generate_path(WEBHOOK_ID)))
    rng = random.Random(5)  # noqa: S311 - made-up orders
    order = sample_order("DEMO-1", datetime.now(UTC), priced=True, rng=rng)

    assert await post_to_webhook(url, order) == HTTPStatus.OK
    await hass.async_block_till_done()

    state = hass.states.get("event.flipsnack_7832_order")
    assert state is not None
    assert state.attributes["event_type"] == "order_submitted"
    assert state.attributes["total_price"] == order["total_price"]
    value = hass.states.get("sensor.flipsnack_7832_order_value_eur")
    assert value is not None
    assert float(value.state) == order["total_price"]
