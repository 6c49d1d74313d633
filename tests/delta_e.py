#!/usr/bin/env python3
"""How far a PDF's colours look from what they were meant to be: CIEDE2000
between each swatch's sRGB value and the colour two PDF engines show for it,
PDFium (Chrome's viewer, through pypdfium2) and poppler (pdftoppm).

    python3 tests/delta_e.py [--untag] [--drop-intent] [--one-intent] FILE.pdf DPI X,Y,SIZE,HEX...

Each swatch is a square of SIZE mm whose top-left corner is X, Y mm from the
top-left of page 1; the middle third of it is averaged. One line per swatch
and engine: "ENGINE HEX SHOWN DE". `--untag` first rewrites the file so that
its ICCBased CMYK colours are plain DeviceCMYK (the numbers kept, the profile
dropped), `--drop-intent` removes the output intents, `--one-intent` keeps
only the GTS_PDFX one (poppler then takes it as its display profile): all
only to show what the measurement catches. `selftest` checks the CIEDE2000 code against
Sharma, Wu and Dalal's published pairs.
"""

import math
import os
import subprocess
import sys
import tempfile


def srgb_to_lab(rgb):
    """8-bit sRGB to CIELAB (D65 white, as sRGB defines it)."""

    def linear(v):
        v /= 255.0
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(v) for v in rgb)
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t):
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29

    return (116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z)))


def ciede2000(lab1, lab2):
    """CIEDE2000 colour difference (CIE 142-2001; Sharma, Wu and Dalal 2005)."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    cbar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(cbar**7 / (cbar**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if (a1p or b1) else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if (a2p or b2) else 0.0
    dlp, dcp = l2 - l1, c2p - c1p
    dhp = 0.0
    if c1p * c2p:
        dhp = h2p - h1p
        if dhp > 180:
            dhp -= 360
        elif dhp < -180:
            dhp += 360
    dhp_big = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dhp) / 2)
    lbar, cbarp = (l1 + l2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        hbar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hbar = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        hbar = (h1p + h2p + 360) / 2
    else:
        hbar = (h1p + h2p - 360) / 2
    t = (1 - 0.17 * math.cos(math.radians(hbar - 30)) + 0.24 * math.cos(math.radians(2 * hbar))
         + 0.32 * math.cos(math.radians(3 * hbar + 6)) - 0.20 * math.cos(math.radians(4 * hbar - 63)))
    dtheta = 30 * math.exp(-(((hbar - 275) / 25) ** 2))
    rc = 2 * math.sqrt(cbarp**7 / (cbarp**7 + 25**7))
    sl = 1 + 0.015 * (lbar - 50) ** 2 / math.sqrt(20 + (lbar - 50) ** 2)
    sc = 1 + 0.045 * cbarp
    sh = 1 + 0.015 * cbarp * t
    rt = -math.sin(math.radians(2 * dtheta)) * rc
    return math.sqrt((dlp / sl) ** 2 + (dcp / sc) ** 2 + (dhp_big / sh) ** 2
                     + rt * (dcp / sc) * (dhp_big / sh))


# Sharma, Wu and Dalal (2005), Table 1: pairs of CIELAB colours and their ΔE00.
SHARMA = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 3.1571, -77.2803), (50.0, 0.0, -82.7485), 2.8615),
    ((50.0, 2.8361, -74.0200), (50.0, 0.0, -82.7485), 3.4412),
    ((50.0, -1.3802, -84.2814), (50.0, 0.0, -82.7485), 1.0),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.49, -0.001), (50.0, -2.49, 0.0009), 7.1792),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((50.0, 2.5, 0.0), (50.0, 3.1736, 0.5854), 1.0),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((22.7233, 20.0904, -46.694), (23.0331, 14.973, -42.5619), 2.0373),
    ((90.8027, -2.0831, 1.441), (91.1528, -1.6435, 0.0447), 1.4441),
    ((2.0776, 0.0795, -1.135), (0.9033, -0.0636, -0.5514), 0.9082),
]


def selftest():
    for p, q, want in SHARMA:
        got = ciede2000(p, q)
        if abs(got - want) > 1e-4:
            print(f"CIEDE2000{p, q} = {got:.4f}, not {want}", file=sys.stderr)
            return 1
    print(f"ok: {len(SHARMA)} pairs")
    return 0


def rewrite(path, untag, drop_intent, one_intent, out):
    import pikepdf

    pdf = pikepdf.open(path)
    if drop_intent and "/OutputIntents" in pdf.Root:
        del pdf.Root.OutputIntents
    if one_intent and "/OutputIntents" in pdf.Root:
        keep = [oi for oi in pdf.Root.OutputIntents if oi.get("/S") == pikepdf.Name.GTS_PDFX]
        pdf.Root.OutputIntents = pikepdf.Array(keep)
    if untag:
        seen = set()

        def icc_cmyk(cs):
            return (isinstance(cs, pikepdf.Array) and len(cs) == 2 and cs[0] == pikepdf.Name.ICCBased
                    and cs[1].get("/N") == 4)

        def walk(obj):
            if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream, pikepdf.Array)):
                if obj.is_indirect:
                    if obj.objgen in seen:
                        return
                    seen.add(obj.objgen)
            if isinstance(obj, pikepdf.Array):
                for item in obj:
                    walk(item)
            elif isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                for key in list(obj.keys()):
                    value = obj[key]
                    if key == "/ColorSpace" and icc_cmyk(value):
                        obj[key] = pikepdf.Name.DeviceCMYK
                    elif key == "/ColorSpace" and isinstance(value, pikepdf.Dictionary):
                        for name in list(value.keys()):
                            if icc_cmyk(value[name]):
                                value[name] = pikepdf.Name.DeviceCMYK
                    elif key not in ("/Parent", "/P"):
                        walk(value)

        walk(pdf.Root)
    pdf.save(out)


def rendered(path, dpi):
    from PIL import Image
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(path)
    yield "pdfium", doc[0].render(scale=dpi / 72).to_pil().convert("RGB")
    doc.close()
    with tempfile.TemporaryDirectory() as d:
        base = os.path.join(d, "page")
        subprocess.run(["pdftoppm", "-r", str(dpi), "-f", "1", "-l", "1", "-png", "-singlefile", path, base],
                       check=True)
        yield "poppler", Image.open(base + ".png").convert("RGB")


def main(argv):
    if argv[1:] == ["selftest"]:
        return selftest()
    args = argv[1:]
    untag = "--untag" in args
    drop = "--drop-intent" in args
    one = "--one-intent" in args
    args = [a for a in args if a not in ("--untag", "--drop-intent", "--one-intent")]
    path, dpi, swatches = args[0], float(args[1]), args[2:]
    with tempfile.TemporaryDirectory() as d:
        if untag or drop or one:
            changed = os.path.join(d, "changed.pdf")
            rewrite(path, untag, drop, one, changed)
            path = changed
        for engine, img in rendered(path, dpi):
            for s in swatches:
                x, y, size, hexa = s.split(",")
                px = float(dpi) / 25.4
                x0, y0, side = float(x) * px, float(y) * px, float(size) * px
                lo, hi = int(x0 + side / 3), int(x0 + 2 * side / 3)
                top, bottom = int(y0 + side / 3), int(y0 + 2 * side / 3)
                pixels = [img.getpixel((i, j)) for i in range(lo, hi) for j in range(top, bottom)]
                shown = tuple(round(sum(p[k] for p in pixels) / len(pixels)) for k in range(3))
                want = tuple(bytes.fromhex(hexa.lstrip("#")))
                de = ciede2000(srgb_to_lab(want), srgb_to_lab(shown))
                print(f"{engine} {hexa} #{shown[0]:02x}{shown[1]:02x}{shown[2]:02x} {de:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
