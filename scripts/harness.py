"""A throwaway Home Assistant with this integration, next to a demo Flipsnack, over HTTP.

The one harness of `scripts/develop --check` (scripts/check_develop.py), the browser tests
(tests/browser) and `scripts/screenshots`. It runs what `scripts/develop` runs, in a
folder of its own and on free ports: the demo Flipsnack of `scripts/demo_flipsnack.py`
with still figures, and `hass` from the virtual environment with `FLIPSNACK_API_URL`
pointing at it. The owner account is made through the onboarding API, so that a browser
can log in at once; the other onboarding steps are marked done beforehand, so that Home
Assistant adds none of the integrations it offers new users (they would call the
internet). Then Home Assistant's REST API adds the entry, goes through its options and
reads the states.
"""

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
import json
import os
from pathlib import Path
import shutil
import signal
import socket
import subprocess
import sys
import time
from typing import Any
import urllib.error
import urllib.parse
import urllib.request

ROOT = Path(__file__).resolve().parent.parent
USERNAME = "demo"
PASSWORD = "demo-password-7832"  # noqa: S105 - the throwaway owner's
OWNER_NAME = "Demo Owner"
ACCOUNT_VIEWS = "sensor.flipsnack_7832_views"
OPTIONS_MENU = ("flipbooks", "history", "lead_forms")
# Where the REST API starts config flows and options flows, and takes their steps' input.
CONFIG_FLOWS = "/api/config/config_entries/flow"
OPTIONS_FLOWS = "/api/config/config_entries/options/flow"
# The states of an entity that has no value (yet).
NO_VALUE = frozenset({"unknown", "unavailable"})

# Home Assistant starts in 10 to 20 seconds; a busy CI machine may take much longer, and
# on a fresh environment the first config flow installs the requirements of the cloud
# integration, an after-dependency of this one.
START_TIMEOUT = 300.0
STOP_TIMEOUT = 60.0
DEMO_TIMEOUT = 30.0
# How long something Home Assistant does by itself may take, such as entities appearing
# after an entry reloads.
WAIT_TIMEOUT = 60.0
# How long flipbook figures may take after a refresh: should every refresh be lost, the
# statistics rotation brings them a minute later.
ROTATION_TIMEOUT = 90.0
# How long to wait for figures before refreshing again, since a refresh that comes while
# the entry reloads finds no entity and is lost. Each one calls Flipsnack once a flipbook.
REFRESH_AGAIN_AFTER = 15.0

CONFIGURATION = """\
# A throwaway configuration of scripts/harness.py.
homeassistant:
  name: Flipsnack demo
  unit_system: metric
  time_zone: UTC
  country: US
  language: en
  currency: EUR
  latitude: 0
  longitude: 0
  elevation: 0

frontend:
config:
history:
logbook:
recorder:
  # Every second instead of every 5, so that imported statistics show sooner.
  commit_interval: 1

logger:
  default: warning
  logs:
    custom_components.flipsnack: debug
"""

# Every onboarding step but the owner's account, which the harness makes itself.
ONBOARDING = {
    "version": 4,
    "minor_version": 1,
    "key": "onboarding",
    "data": {"done": ["core_config", "analytics", "integration"]},
}


def http_settings(port: int, *, loopback_only: bool) -> dict[str, Any]:
    """Return Home Assistant's stored HTTP settings for a server on this port.

    Since 2026.10 Home Assistant keeps them in .storage/http, and takes `http:` in
    configuration.yaml for a change to confirm in a dialog and a repair. Stored as
    confirmed, they make neither. Without `loopback_only` the server listens on every
    address, as by default.
    """
    settings: dict[str, Any] = {"server_host": ["127.0.0.1"]} if loopback_only else {}
    settings |= {
        "server_port": port,
        "cors_allowed_origins": ["https://cast.home-assistant.io"],
        "login_attempts_threshold": -1,
        "ip_ban_enabled": True,
        "ssl_profile": "modern",
        "use_x_frame_options": True,
        "created_at": "2026-01-01T00:00:00+00:00",
        "error": None,
        "error_message": None,
    }
    return {
        "version": 2,
        "minor_version": 2,
        "key": "http",
        "data": {"stable": settings, "pending": None, "yaml_migration_done": True},
    }


class HarnessError(Exception):
    """Home Assistant or the demo failed: at its start, in what was waited for, or in an answer.

    The message says which.
    """


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def request(
    url: str,
    *,
    data: Any = None,
    form: Mapping[str, str] | None = None,
    token: str | None = None,
    method: str | None = None,
    timeout: float = 30,
) -> Any:
    """Send a request and return the decoded JSON answer (None for an empty one).

    Raises:
        HarnessError: The server answered with an HTTP error.
    """
    headers = {}
    body = None
    if data is not None:
        body = json.dumps(data).encode()
        headers["Content-Type"] = "application/json"
    elif form is not None:
        body = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310 - loopback URLs
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:  # noqa: S310
            answer = response.read()
    except urllib.error.HTTPError as err:
        text = err.read().decode(errors="replace")[:500]
        path = urllib.parse.urlsplit(url).path
        raise HarnessError(
            f"{req.get_method()} {path} answered {err.code}: {text}"
        ) from err
    return json.loads(answer) if answer else None


def demo_post(command: str, webhook_url: str, *args: str) -> str:
    """Run one of the demo's posting commands (send-lead, send-order) on webhook_url.

    Returns:
        What the command printed.

    Raises:
        HarnessError: It failed; its error, without the URL, says why.
    """
    result = subprocess.run(  # noqa: S603 - our own command, with our own arguments
        [sys.executable, "-m", "scripts.demo_flipsnack", command, webhook_url, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode:
        # Without the URL, the webhook's only secret, which the command's errors repeat.
        stderr = result.stderr.replace(webhook_url, "<the webhook URL>")
        raise HarnessError(f"{command} failed ({result.returncode}): {stderr[-500:]}")
    return result.stdout


@dataclass(frozen=True)
class Process:
    """A process the harness started, and the file its output goes to."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def alive(self) -> bool:
        """Return whether the process still runs."""
        return self.popen.poll() is None


@contextmanager
def running_process(
    name: str, command: Sequence[str], log: Path, *, cwd: Path, env: Mapping[str, str]
) -> Iterator[Process]:
    """Run a command with its output in `log`, and stop it on leaving.

    It is asked to stop with SIGTERM, and killed if it does not in time.
    """
    with (
        log.open("wb") as output,
        subprocess.Popen(  # noqa: S603 - our own interpreter and programs
            command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT
        ) as popen,
    ):
        try:
            yield Process(name, popen, log)
        finally:
            if popen.poll() is None:
                popen.send_signal(signal.SIGTERM)
                try:
                    popen.wait(STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    popen.kill()


@dataclass
class Sandbox:
    """A running Home Assistant with an owner account, and the demo Flipsnack it uses.

    Attributes:
        workdir: Home Assistant's configuration folder; the demo's state and the logs
            are there too.
        configuration: A folder whose YAML files become Home Assistant's configuration,
            such as scripts/develop's config/; None for `CONFIGURATION`.
        demo_mode: Whether Home Assistant runs in demo mode (`FLIPSNACK_DEMO=1`), as
            scripts/develop runs it, so that lead forms take its plain-HTTP URL.
        loopback_only: Whether Home Assistant listens on 127.0.0.1 only. The webhook
            URL that lead forms show in demo mode is on the machine's network address,
            where Home Assistant listens by default.
        hass: The `hass` program to run, such as the one of .venv-newest; by default
            the one beside this interpreter. The demo always runs with this interpreter.
        url: Home Assistant's base URL, without a trailing slash.
        demo_url: The demo's root URL, where its /demo controls answer.
        token: An access token of the owner, for the REST and WebSocket APIs.
        processes: The demo and Home Assistant, once started.
    """

    workdir: Path
    configuration: Path | None = None
    demo_mode: bool = False
    loopback_only: bool = True
    hass: Path = field(default_factory=lambda: Path(sys.executable).parent / "hass")
    url: str = ""
    demo_url: str = ""
    token: str = ""
    processes: list[Process] = field(default_factory=list)
    _running: ExitStack = field(default_factory=ExitStack, init=False, repr=False)

    @property
    def log(self) -> Path:
        """Home Assistant's log file."""
        return self.workdir / "home-assistant.log"

    @property
    def demo_state(self) -> Path:
        """The demo's state file."""
        return self.workdir / "flipsnack-demo.json"

    # Requests and waiting

    def api(
        self, method: str, path: str, data: Any = None, *, timeout: float = 30
    ) -> Any:
        """Call Home Assistant's REST API as the owner."""
        return request(
            f"{self.url}{path}",
            data=data,
            token=self.token,
            method=method,
            timeout=timeout,
        )

    def wait_for(
        self,
        what: str,
        check: Callable[[], Any],
        timeout: float = WAIT_TIMEOUT,
        *,
        explain: Callable[[], str] | None = None,
    ) -> Any:
        """Wait until `check` returns something true and return it, or fail saying what.

        An error answer of Home Assistant counts as not yet. `explain` adds to the
        failure what is still missing.
        """
        deadline = time.monotonic() + timeout
        while True:
            self.check_alive()
            with suppress(HarnessError):
                if result := check():
                    return result
            if time.monotonic() > deadline:
                detail = f":\n{explain()}" if explain else ""
                raise HarnessError(
                    f"{what} did not happen within {timeout:.0f} s;"
                    f" Home Assistant's log is {self.log}{detail}"
                )
            time.sleep(0.5)

    def check_alive(self) -> None:
        """Fail if Home Assistant or the demo has exited."""
        for process in self.processes:
            if not process.alive():
                raise HarnessError(
                    f"{process.name} exited with {process.popen.returncode};"
                    f" see {process.log}"
                )

    # The demo

    def demo(self, method: str, path: str) -> dict[str, Any]:
        """Call one of the demo's controls, such as ("POST", "/demo/rotate-secret")."""
        answer: dict[str, Any] = request(f"{self.demo_url}{path}", method=method)
        return answer

    def demo_account(self) -> dict[str, Any]:
        """Return the demo's API key, current API secret and account totals."""
        return self.demo("GET", "/demo/account")

    def read_demo_state(self) -> dict[str, Any]:
        """Return the demo's state file: its credentials, totals and flipbooks."""
        state: dict[str, Any] = json.loads(self.demo_state.read_text(encoding="utf-8"))
        return state

    def demo_flipbooks(self) -> dict[str, dict[str, Any]]:
        """Return the demo's flipbooks by title, with their statuses and daily figures."""
        return {
            flipbook["title"]: flipbook
            for flipbook in self.read_demo_state()["flipbooks"]
        }

    # States

    def states(self) -> dict[str, dict[str, Any]]:
        """Return the state of every entity by entity id, as the REST API answers them."""
        return {state["entity_id"]: state for state in self.api("GET", "/api/states")}

    def entity_state(self, entity_id: str) -> dict[str, Any]:
        """Return an entity's state, as the REST API answers it."""
        state: dict[str, Any] = self.api("GET", f"/api/states/{entity_id}")
        return state

    def wait_for_entities(
        self, entity_ids: Iterable[str], when: str, timeout: float = WAIT_TIMEOUT
    ) -> None:
        """Wait until all these entities have a state; fail with the missing ones."""
        wanted = set(entity_ids)
        missing = sorted(wanted)

        def all_there() -> bool:
            missing[:] = sorted(wanted - self.states().keys())
            return not missing

        self.wait_for(
            f"{len(wanted)} entities appearing {when}",
            all_there,
            timeout,
            explain=lambda: f"  {len(missing)} missing, such as {missing[:3]}",
        )

    def wait_for_values(
        self, entity_ids: Iterable[str], what: str, timeout: float = WAIT_TIMEOUT
    ) -> dict[str, dict[str, Any]]:
        """Wait until these entities show a value, not unknown or unavailable.

        Returns:
            Their states by entity id.
        """
        wanted = tuple(entity_ids)

        def with_values() -> dict[str, dict[str, Any]] | None:
            states = {entity_id: self.entity_state(entity_id) for entity_id in wanted}
            if any(state["state"] in NO_VALUE for state in states.values()):
                return None
            return states

        found: dict[str, dict[str, Any]] = self.wait_for(what, with_values, timeout)
        return found

    def refresh_until_values(
        self, entity_ids: Iterable[str], what: str
    ) -> dict[str, dict[str, Any]]:
        """Refresh the first of these entities until they all show a value.

        For the figures of flipbooks just tracked: their entry reloads after its
        options change, and a refresh during the reload is lost.

        Returns:
            Their states by entity id.
        """
        wanted = tuple(entity_ids)
        deadline = time.monotonic() + ROTATION_TIMEOUT
        while True:
            self.refresh(wanted[0])
            left = deadline - time.monotonic()
            try:
                return self.wait_for_values(
                    wanted, what, min(REFRESH_AGAIN_AFTER, left)
                )
            except HarnessError as err:
                self.check_alive()
                if left <= REFRESH_AGAIN_AFTER:
                    raise HarnessError(
                        f"{what} did not happen within {ROTATION_TIMEOUT:.0f} s of"
                        f" refreshes every {REFRESH_AGAIN_AFTER:.0f} s: {err}"
                    ) from err

    def refresh(self, entity_id: str) -> None:
        """Refresh an entity at once, with the action homeassistant.update_entity."""
        self.api(
            "POST",
            "/api/services/homeassistant/update_entity",
            {"entity_id": entity_id},
        )

    # The Flipsnack entry

    def entries(self) -> list[dict[str, Any]]:
        """Return the Flipsnack config entries."""
        entries: list[dict[str, Any]] = self.api(
            "GET", "/api/config/config_entries/entry?domain=flipsnack"
        )
        return entries

    def delete_entries(self) -> None:
        """Delete every Flipsnack config entry."""
        for entry in self.entries():
            self.api("DELETE", f"/api/config/config_entries/entry/{entry['entry_id']}")

    def loaded_entry(self) -> dict[str, Any]:
        """Return the working Flipsnack entry, adding the demo's account if there is none.

        An entry that does not work, because it did not load or waits for
        re-authentication with its sensors unavailable, is deleted and added again.
        """
        entries = self.entries()
        if (
            len(entries) == 1
            and entries[0]["state"] == "loaded"
            and self.entity_state(ACCOUNT_VIEWS)["state"] != "unavailable"
        ):
            return entries[0]
        self.delete_entries()
        entry = self.add_entry()
        self.wait_for(
            "the Flipsnack entry loaded",
            lambda: [e for e in self.entries() if e["state"] == "loaded"],
        )
        return entry

    def start_config_flow(self) -> dict[str, Any]:
        """Start adding a Flipsnack entry; return the config flow's first step."""
        flow: dict[str, Any] = self.api(
            "POST",
            CONFIG_FLOWS,
            {"handler": "flipsnack", "show_advanced_options": False},
            # The first flow loads the integration, which may install requirements.
            timeout=START_TIMEOUT,
        )
        return flow

    def flow_step(
        self, flows: str, flow_id: str, user_input: Mapping[str, Any]
    ) -> dict[str, Any]:
        """Submit the current step of a flow; return the next one.

        Args:
            flows: `CONFIG_FLOWS` or `OPTIONS_FLOWS`, where the flow was started.
            flow_id: The flow's id.
            user_input: What the user enters in the step's form, or picks in its menu.
        """
        result: dict[str, Any] = self.api("POST", f"{flows}/{flow_id}", user_input)
        return result

    def add_entry(self) -> dict[str, Any]:
        """Add the demo's account through the config flow's REST API; return the entry."""
        account = self.demo_account()
        flow = self.start_config_flow()
        result = self.flow_step(
            CONFIG_FLOWS,
            flow["flow_id"],
            {"api_key": account["api_key"], "api_secret": account["api_secret"]},
        )
        if result.get("type") != "create_entry":
            raise HarnessError(f"the demo's credentials made no entry: {result}")
        entry: dict[str, Any] = result["result"]
        return entry

    # The entry's options

    def open_options(self, menu_option: str) -> dict[str, Any]:
        """Open the Flipsnack entry's options at one of their menu's steps; return its form."""
        (entry,) = self.entries()
        flow = self.api("POST", OPTIONS_FLOWS, {"handler": entry["entry_id"]})
        if flow.get("type") != "menu" or flow.get("menu_options") != list(OPTIONS_MENU):
            raise HarnessError(f"the options did not open with their menu: {flow}")
        form = self.flow_step(
            OPTIONS_FLOWS, flow["flow_id"], {"next_step_id": menu_option}
        )
        if (
            form.get("type") != "form"
            or form.get("step_id") != menu_option
            or form.get("errors")
        ):
            raise HarnessError(f"the options menu did not open {menu_option}: {form}")
        return form

    def set_options(
        self, menu_option: str, forms: Sequence[Mapping[str, Any]]
    ) -> dict[str, Any]:
        """Go through the entry's options from their menu, with these forms' input.

        The options abort while the entry reloads, as it does after options that
        changed; they are opened again until it is loaded.

        Returns:
            The last form's result, which saved the options.
        """
        form = self.wait_for(
            f"the options opening at {menu_option}",
            lambda: self.open_options(menu_option),
        )
        flow_id = form["flow_id"]
        result: dict[str, Any] = {}
        for user_input in forms:
            result = self.flow_step(OPTIONS_FLOWS, flow_id, user_input)
        if result.get("type") != "create_entry":
            raise HarnessError(f"the options did not save: {result}")
        return result

    # Starting and stopping

    def start(self) -> None:
        """Start the demo and Home Assistant, and make the owner account.

        Raises:
            HarnessError: Either did not start; `stop()` stops what did.
        """
        self._start_demo()
        self._start_home_assistant()
        self.wait_for("Home Assistant serving its API", self._serving, START_TIMEOUT)
        self.token = self._onboard()
        self.wait_for("Home Assistant running", self._core_running, START_TIMEOUT)

    def stop(self) -> None:
        """Stop Home Assistant, then the demo."""
        self._running.close()

    def _start_demo(self) -> None:
        ready = self.workdir / "demo-url"
        # Still figures, so that the figures to expect are those of the state file.
        command = [sys.executable, "-m", "scripts.demo_flipsnack", "--port", "0"]
        command += ["--state", str(self.demo_state), "--ready-file", str(ready)]
        command += ["--grow-every", "0"]
        self._run("the demo Flipsnack", command, self.workdir / "demo.log", ROOT, {})
        api_url = self.wait_for(
            "the demo Flipsnack answering",
            lambda: ready.is_file() and ready.read_text(encoding="utf-8").strip(),
            DEMO_TIMEOUT,
        )
        self.demo_url = api_url.removesuffix("/").removesuffix("/v1")

    def _start_home_assistant(self) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self._write_configuration(port)
        command = [str(self.hass), "--config", str(self.workdir)]
        command += ["--log-file", str(self.log)]
        env = {"FLIPSNACK_API_URL": f"{self.demo_url}/v1/"}
        if self.demo_mode:
            env["FLIPSNACK_DEMO"] = "1"
        log = self.workdir / "stdout.log"
        self._run("Home Assistant", command, log, self.workdir, env)

    def _run(
        self,
        name: str,
        command: Sequence[str],
        log: Path,
        cwd: Path,
        env: Mapping[str, str],
    ) -> None:
        """Start a process with these variables on top of ours, until `stop()`."""
        # A FLIPSNACK_DEMO left in the shell would turn demo mode on where it is off.
        base = {
            name: value
            for name, value in os.environ.items()
            if name != "FLIPSNACK_DEMO"
        }
        process = self._running.enter_context(
            running_process(name, command, log, cwd=cwd, env={**base, **env})
        )
        self.processes.append(process)

    def _write_configuration(self, port: int) -> None:
        """Write Home Assistant's configuration folder, for a server on this port."""
        if self.configuration is None:
            (self.workdir / "configuration.yaml").write_text(
                CONFIGURATION, encoding="utf-8"
            )
        else:
            for source in self.configuration.glob("*.yaml"):
                shutil.copyfile(source, self.workdir / source.name)
        storage = self.workdir / ".storage"
        storage.mkdir(exist_ok=True)
        (storage / "onboarding").write_text(json.dumps(ONBOARDING), encoding="utf-8")
        (storage / "http").write_text(
            json.dumps(http_settings(port, loopback_only=self.loopback_only)),
            encoding="utf-8",
        )
        custom = self.workdir / "custom_components"
        if not custom.exists():
            custom.symlink_to(ROOT / "custom_components")

    def _serving(self) -> bool:
        try:
            request(f"{self.url}/api/onboarding", timeout=5)
        except urllib.error.URLError, ConnectionError, TimeoutError:
            return False
        return True

    def _core_running(self) -> bool:
        config = self.api("GET", "/api/config")
        return bool(config["state"] == "RUNNING")

    def _onboard(self) -> str:
        """Make the owner account and return an access token for it."""
        client_id = f"{self.url}/"
        user = request(
            f"{self.url}/api/onboarding/users",
            data={
                "client_id": client_id,
                "name": OWNER_NAME,
                "username": USERNAME,
                "password": PASSWORD,
                "language": "en",
            },
        )
        tokens = request(
            f"{self.url}/auth/token",
            form={
                "grant_type": "authorization_code",
                "code": user["auth_code"],
                "client_id": client_id,
            },
        )
        return str(tokens["access_token"])


@contextmanager
def running_sandbox(workdir: Path, **options: Any) -> Iterator[Sandbox]:
    """Run a sandbox in `workdir` (made if missing) and stop it afterwards.

    The options are those of `Sandbox`, such as `demo_mode=True`.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    sandbox = Sandbox(workdir, **options)
    try:
        sandbox.start()
        yield sandbox
    finally:
        sandbox.stop()
