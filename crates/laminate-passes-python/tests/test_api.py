"""The Python module as a program uses it: pip-installed into a fresh
virtual environment by scripts/test, then run on the repository's samples.
Every test reads the real output back (pypdf is not needed: the PDF's own
bytes and poppler's pdftotext/pdfinfo, as the Rust tests use them)."""

import datetime
import json
import os
import pathlib
import signal
import subprocess
import sys
import threading
import time

import pytest

import laminate_passes as laminate

ROOT = pathlib.Path(__file__).resolve().parents[3]
FESTIVAL = ROOT / "samples" / "festival.yaml"
CONFERENCE = ROOT / "samples" / "conference"


def text_of(pdf: bytes, tmp_path: pathlib.Path) -> str:
    path = tmp_path / "read.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode()


def pages_of(path: pathlib.Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    return int(next(l for l in out.stdout.splitlines() if l.startswith("Pages:")).split()[1])


ROSTER = {
    "event": {"name": "Harbour Jazz Night 2026", "starts": datetime.date(2026, 8, 1), "ends": "2026-08-02"},
    "passes": [
        {"id": "HJN-001", "name": "Ana Silva", "role": "Sound engineer", "pass": "crew", "zones": ["stage"]},
        {"id": "HJN-002", "name": "Tom Berg", "pass": "day", "valid_from": datetime.date(2026, 8, 2)},
        {"id": "HJN-003", "name": "Ελένη Παπαδοπούλου", "pass": "all-access"},
    ],
}


def test_a_path_renders_what_the_command_renders(tmp_path):
    out = tmp_path / "passes.pdf"
    report = laminate.render(str(FESTIVAL), out)
    assert (report.passes, report.sheets) == (26, 4)
    assert report.files == [str(out)]
    assert report.bytes == out.stat().st_size
    # The command, on the same roster, writes the same bytes.
    cli = tmp_path / "cli.pdf"
    status = laminate.main(["render", str(FESTIVAL), "-o", str(cli), "--quiet"])
    assert status == 0
    assert cli.read_bytes() == out.read_bytes()
    assert [w.severity for w in report.warnings] == ["warning"]
    assert report.warnings[0].file == str(FESTIVAL) and report.warnings[0].line == 31


def test_pathlike_and_mapping_rosters(tmp_path):
    pdf = laminate.render_bytes(FESTIVAL)  # a pathlib.Path
    assert pdf.startswith(b"%PDF-")
    text = text_of(laminate.render_bytes(ROSTER), tmp_path)
    for name in ["Ana Silva", "Tom Berg", "Ελένη Παπαδοπούλου"]:
        assert name in text, name
    assert not list(tmp_path.glob(".laminate-*")), "render_bytes leaves no temporary file"


def test_render_bytes_writes_no_file(tmp_path):
    before = set(os.listdir(tmp_path))
    os.chdir(tmp_path)
    laminate.render_bytes(ROSTER)
    assert set(os.listdir(tmp_path)) == before


def test_templates_as_a_folder_and_as_a_mapping(tmp_path):
    report = laminate.render(CONFERENCE / "roster.yaml", tmp_path / "c.pdf", templates=CONFERENCE / "templates")
    assert report.passes > 0
    # The built-in base as text, and a pass type of our own as a mapping.
    base = (ROOT / "templates" / "base.yaml").read_text()
    crew = {
        "extends": "base",
        "description": "Stage crew",
        "label": "RIGGING",
        "zones": ["stage", "fly-tower"],
        "colours": {"accent": "#00695c", "security": "#b0bec5"},
    }
    try:
        pdf = laminate.render_bytes(
            {"event": ROSTER["event"], "passes": [ROSTER["passes"][0]]}, templates={"base": base, "crew": crew}
        )
    except laminate.InputError as e:
        pytest.fail(str(e))
    assert "RIGGING" in text_of(pdf, tmp_path)
    assert "Ana Silva" in text_of(pdf, tmp_path)


# Every render option of the command line, with a value it accepts; the
# test fails when the command gains an option this list does not know.
OPTIONS = {
    "sheet": "a3",
    "bleed": "2mm",
    "no_crop_marks": True,
    "only": ["HJN-001", "HJN-002"],
    "pass": ["crew", "day"],
    "proof": True,
    "reprint": False,
    "shard": "1/1",
    "duplex": True,
    "flip": "short",
    "security_ink": "Foil",
    "group_by": "pass",
    "start_at": 2,
    "registration_marks": True,
    "cut_contour": True,
    "no_slug": True,
    "jobs": 2,
    "no_photo_cache": True,
    "pdfx": True,
    "condition": "FOGRA39",
    "pdfx_photos": "srgb",
    "quiet": True,
}
FILE_OPTIONS = {"manifest": "m.csv", "dump": "d.txt", "report": "r.json"}


def test_every_option_of_the_command_line(tmp_path):
    os.chdir(tmp_path)
    help_text = subprocess.run(
        [sys.executable, "-c", "import laminate_passes as l, sys; sys.exit(l.main(['render', '--help']))"],
        capture_output=True,
        text=True,
    ).stdout
    longs = {
        word[2:].split("=")[0].split("<")[0].strip(",)").replace("-", "_")
        for word in help_text.split()
        if word.startswith("--") and len(word) > 2
    }
    handled = set(OPTIONS) | set(FILE_OPTIONS) | {
        "output", "help", "templates", "key", "printer_profile", "split_by", "from", "since",
        "photo_cache", "output_intent", "stock_db",
    }
    assert longs - handled == set(), "options the test does not try"
    for name, value in OPTIONS.items():
        pdf = laminate.render_bytes(ROSTER, **{name: value})
        assert pdf.startswith(b"%PDF-"), name
    laminate.render(ROSTER, tmp_path / "o.pdf", **FILE_OPTIONS)
    for name in FILE_OPTIONS.values():
        assert (tmp_path / name).stat().st_size > 0, name
    laminate.render(ROSTER, tmp_path / "s.pdf", split_by="pass")
    assert sorted(p.name for p in tmp_path.glob("s-*.pdf")) == ["s-all-access.pdf", "s-crew.pdf", "s-day.pdf"]
    key, _ = laminate.keygen(tmp_path / "k")
    signed = laminate.render_bytes(ROSTER, key=key, photo_cache=tmp_path / "cache", stock_db=tmp_path)
    assert signed != laminate.render_bytes(ROSTER)


def test_unknown_and_bad_options_are_named():
    with pytest.raises(TypeError, match="unexpected keyword argument 'shet'"):
        laminate.render_bytes(ROSTER, shet="a3")
    with pytest.raises(ValueError, match="is not a sheet"):
        laminate.render_bytes(ROSTER, sheet="a9x")


def test_errors_name_file_line_entry_and_write_nothing(tmp_path):
    bad = {"event": ROSTER["event"], "passes": [ROSTER["passes"][0], {"id": "X-9", "name": "A", "pass": "vip-ish"},
                                                {"id": "X-10", "name": "B", "pass": "crew", "valid_from": "2026-13-01"}]}
    out = tmp_path / "never.pdf"
    with pytest.raises(laminate.InputError) as caught:
        laminate.render(bad, out)
    e = caught.value
    assert [(d.severity, d.entry) for d in e.diagnostics] == [("error", "X-9"), ("error", "X-10")]
    first = e.diagnostics[0]
    assert (first.file, first.line) == ("<mapping>", 15)  # the line of `pass:` in the YAML the mapping reads as
    assert first.column > 1 and "vip-ish" in first.message and "known pass types" in first.hint
    assert str(e).endswith("laminate: 2 errors; nothing was written")
    assert "<mapping>:15:" in str(e)
    assert not out.exists() and list(tmp_path.iterdir()) == []
    # The same from a file: its own name and line.
    roster = tmp_path / "r.yaml"
    roster.write_text("event:\n  name: X\n  starts: 2026-08-01\n  ends: 2026-08-02\npasses:\n  - id: A\n    name: B\n    pass: nope\n")
    with pytest.raises(laminate.InputError) as caught:
        laminate.validate(roster)
    d = caught.value.diagnostics[0]
    assert (d.file, d.line, d.column, d.entry) == (str(roster), 8, 11, "A")


def test_verify_gives_every_status(tmp_path):
    key, public = laminate.keygen(tmp_path / "door")
    pdf_dir = tmp_path
    # The payload is what a door scanner reads from the printed code.
    card = tmp_path / "card.pdf"
    laminate.render(ROSTER, card, key=key, only=["HJN-001"], sheet="card")
    subprocess.run(["pdftoppm", "-r", "300", "-png", str(card), str(tmp_path / "card")], check=True)
    png = next(tmp_path.glob("card*.png"))
    scan = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True, text=True, check=True)
    payloads = scan.stdout.split()
    crew = next(p for p in payloads if "HJN-001" in p)
    v = laminate.verify(crew, public, on=datetime.date(2026, 8, 1))
    # The payload is upper case (the QR code's compact alphanumeric mode), as `laminate verify` shows it.
    assert (v.status, v.pass_id, v.pass_type, v.zones) == ("valid", "HJN-001", "CREW", ["STAGE"])
    assert (v.valid_from, v.valid_until) == ("2026-08-01", "2026-08-02") and bool(v)
    assert laminate.verify(crew, public, on="2026-07-31").status == "not-yet-valid"
    assert laminate.verify(crew, public, at=datetime.datetime(2026, 8, 3, 9, 0)).status == "expired"
    assert laminate.verify(crew, public, zone="vip-lounge").status == "wrong-zone"
    revoked = tmp_path / "revoked.txt"
    revoked.write_text("HJN-001\n")
    assert laminate.verify(crew, public, revoked=revoked).status == "revoked"
    other_key, other_public = laminate.keygen(tmp_path / "other")
    assert laminate.verify(crew, other_public).status == "bad-signature"
    assert laminate.verify(crew.replace("HJN-001", "HJN-007"), public).status == "bad-signature"
    assert laminate.verify("hello", public).status == "malformed"
    reprints = tmp_path / "r.reprints"
    reprints.write_text("HJN-001 1\n")
    assert laminate.verify(crew, public, reprints=reprints).status == "superseded"
    # Each refusal's message is the command's.
    cli = subprocess.run([sys.executable, "-c", f"import laminate_passes as l, sys; sys.exit(l.main(['verify', {crew!r}, '--public-key', {str(public)!r}, '--zone', 'vip-lounge']))"], capture_output=True, text=True)
    assert laminate.verify(crew, public, zone="vip-lounge").message in cli.stderr


def test_keygen_writes_both_or_neither_and_survives_a_signal(tmp_path):
    laminate.keygen(tmp_path / "a")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a", "a.pub"]
    (tmp_path / "b.pub").write_text("taken")
    with pytest.raises(FileExistsError):
        laminate.keygen(tmp_path / "b")
    assert not (tmp_path / "b").exists(), "no lone private key"
    # The command, killed again and again while it writes: never one file alone.
    for n in range(20):
        p = subprocess.Popen([sys.executable, "-c", f"import laminate_passes as l; l._console()", "keygen", "--out", str(tmp_path / f"k{n}")])
        time.sleep(0.002 * (n % 5))
        p.send_signal(signal.SIGINT)
        p.wait()
        names = {q.name for q in tmp_path.glob(f"k{n}*")}
        assert names in (set(), {f"k{n}", f"k{n}.pub"}), names
    assert not list(tmp_path.glob(".laminate-*"))


def big_roster(n: int) -> dict:
    return {
        "event": ROSTER["event"],
        "passes": [{"id": f"P-{i:06}", "name": f"Holder {i}", "pass": "crew"} for i in range(n)],
    }


def test_other_threads_run_while_it_renders():
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.005)

    t = threading.Thread(target=ticker)
    t.start()
    start = time.monotonic()
    laminate.render_bytes(big_roster(3000), jobs=1)
    took = time.monotonic() - start
    stop.set()
    t.join()
    during = [x for x in ticks if start < x < start + took]
    assert took > 0.2, "the render is long enough to tell"
    # Holding the GIL for the whole render would allow the ticker one tick at
    # most; a loaded machine still gives it dozens.
    assert len(during) >= 20, (len(during), took)


def test_progress_is_reported_and_can_stop_the_run(tmp_path):
    seen = []
    laminate.render(big_roster(600), tmp_path / "p.pdf", progress=lambda d, t: seen.append((d, t)))
    assert seen[-1] == (600, 600) and len(seen) == 3

    def stop(done, total):
        raise RuntimeError("enough")

    with pytest.raises(RuntimeError, match="enough"):
        laminate.render(big_roster(600), tmp_path / "q.pdf", progress=stop)
    assert not (tmp_path / "q.pdf").exists() and not list(tmp_path.glob(".laminate-*"))


def test_keyboard_interrupt_stops_a_long_render_within_a_second(tmp_path):
    script = f"""
import laminate_passes as l, time, sys
said = []
def progress(done, total):
    if not said:
        said.append(1)
        print("started", flush=True)
try:
    l.render({{"event": {{"name": "X", "starts": "2026-08-01", "ends": "2026-08-02"}},
              "passes": [{{"id": f"P-{{i}}", "name": f"H {{i}}", "pass": "crew"}} for i in range(200000)]}},
             {str(tmp_path / 'big.pdf')!r}, jobs=1, progress=progress)
    print("finished", flush=True)
except KeyboardInterrupt:
    print("interrupted", time.monotonic(), flush=True)
"""
    p = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=tmp_path)
    # Once passes are being rendered (the first chunk reported), Ctrl-C.
    assert p.stdout.readline().strip() == "started"
    time.sleep(0.5)
    sent = time.monotonic()
    p.send_signal(signal.SIGINT)
    out, _ = p.communicate(timeout=30)
    assert out.startswith("interrupted"), out
    assert float(out.split()[1]) - sent < 1.0
    assert list(tmp_path.iterdir()) == [], "nothing is written"


PRETIX = ROOT / "tests" / "pretix"


def pretix_roster(types):
    """Attendees of pretix layouts `types`, one each, as the plugin gives them."""
    passes = []
    for i, (kind, name) in enumerate(zip(types, ["Ana Silva", "محمد الأحمد", "山田 太郎"])):
        passes.append(
            {
                "id": f"P{i}",
                "name": name,
                "organisation": "Harbour Sound Ltd",
                "pass": kind,
                "ticket": f"secret{i:04}abcdefghijkmnopqrs",
                "extra": {"item": "Day ticket", "order": f"ABC{i:02}", "positionid": "1",
                          "attendee_name_family_name": name.split()[-1]},
            }
        )
    return {"event": {"name": "Harbour Jazz Night 2026", "starts": "2026-08-01", "ends": "2026-08-02"},
            "passes": passes}


def test_pretix_layouts_render_in_memory_as_the_command_imports_them(tmp_path):
    mixed = laminate.pretix_layout((PRETIX / "mixed.json").read_text(),
                                   background=(PRETIX / "mixed.pdf").read_bytes(), name="Mixed")
    two = laminate.pretix_layout(json.loads((PRETIX / "twosided.json").read_text()),
                                 background=PRETIX / "twosided.pdf", name="twosided")
    assert mixed.name == "mixed" and two.name == "twosided"
    assert {"mixed.yaml", "mixed-background.pdf"} <= set(mixed.files)
    assert {"twosided.yaml", "twosided-background.pdf"} <= set(two.files)
    assert "item" in mixed.extra_fields and "order" in mixed.extra_fields
    assert all(isinstance(b, bytes) for b in mixed.files.values())
    # Two layouts' sets go in one templates mapping, and one render.
    roster = pretix_roster(["mixed", "twosided", "mixed"])
    pdf = laminate.render_bytes(roster, templates={**mixed.files, **two.files}, sheet="card")
    text = text_of(pdf, tmp_path)
    for name in ["Ana Silva", "محمد الأحمد", "山田 太郎", "Harbour Jazz Night"]:
        assert name.split()[0] in text, (name, text)
    # The same set written by `laminate import pretix` renders the same bytes.
    (tmp_path / "set").mkdir()
    for layout, kind in [(mixed, "mixed"), (two, "twosided")]:
        args = ["import", "pretix", str(PRETIX / f"{kind}.json"), "--background",
                str(PRETIX / f"{kind}.pdf"), "--name", kind, "-o", str(tmp_path / "set" / kind)]
        assert laminate.main(args) == 0
        written = {p.name: p.read_bytes() for p in (tmp_path / "set" / kind).iterdir()}
        assert written == layout.files
    one = tmp_path / "one"
    one.mkdir()
    for kind in ["mixed", "twosided"]:
        for p in (tmp_path / "set" / kind).iterdir():
            (one / p.name).write_bytes(p.read_bytes())
    assert laminate.render_bytes(roster, templates=one, sheet="card") == pdf


def test_a_pretix_layout_against_pretixs_schema_names_element_and_key():
    layout = json.loads((PRETIX / "simple.json").read_text())
    layout[0]["fontsize"] = "large"
    layout[1]["colour"] = [0, 0, 0, 1]
    with pytest.raises(laminate.InputError) as e:
        laminate.pretix_layout(layout)
    messages = [d.message for d in e.value.diagnostics]
    assert len(messages) == 2, messages
    assert messages[0].startswith("element 1 (") and "`fontsize`" in messages[0], messages
    assert messages[1].startswith("element 2 (") and "`colour`" in messages[1], messages
    assert all(d.file == "<layout>" and d.line for d in e.value.diagnostics)
    with pytest.raises(laminate.InputError, match="not a PDF|background"):
        laminate.pretix_layout((PRETIX / "simple.json").read_text(), background=b"not a pdf")
    with pytest.raises(TypeError):
        laminate.pretix_layout(object())
