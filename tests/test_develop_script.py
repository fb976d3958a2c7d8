"""scripts/develop stops Home Assistant cleanly, then the demo, however it is stopped.

The script runs in a copy of the project's layout where Home Assistant and the demo are
small stand-ins that write what happens to them into a log. The Home Assistant stand-in
answers signals as Home Assistant does (homeassistant/helpers/signal.py): the first SIGINT
or SIGTERM starts a clean shutdown and puts the default handlers back, so that a second
one ends it at once, halfway through.
"""

from collections.abc import Iterator
import contextlib
import os
from pathlib import Path
import signal
import subprocess
import sys
import time

import pytest

ROOT = Path(__file__).parent.parent
# Safety limits for real processes; nothing is measured against them.
PATIENCE_S = 30

HASS_STAND_IN = """
import os, signal, sys, time
from pathlib import Path

Path("hass.pid").write_text(str(os.getpid()))

def log(line):
    with open("events.log", "a") as events:
        events.write(line + "\\n")

def stop(signum, frame):
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    log("hass stopping")
    time.sleep(1)  # the shutdown: a second signal in here ends it
    log("hass stopped")
    sys.exit(0)

signal.signal(signal.SIGINT, stop)
signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGHUP, stop)
log("hass started")
while True:
    time.sleep(0.05)
"""

DEMO_STAND_IN = """
import os, signal, sys, time
from pathlib import Path

Path("demo.pid").write_text(str(os.getpid()))

def stop(signum, frame):
    with open("events.log", "a") as events:
        events.write("demo stopped\\n")
    sys.exit(0)

signal.signal(signal.SIGINT, stop)
signal.signal(signal.SIGTERM, stop)
Path(sys.argv[sys.argv.index("--ready-file") + 1]).write_text("http://127.0.0.1:1/v1/")
while True:
    time.sleep(0.05)
"""


def _executable(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(0o755)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The script in a project whose setup does nothing and whose programs are stand-ins."""
    _executable(
        tmp_path / "scripts" / "develop", (ROOT / "scripts" / "develop").read_text()
    )
    _executable(tmp_path / "scripts" / "setup", "#!/bin/sh\nexit 0\n")
    (tmp_path / "hass.py").write_text(HASS_STAND_IN)
    (tmp_path / "demo.py").write_text(DEMO_STAND_IN)
    # `.venv/bin/python -m scripts.demo_flipsnack ...` runs the demo stand-in.
    _executable(
        tmp_path / ".venv" / "bin" / "python",
        f'#!/bin/sh\nshift 2\nexec {sys.executable} demo.py "$@"\n',
    )
    _executable(
        tmp_path / ".venv" / "bin" / "hass",
        f"#!/bin/sh\nexec {sys.executable} hass.py\n",
    )
    (tmp_path / "config").mkdir()
    return tmp_path


@pytest.fixture
def develop(project: Path) -> Iterator[subprocess.Popen[bytes]]:
    """scripts/develop in a process group of its own, once Home Assistant runs."""
    process = subprocess.Popen(  # noqa: S603 - the project's own script
        [project / "scripts" / "develop"],
        cwd=project,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + PATIENCE_S
    while "hass started" not in _events(project):
        assert process.poll() is None, "scripts/develop ended before Home Assistant ran"
        assert time.monotonic() < deadline, "Home Assistant did not start"
        time.sleep(0.05)
    yield process
    # Whatever a failed test left running: the script and each stand-in's process group.
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    for pid_file in ("hass.pid", "demo.pid"):
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            os.kill(int((project / pid_file).read_text()), signal.SIGKILL)


def _events(project: Path) -> list[str]:
    log = project / "events.log"
    return log.read_text().splitlines() if log.exists() else []


@pytest.mark.parametrize(
    ("signum", "whole_group"),
    [
        pytest.param(signal.SIGINT, True, id="Ctrl+C"),
        pytest.param(signal.SIGTERM, True, id="kill the process group"),
        pytest.param(signal.SIGHUP, True, id="terminal closed"),
        pytest.param(signal.SIGTERM, False, id="kill the script"),
    ],
)
def test_stops_home_assistant_cleanly_then_the_demo(
    project: Path,
    develop: subprocess.Popen[bytes],
    signum: signal.Signals,
    whole_group: bool,
) -> None:
    """One signal stops Home Assistant through its clean shutdown, then the demo."""
    if whole_group:
        os.killpg(develop.pid, signum)
    else:
        develop.send_signal(signum)

    assert develop.wait(timeout=PATIENCE_S) == 0
    assert _events(project) == [
        "hass started",
        "hass stopping",
        "hass stopped",
        "demo stopped",
    ]


def test_a_second_ctrl_c_ends_home_assistant_at_once(
    project: Path, develop: subprocess.Popen[bytes]
) -> None:
    """As when Home Assistant runs on its own, a second Ctrl+C does not wait for it."""
    os.killpg(develop.pid, signal.SIGINT)
    deadline = time.monotonic() + PATIENCE_S
    while "hass stopping" not in _events(project):
        assert time.monotonic() < deadline, "Home Assistant did not start stopping"
        time.sleep(0.05)
    os.killpg(develop.pid, signal.SIGINT)

    assert develop.wait(timeout=PATIENCE_S) != 0
    assert _events(project) == ["hass started", "hass stopping", "demo stopped"]
