#!/usr/bin/env python3
"""Colour accuracy of `render --pdfx`, against Pillow's ImageCms (Little CMS
through Pillow, an independent caller): sRGB -> the output profile,
relative colorimetric with black point compensation; differences measured
as CIE76 delta E in Lab, both CMYK values taken to Lab through the profile.

    python3 tests/pdfx_colour.py colours [--intent NAME] FILE.pdf PROFILE.icc HEX...
        for each template colour, the smallest delta E between Pillow's
        conversion and any CMYK fill or stroke colour in the PDF's content
        streams: "HEX DE" a line. NAME is a template's rendering_intent
        (default relative-colorimetric, with black point compensation).
    python3 tests/pdfx_colour.py pixels PROFILE.icc RGB.raw CMYK.raw
        a patch of sRGB pixels (3 bytes each) and laminate's CMYK for them
        (4 bytes each): prints "max DE mean DE".
    python3 tests/pdfx_colour.py expect INTENT PROFILE.icc R G B
        ImageCms's CMYK (0-255 each, 0 no ink) for one sRGB colour.
    python3 tests/pdfx_colour.py patch FILE.jpg X0 Y0 X1 Y1
        the mean CMYK (0-255, 0 no ink) of a CMYK JPEG's pixels in the box
        from (X0, Y0) to (X1, Y1), as fractions of its width and height.
"""

import sys

import pikepdf
from PIL import Image, ImageCms

INTENT = ImageCms.Intent.RELATIVE_COLORIMETRIC
INTENTS = {
    "relative-colorimetric": ImageCms.Intent.RELATIVE_COLORIMETRIC,
    "perceptual": ImageCms.Intent.PERCEPTUAL,
    "saturation": ImageCms.Intent.SATURATION,
    "absolute-colorimetric": ImageCms.Intent.ABSOLUTE_COLORIMETRIC,
}


def transforms(icc, intent="relative-colorimetric"):
    srgb = ImageCms.createProfile("sRGB")
    out = ImageCms.getOpenProfile(icc)
    lab = ImageCms.createProfile("LAB", 5000)
    # Black point compensation goes with relative colorimetric, as in laminate.
    flags = ImageCms.Flags.BLACKPOINTCOMPENSATION if intent == "relative-colorimetric" else ImageCms.Flags.NONE
    to_cmyk = ImageCms.buildTransform(srgb, out, "RGB", "CMYK", renderingIntent=INTENTS[intent], flags=flags)
    to_lab = ImageCms.buildTransform(out, lab, "CMYK", "LAB", renderingIntent=INTENT)
    return to_cmyk, to_lab


def labs(to_lab, cmyk_bytes):
    n = len(cmyk_bytes) // 4
    img = Image.frombytes("CMYK", (n, 1), bytes(cmyk_bytes))
    lab = ImageCms.applyTransform(img, to_lab).tobytes()
    out = []
    for i in range(n):
        L, a, b = lab[3 * i], lab[3 * i + 1], lab[3 * i + 2]
        # Pillow's 8-bit LAB: L 0..255 for 0..100, a and b signed bytes.
        out.append((L * 100.0 / 255.0, a - 256 if a > 127 else a, b - 256 if b > 127 else b))
    return out


def de(p, q):
    return sum((x - y) ** 2 for x, y in zip(p, q)) ** 0.5


def pdf_cmyks(path):
    found = set()
    pdf = pikepdf.open(path)
    streams = []
    for page in pdf.pages:
        streams.append(page)
        for xo in page.obj.get("/Resources", pikepdf.Dictionary()).get("/XObject", pikepdf.Dictionary()).values():
            if xo.get("/Subtype") == pikepdf.Name.Form:
                streams.append(xo)
    for s in streams:
        for operands, op in pikepdf.parse_content_stream(s):
            # DeviceCMYK (k, K) and four-component colour spaces (the
            # profiled colours' ICCBased CMYK: sc, SC).
            if str(op) in ("k", "K") or (str(op) in ("sc", "SC", "scn", "SCN") and len(operands) == 4):
                found.add(tuple(round(float(v) * 255) for v in operands))
    return sorted(found)


def main(argv):
    if argv[1] == "colours":
        intent = "relative-colorimetric"
        if argv[2] == "--intent":
            intent = argv[3]
            argv = argv[2:]
        path, icc, hexes = argv[2], argv[3], argv[4:]
        to_cmyk, to_lab = transforms(icc, intent)
        in_pdf = pdf_cmyks(path)
        pdf_labs = labs(to_lab, [v for c in in_pdf for v in c])
        for h in hexes:
            rgb = bytes.fromhex(h.lstrip("#"))
            want = ImageCms.applyTransform(Image.frombytes("RGB", (1, 1), rgb), to_cmyk).tobytes()
            want_lab = labs(to_lab, want)[0]
            best = min((de(want_lab, l) for l in pdf_labs), default=999.0)
            print(f"{h} {best:.2f}")
        return 0
    if argv[1] == "pixels":
        icc, rgb_path, cmyk_path = argv[2], argv[3], argv[4]
        rgb = open(rgb_path, "rb").read()
        ours = open(cmyk_path, "rb").read()
        n = len(rgb) // 3
        assert len(ours) == 4 * n, (len(ours), n)
        to_cmyk, to_lab = transforms(icc)
        theirs = ImageCms.applyTransform(Image.frombytes("RGB", (n, 1), rgb), to_cmyk).tobytes()
        a, b = labs(to_lab, ours), labs(to_lab, theirs)
        d = [de(p, q) for p, q in zip(a, b)]
        print(f"{max(d):.2f} {sum(d) / len(d):.2f}")
        return 0
    if argv[1] == "expect":
        intent, icc, rgb = argv[2], argv[3], bytes(int(v) for v in argv[4:7])
        to_cmyk, _ = transforms(icc, intent)
        cmyk = ImageCms.applyTransform(Image.frombytes("RGB", (1, 1), rgb), to_cmyk).tobytes()
        print(" ".join(str(v) for v in cmyk))
        return 0
    if argv[1] == "patch":
        img = Image.open(argv[2])
        assert img.mode == "CMYK", img.mode
        w, h = img.size
        x0, y0, x1, y1 = (float(v) for v in argv[3:7])
        box = img.crop((int(x0 * w), int(y0 * h), int(x1 * w), int(y1 * h)))
        pixels = list(box.getdata())
        print(" ".join(f"{sum(p[k] for p in pixels) / len(pixels):.1f}" for k in range(4)))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
