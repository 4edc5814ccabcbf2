"""Re-take the monitor's screenshots in this folder (run from the repository root).

    python docs/screenshots/capture.py

``run-tui.svg``: ``mission run missions/patrol.mission --backend kinematic --realtime --tui``'s
wiring (in-process), 12 s in, planned path on the map. ``monitor.svg``: ``mission monitor`` attached
with the token to a ``mission run ... --stream`` in a child process. ``replay.svg``: ``mission
replay LOG --tui`` paused at 150 s. ``web.png``: the browser view (textual-serve) of a streamed run,
taken with headless Chromium over its DevTools protocol (skipped with a note if /usr/bin/chromium
is absent).
"""

from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
SIZE = (160, 50)
sys.path.insert(0, str(ROOT))

from bt_runtime.localstream import LocalStream
from quadmission.loading import load_mission
from quadmission.monitored import RunInMonitor
from quadmission.session import RunOptions
from quadmission.webserve import WebServer, monitor_command
from tui.app import MonitorApp, make_monitor
from tui.source import LiveSource, ReplaySource

PATROL = ROOT / "missions" / "patrol.mission"


async def _shoot(app: MonitorApp, name: str, ready: Any, then: Any = None) -> None:
    async with app.run_test(size=SIZE) as pilot:
        deadline = time.monotonic() + 60
        while not ready() and time.monotonic() < deadline:
            await pilot.pause(0.1)
        if then is not None:
            await then(pilot)
        await pilot.pause(0.5)
        app.save_screenshot(str(OUT / name))


def run_tui(log: Path) -> None:
    options = RunOptions(backend="kinematic", seed=3, log=log, realtime=True, quiet=True)
    local = LocalStream()
    run = RunInMonitor(load_mission(str(PATROL)), options, local)
    source = LiveSource("in-process", 0, token=local.token, connect=lambda h, p: local)
    app = make_monitor(source)
    run.start()

    async def follow(pilot: Any) -> None:
        await pilot.press("o")

    try:
        asyncio.run(_shoot(app, "run-tui.svg", lambda: app.model.sim_time >= 12.0, follow))
    finally:
        local.close()
        run.stop()


def _streamed_run(log: Path) -> tuple[subprocess.Popen[str], str, int, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "quadmission", "run", str(PATROL), "--backend", "kinematic",
         "--realtime", "--seed", "5", "--stream", "127.0.0.1:0", "--log", str(log), "--quiet"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, cwd=ROOT,
    )
    assert process.stderr is not None
    banner = process.stderr.readline()
    match = re.search(r"on ([\d.]+):(\d+) \(control token: ([^)]+)\)", banner)
    assert match, banner
    return process, match[1], int(match[2]), match[3]


def monitor(log: Path) -> None:
    process, host, port, token = _streamed_run(log)
    try:
        app = make_monitor(LiveSource(host, port, token=token))
        asyncio.run(_shoot(app, "monitor.svg", lambda: app.model.sim_time >= 10.0))
    finally:
        process.terminate()
        process.wait()


def replay(log: Path) -> None:
    source = ReplaySource(log, playing=False)
    app = make_monitor(source)

    async def seek(pilot: Any) -> None:
        source.seek(150.0)
        while app.model.position != min(150.0, app.model.end or 0.0):
            await pilot.pause(0.05)

    asyncio.run(_shoot(app, "replay.svg", lambda: app.model.end is not None, seek))


async def _devtools_screenshot(chromium: str, url: str, out: Path, wait: float = 12.0) -> None:
    """Open ``url`` in headless Chromium, wait for the app to draw, save a PNG (DevTools protocol:
    ``--screenshot`` fires at page load, before textual-serve's websocket has started the app)."""
    import base64
    import json

    import aiohttp

    profile = tempfile.mkdtemp()
    browser = await asyncio.create_subprocess_exec(
        chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
        "--remote-debugging-port=9333", f"--user-data-dir={profile}",
        "--window-size=1600,1000", "about:blank",
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )
    try:
        async with aiohttp.ClientSession() as http:
            for _ in range(100):
                try:
                    async with http.get("http://127.0.0.1:9333/json") as response:
                        pages = await response.json()
                        break
                except aiohttp.ClientError:
                    await asyncio.sleep(0.1)
            page = next(p for p in pages if p.get("type") == "page")
            async with http.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as ws:
                ids = iter(range(1, 1000))

                async def call(method: str, **params: Any) -> Any:
                    number = next(ids)
                    request = {"id": number, "method": method, "params": params}
                    await ws.send_str(json.dumps(request))
                    async for msg in ws:
                        data = json.loads(msg.data)
                        if data.get("id") == number:
                            return data.get("result", {})
                    return {}

                await call("Emulation.setDeviceMetricsOverride", width=1600, height=1000,
                           deviceScaleFactor=1, mobile=False)
                await call("Page.navigate", url=url)
                await asyncio.sleep(wait)
                shot = await call("Page.captureScreenshot", format="png")
                out.write_bytes(base64.b64decode(shot["data"]))
    finally:
        browser.terminate()
        await browser.wait()
        shutil.rmtree(profile, ignore_errors=True)


def web(log: Path) -> None:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        print("web.png skipped: no chromium on this machine")
        return
    process, host, port, token = _streamed_run(log)
    server = WebServer(monitor_command(f"{host}:{port}", token))
    try:
        url = server.start()
        asyncio.run(_devtools_screenshot(chromium, url, OUT / "web.png"))
    finally:
        server.stop()
        process.terminate()
        process.wait()


def _recorded_patrol(log: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "quadmission", "run", str(PATROL), "--backend", "kinematic",
         "--seed", "1", "--log", str(log), "--quiet"],
        check=False, capture_output=True, cwd=ROOT, timeout=300,
    )
    return log


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        run_tui(folder / "tui.sqlite")
        replay(_recorded_patrol(folder / "patrol.sqlite"))
        monitor(folder / "streamed.sqlite")
        web(folder / "web.sqlite")
    print("written:", ", ".join(sorted(p.name for p in OUT.glob("*.svg")) + ["web.png"]))


if __name__ == "__main__":
    main()
