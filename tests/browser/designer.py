"""Drives `laminate design` in headless Chromium as an organiser would.

Usage: designer.py URL SCREENSHOT. Drags the name element 5 mm right, nudges
it, undoes the nudge, checks that arrow keys in a field are left alone,
sets its size in the panel, saves with Ctrl+S, and writes a screenshot.
Prints one JSON line of what it saw; exits non-zero on the first surprise.
"""
import json
import sys
import tempfile

from playwright.sync_api import sync_playwright

url, shot = sys.argv[1], sys.argv[2]
IDLE = "window.__designer && window.__designer.card && window.__designer.busy === 0"


def name_box(page):
    return page.evaluate("window.__designer.card.boxes.find(b => b.name === 'name')")


def check(what, got, want):
    if abs(got - want) > 1e-6:
        sys.exit(f"{what}: got {got}, want {want}")


with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
    # A fresh profile each run (Playwright passes it as --user-data-dir).
    browser = p.chromium.launch_persistent_context(
        profile,
        executable_path="/usr/bin/chromium",
        headless=True,
        args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
        ],
        viewport={"width": 1200, "height": 640},
        # The page forbids eval; the test's own probes need it.
        bypass_csp=True,
    )
    page = browser.new_page()
    page.goto(url)
    page.wait_for_function(IDLE)
    zoom = page.evaluate("Number(document.getElementById('zoom').value)")
    start = name_box(page)

    # Drag by the middle of the name's box, 5 mm to the right, in steps.
    el = page.locator('.el[data-name="name"]').bounding_box()
    x, y = el["x"] + el["width"] / 2, el["y"] + el["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 5 * zoom, y, steps=10)
    page.mouse.up()
    page.wait_for_function(IDLE)
    check("x after the drag", name_box(page)["x"], start["x"] + 5)
    check("y after the drag", name_box(page)["y"], start["y"])

    page.keyboard.press("ArrowRight")
    page.wait_for_function(IDLE)
    check("x after a nudge", name_box(page)["x"], start["x"] + 5.1)
    page.keyboard.press("Control+z")
    page.wait_for_function(IDLE)
    check("x after undo", name_box(page)["x"], start["x"] + 5)

    # Typing in a field: arrow keys move the cursor, not the element.
    size = page.locator('#panel input[name="size"]')
    size.click()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(IDLE)
    check("x after an arrow key in a field", name_box(page)["x"], start["x"] + 5)
    size.fill("13")
    size.press("Tab")
    page.wait_for_function(IDLE)
    props = dict(name_box(page)["props"])
    if props.get("size") != "13":
        sys.exit(f"size after the panel edit: {props}")

    page.locator("#sel-title").click()
    page.keyboard.press("Control+s")
    page.wait_for_function(IDLE)
    saved = page.evaluate("window.__designer.message")
    changed = page.evaluate("window.__designer.changed")
    if changed:
        sys.exit(f"still unsaved after Ctrl+S: {changed} ({saved})")
    page.screenshot(path=shot)
    print(json.dumps({"start": start, "end": name_box(page), "message": saved}))
    browser.close()
