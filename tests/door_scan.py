#!/usr/bin/env python3
"""Door scan: reads the QR code of every page image in a folder the way a
phone at the door sees it, and reports what it read.

Each page (one pass, rendered at 150 dpi by the test) is degraded like a
phone's camera frame: a slight tilt (rotation and perspective), lens blur,
sensor noise and JPEG loss, with a random generator seeded by the page's
position, so a run always degrades the same way. zxing-cpp (the scanner
library phone apps build on) then reads it, once, like a door scanner's
first try.

Prints one line a page, `NAME<TAB>TEXT` (or `NAME<TAB>-` when nothing was
read), then `read N of M`. Exit status 0 whatever was read: the Rust test
decides what is good enough.

    door_scan.py [--clean] FOLDER [SAVE_FOLDER]

--clean reads the pages as rendered, without degrading them: the test
compares the two to show that degrading can make a code unreadable.
SAVE_FOLDER, if given, receives each frame as read (a JPEG a page).
"""

import io
import sys
from pathlib import Path

import numpy as np
import zxingcpp
from PIL import Image, ImageFilter

# How hard the frames are degraded. Chosen so that the 23.5 mm QR of the
# built-in CR80 card before this change (versions 6 to 8, 0.41 to 0.48 mm a
# module, 2.4 to 2.8 pixels at 150 dpi) is missed on about one pass in ten,
# as reported from the door.
TILT_DEGREES = 4.0  # rotation, uniform in +-this
KEYSTONE = 0.02  # perspective: corners moved by up to this share of the side
BLUR_SIGMA = (0.7, 1.0)  # Gaussian blur radius in pixels, uniform in this range
NOISE_SIGMA = 8.0  # Gaussian sensor noise, in 8-bit levels
JPEG_QUALITY = (45, 65)  # uniform in this range


def degrade(img, seed):
    rng = np.random.default_rng(seed)
    img = img.convert("L")
    w, h = img.size
    # Perspective: each corner moves inwards or outwards a little.
    dx = lambda: rng.uniform(-KEYSTONE, KEYSTONE) * w
    dy = lambda: rng.uniform(-KEYSTONE, KEYSTONE) * h
    quad = (dx(), dy(), dx(), h + dy(), w + dx(), h + dy(), w + dx(), dy())
    img = img.transform((w, h), Image.Transform.QUAD, quad, Image.Resampling.BICUBIC, fillcolor=255)
    img = img.rotate(rng.uniform(-TILT_DEGREES, TILT_DEGREES), Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    img = img.filter(ImageFilter.GaussianBlur(rng.uniform(*BLUR_SIGMA)))
    a = np.asarray(img, dtype=np.float32)
    a = a + rng.normal(0.0, NOISE_SIGMA, a.shape)
    img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=int(rng.integers(JPEG_QUALITY[0], JPEG_QUALITY[1] + 1)))
    buf.seek(0)
    return Image.open(buf)


def main():
    args = sys.argv[1:]
    clean = "--clean" in args
    args = [a for a in args if a != "--clean"]
    folder = Path(args[0])
    save = Path(args[1]) if len(args) > 1 else None
    pages = sorted(folder.glob("*.png"))
    read = 0
    for i, page in enumerate(pages):
        frame = Image.open(page) if clean else degrade(Image.open(page), 1000 + i)
        if save:
            frame.save(save / (page.stem + ".jpg"))
        codes = zxingcpp.read_barcodes(frame, formats=zxingcpp.BarcodeFormat.QRCode)
        text = codes[0].text if codes else "-"
        read += bool(codes)
        print(f"{page.name}\t{text}")
    print(f"read {read} of {len(pages)}")


if __name__ == "__main__":
    main()
