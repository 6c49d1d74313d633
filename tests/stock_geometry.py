#!/usr/bin/env python3
"""Checks that the die lines of a PDF's first page sit on the labels of a
gLabels product, to 0.1 mm: reads the product from the gLabels XML itself
(xml.etree, not laminate's reader) and the die lines from `mutool trace`
(MuPDF's own reading of the PDF).

usage: stock_geometry.py PDF TEMPLATES_DIR "BRAND" "PART" [COUNT]

COUNT: how many labels the page fills (default: all of the product's).
Prints one line per label and exits 1 on the first mismatch.
"""

import glob
import math
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

TOLERANCE_MM = 0.1
PT_PER = {"pt": 1.0, "": 1.0, "in": 72.0, "mm": 72.0 / 25.4, "cm": 720.0 / 25.4, "pc": 12.0}


def length(text, default=0.0):
    """A gLabels length in pt: a number and a unit, no unit meaning pt."""
    if text is None:
        return default
    m = re.fullmatch(r"\s*([-+0-9.eE]*)\s*([a-z]*)\s*", text)
    if not m or not m.group(1):
        return 0.0
    return float(m.group(1)) * PT_PER[m.group(2)]


def local(tag):
    return tag.rsplit("}", 1)[-1]


def load(folder):
    papers, templates = {}, {}
    for path in sorted(glob.glob(os.path.join(folder, "*.xml"))):
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError:
            continue
        for el in root.iter():
            el.tag = local(el.tag)
        if root.tag == "Glabels-paper-sizes":
            for p in root.findall("Paper-size"):
                papers[p.get("id")] = (length(p.get("width")), length(p.get("height")))
        elif root.tag == "Glabels-templates":
            for t in root.findall("Template"):
                templates[(t.get("brand").lower(), t.get("part").lower())] = t
    return papers, templates


def product(folder, brand, part):
    papers, templates = load(folder)
    key = (brand.lower(), part.lower())
    t = templates[key]
    while t.get("equiv"):
        t = templates[(key[0], t.get("equiv").lower())]
    size = t.get("size")
    paper = (length(t.get("width")), length(t.get("height"))) if size == "Other" else papers[size]
    frame = next(c for c in t if c.tag.startswith("Label-"))
    if frame.tag == "Label-round":
        w = h = 2.0 * length(frame.get("radius"))
    else:
        w, h = length(frame.get("width")), length(frame.get("height"))
    origins = []
    for lay in frame.findall("Layout"):
        nx, ny = int(lay.get("nx", "1")), int(lay.get("ny", "1"))
        x0, y0 = length(lay.get("x0")), length(lay.get("y0"))
        dx, dy = length(lay.get("dx")), length(lay.get("dy"))
        for iy in range(ny):
            for ix in range(nx):
                origins.append((x0 + ix * dx, y0 + iy * dy))
    origins.sort(key=lambda o: (o[1], o[0]))
    return paper, frame.tag, (w, h), origins


def die_lines(pdf):
    """Each CutContour stroke on page 1: its on-curve points and its curve
    midpoints, in pt from the page's top-left corner (y down)."""
    trace = subprocess.run(["mutool", "trace", pdf, "1"], capture_output=True, text=True, check=True)
    root = ET.fromstring(trace.stdout)
    page = root.find("page")
    mediabox = [float(v) for v in page.get("mediabox").split()]
    paths = []
    for sp in page.iter("stroke_path"):
        if "CutContour" not in sp.get("colorspace", ""):
            continue
        a, b, c, d, e, f = (float(v) for v in sp.get("transform").split())
        tr = lambda x, y: (a * x + c * y + e, b * x + d * y + f)
        points, mids, at = [], [], None
        for op in sp:
            if op.tag in ("moveto", "lineto"):
                at = (float(op.get("x")), float(op.get("y")))
                points.append(tr(*at))
            elif op.tag == "curveto":
                p1 = (float(op.get("x1")), float(op.get("y1")))
                p2 = (float(op.get("x2")), float(op.get("y2")))
                p3 = (float(op.get("x3")), float(op.get("y3")))
                mid = tuple(
                    0.125 * at[i] + 0.375 * p1[i] + 0.375 * p2[i] + 0.125 * p3[i] for i in range(2)
                )
                mids.append(tr(*mid))
                at = p3
                points.append(tr(*at))
        paths.append((points, mids))
    return mediabox, paths


def main():
    pdf, folder, brand, part = sys.argv[1:5]
    paper, shape, (w, h), origins = product(folder, brand, part)
    count = int(sys.argv[5]) if len(sys.argv) > 5 else len(origins)
    mediabox, paths = die_lines(pdf)
    mm = lambda pt: pt * 25.4 / 72.0
    page = (mediabox[2] - mediabox[0], mediabox[3] - mediabox[1])
    if abs(mm(page[0] - paper[0])) > TOLERANCE_MM or abs(mm(page[1] - paper[1])) > TOLERANCE_MM:
        sys.exit(f"page {mm(page[0]):.2f} x {mm(page[1]):.2f} mm, the product's paper {mm(paper[0]):.2f} x {mm(paper[1]):.2f} mm")
    boxes = []
    for points, mids in paths:
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        boxes.append(((min(xs), min(ys), max(xs), max(ys)), points, mids))
    boxes.sort(key=lambda b: (round(b[0][1], 1), b[0][0]))
    if len(boxes) != count:
        sys.exit(f"{len(boxes)} die lines on page 1, expected {count}")
    worst = 0.0
    for i, ((box, points, mids), (x, y)) in enumerate(zip(boxes, origins)):
        want = (x, y, x + w, y + h)
        off = max(abs(mm(g - e)) for g, e in zip(box, want))
        worst = max(worst, off)
        print(f"label {i + 1}: die line [{', '.join(f'{mm(v):.3f}' for v in box)}] mm, XML [{', '.join(f'{mm(v):.3f}' for v in want)}] mm, off {off:.4f} mm")
        if off > TOLERANCE_MM:
            sys.exit(f"label {i + 1} is {off:.3f} mm from the XML's geometry")
        if shape == "Label-round":
            cx, cy, r = x + w / 2, y + h / 2, w / 2
            for p in points + mids:
                miss = abs(mm(math.hypot(p[0] - cx, p[1] - cy) - r))
                if miss > TOLERANCE_MM:
                    sys.exit(f"label {i + 1}: a die-line point {miss:.3f} mm off the circle")
            if len(mids) < 4:
                sys.exit(f"label {i + 1}: the die line of a round label has {len(mids)} curves")
    print(f"{count} labels within {worst:.4f} mm of {brand} {part}")


if __name__ == "__main__":
    main()
