"""Reading badges back as a viewer and a scanner would: PDFium (pypdfium2, as
Chrome reads PDFs) for text and places, zxing-cpp for QR codes, MuPDF's
trace device for the glyphs drawn. Each check returns the problems it
found (empty when all is well), so that a test can also show it failing."""

import re
import subprocess
import tempfile
import unicodedata

import pypdfium2
import zxingcpp

MM = 72 / 25.4
# Spaces, and the hair space pretix puts after each hyphen so that
# ReportLab may break there.
_SKIP = {"\u200a", "\u00a0", "\ufeff"}


def _plain(s: str) -> str:
    # PDFium gives a hyphen that ends a line as U+FFFE.
    s = unicodedata.normalize("NFC", s.replace("\ufffe", "-"))
    return "".join(c for c in s if not c.isspace() and c not in _SKIP)


def pages(pdf: bytes) -> int:
    return len(pypdfium2.PdfDocument(pdf))


def page_size_mm(pdf: bytes, index: int):
    w, h = pypdfium2.PdfDocument(pdf)[index].get_size()
    return (w / MM, h / MM)


def page_text(pdf: bytes, index: int) -> str:
    doc = pypdfium2.PdfDocument(pdf)
    return doc[index].get_textpage().get_text_range()


def char_boxes(pdf: bytes, index: int, text: str):
    """The boxes (left, bottom, right, top, in mm from the page's bottom-left
    corner) of the characters of the first place on the page where `text`
    is written (spaces and hair spaces aside), or None."""
    doc = pypdfium2.PdfDocument(pdf)
    tp = doc[index].get_textpage()
    chars = []
    for i in range(tp.count_chars()):
        c = tp.get_text_range(i, 1)
        if c and not c.isspace() and c not in _SKIP:
            chars.append((_plain(c), i))
    want = _plain(text)
    joined = "".join(c for c, _ in chars)
    at = joined.find(want)
    if at < 0:
        return None
    # NFC never joins characters across what PDFium gives one by one here
    # (the names compared are Latin), so one character is one index.
    return [tuple(v / MM for v in tp.get_charbox(i)) for _, i in chars[at : at + len(want)]]


def place_differences(pdf_a: bytes, pdf_b: bytes, index: int, text: str, tolerance_mm=0.5):
    """Where `text` on page `index` of two PDFs is placed differently: one
    problem per character whose box's left or bottom edge differs by more
    than the tolerance, or the text missing from either."""
    a, b = char_boxes(pdf_a, index, text), char_boxes(pdf_b, index, text)
    if a is None or b is None:
        return [f"page {index + 1}: {text!r} not found in the {'first' if a is None else 'second'} PDF"]
    problems = []
    for k, (ba, bb) in enumerate(zip(a, b)):
        dx, dy = abs(ba[0] - bb[0]), abs(ba[1] - bb[1])
        if dx > tolerance_mm or dy > tolerance_mm:
            problems.append(f"page {index + 1}: {text!r} character {k + 1} is {dx:.2f} mm across, {dy:.2f} mm up apart")
    return problems


def qr_codes(pdf: bytes, index: int, scale=3):
    """The texts of the QR codes on a page, read from a picture of it
    (scale 3 is 216 dpi)."""
    doc = pypdfium2.PdfDocument(pdf)
    image = doc[index].render(scale=scale).to_pil()
    return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def qr_problems(pdf: bytes, secrets):
    """Page i must hold one QR code that reads secrets[i] (None: no check)."""
    problems = []
    for i, secret in enumerate(secrets):
        if secret is None:
            continue
        got = qr_codes(pdf, i)
        if got != [secret]:
            problems.append(f"page {i + 1}: QR codes {got}, expected [{secret!r}]")
    return problems


def readback_problems(pdf: bytes, names):
    """Page i's text as PDFium extracts it must contain names[i] (spaces
    aside, NFC)."""
    problems = []
    for i, name in enumerate(names):
        text = _plain(page_text(pdf, i))
        if _plain(name) not in text:
            problems.append(f"page {i + 1}: {name!r} does not read back")
    return problems


def glyphs(pdf: bytes, index: int):
    """(unicode, glyph) of every glyph drawn visibly on a page, from MuPDF's
    trace device (`mutool draw -F trace`). Invisible text (render mode 3,
    MuPDF's `ignore_text`: laminate's searchable copy of text it draws as
    glyph outlines) is not drawn, so it is left out."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        out = subprocess.run(
            ["mutool", "draw", "-F", "trace", "-o", "-", f.name, str(index + 1)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    found = []
    invisible = False
    for line in out.splitlines():
        line = line.strip()
        if line.startswith("<ignore_text"):
            invisible = True
        elif line.startswith("</ignore_text"):
            invisible = False
        elif line.startswith("<g ") and not invisible:
            attrs = dict(re.findall(r'(\w+)="([^"]*)"', line))
            found.append((attrs.get("unicode", ""), attrs.get("glyph", "")))
    return found


def notdef_problems(pdf: bytes, page_count=None):
    """Glyphs drawn as .notdef (glyph 0: the empty box of a font that lacks
    the character), page by page."""
    problems = []
    for i in range(page_count if page_count is not None else pages(pdf)):
        bad = [u for u, g in glyphs(pdf, i) if g in ("0", ".notdef")]
        if bad:
            problems.append(f"page {i + 1}: {len(bad)} glyphs drawn as .notdef: {''.join(bad)[:40]!r}")
    return problems
