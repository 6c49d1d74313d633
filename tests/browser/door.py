"""Drives a `laminate door` page in headless Chromium as door staff would.

Usage: door.py PLAN.json. The plan names the page and a list of steps; each
step sets the page's clock (Playwright's clock), picks the mode and zone in
the page's menus, and scans a payload:
  - "wedge": typed by a keyboard-wedge scanner (fast keys, then Enter)
    while the focus is on a button, not in a text field;
  - "typed": typed into the page's field by hand;
  - "camera": shown to the camera; the plan's "y4m" is the fake camera's
    video (Chromium's --use-file-for-fake-video-capture);
  - "camera_log": the camera runs for the step's "seconds" (the door grid,
    tests/browser/door_grid.py, played once), and the step records the
    page's whole log, the frames it decoded and how many a second.
and records the verdict region's text (role="status") and the page's own
scan-to-verdict time. The plan's "throttle" slows the page's CPU that many
times (DevTools' CPU throttling, through a CDP session), as a low-end
phone. "export" clicks Export CSV and Export JSON and saves
the downloads into the plan's "export_dir".

Prints one JSON object: the load time, each step's verdict, every request
the page made and every Content-Security-Policy violation it caused. It
decides nothing: the Rust test (tests/door.rs) does.
"""
import json
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

plan = json.loads(Path(sys.argv[1]).read_text())
STATUS = "#verdict"

args = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
    "--use-fake-ui-for-media-stream", "--autoplay-policy=no-user-gesture-required",
]
if plan.get("y4m"):
    args += ["--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={plan['y4m']}"]



def wait(page, expr, timeout_ms=10000):
    """Polls `expr` in the page: wait_for_function would eval a string, which
    the page's CSP forbids (and the test keeps the CSP on)."""
    end = time.perf_counter() + timeout_ms / 1000
    while not page.evaluate(expr):
        if time.perf_counter() > end:
            sys.exit(f"timed out waiting for {expr}")
        time.sleep(0.01)


out = {"steps": [], "requests": [], "violations": [], "console": []}
with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
    browser = p.chromium.launch_persistent_context(
        profile,
        executable_path="/usr/bin/chromium",
        headless=True,
        args=args,
        viewport={"width": 900, "height": 900},
        accept_downloads=True,
    )
    browser.on("request", lambda r: out["requests"].append(r.url))
    page = browser.new_page()
    page.on("console", lambda m: out["console"].append(m.text))
    # Violations of the page's CSP: blocked before any request is made, so
    # they are caught as the page reports them.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => {"
        " (window.__violations = window.__violations || []).push(e.blockedURI + ' ' + e.violatedDirective); });"
    )
    if plan.get("no_ed25519"):
        # A browser without Ed25519 in WebCrypto (before Chrome 137).
        page.add_init_script(
            "const real = crypto.subtle.importKey.bind(crypto.subtle);"
            " crypto.subtle.importKey = (f, k, alg, ...rest) => (alg && alg.name === 'Ed25519')"
            " ? Promise.reject(new DOMException('Unrecognized name', 'NotSupportedError')) : real(f, k, alg, ...rest);"
        )
    if plan.get("clock"):
        page.clock.set_fixed_time(plan["clock"])
    if plan.get("throttle"):
        browser.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": plan["throttle"]})
    t = time.perf_counter()
    page.goto(plan["page"])
    wait(page, "!!(window.__door && window.__door.ready)")
    out["load_ms"] = (time.perf_counter() - t) * 1000
    out["warnings"] = page.inner_text("#warnings")
    for step in plan["steps"]:
        if step.get("clock"):
            page.clock.set_fixed_time(step["clock"])
        page.select_option("#mode", step.get("mode", "entry"))
        page.select_option("#zone", step.get("zone", ""))
        page.evaluate("window.__door.last = null")
        how = step["input"]
        if how == "wedge":
            page.focus("#export-json")  # whatever has the focus
            page.keyboard.type(step["text"], delay=2)
            page.keyboard.press("Enter")
        elif how == "typed":
            page.fill("#typed", step["text"])
            page.press("#typed", "Enter")
        elif how == "camera":
            page.click("#camera-toggle")
        elif how == "camera_log":
            page.click("#camera-toggle")
            start = time.perf_counter()
            wait(page, "(window.__door.frames || 0) > 0", 20000)
            first = (time.perf_counter(), page.evaluate("window.__door.frames"))
            time.sleep(max(0, step["seconds"] - (time.perf_counter() - start)))
            last = (time.perf_counter(), page.evaluate("window.__door.frames"))
            out["steps"].append({
                "log": page.evaluate("window.__door.log"),
                "decoder": page.evaluate("window.__door.decoder || null"),
                "frames": last[1],
                "per_second": (last[1] - first[1]) / (last[0] - first[0]),
            })
            page.click("#camera-toggle")
            continue
        elif how == "export":
            saved = {}
            for kind in ("csv", "json"):
                with page.expect_download() as d:
                    page.click(f"#export-{kind}")
                target = Path(plan["export_dir"]) / step[kind]
                d.value.save_as(target)
                saved[kind] = str(target)
            out["steps"].append({"export": saved})
            continue
        wait(page, "window.__door.last !== null", step.get("timeout_ms", 10000))
        last = page.evaluate("window.__door.last")
        last["status"] = page.inner_text(STATUS)
        last["role"] = page.get_attribute(STATUS, "role")
        last["decoder"] = page.evaluate("window.__door.decoder || null")
        last["frames"] = page.evaluate("window.__door.frames || 0")
        out["steps"].append(last)
        if how == "camera":
            page.click("#camera-toggle")
    if plan.get("offline_reload"):
        # Served with --pwa: once its service worker controls the page, the
        # page opens again with the network gone.
        wait(page, "!!navigator.serviceWorker.controller")
        browser.set_offline(True)
        page.reload()
        wait(page, "!!(window.__door && window.__door.ready)")
        out["offline_ready"] = True
        out["offline_controlled"] = page.evaluate("!!navigator.serviceWorker.controller")
    if plan.get("screenshot"):
        page.screenshot(path=plan["screenshot"])
    out["violations"] = page.evaluate("window.__violations || []")
    browser.close()

print(json.dumps(out))
