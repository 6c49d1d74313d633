"""Independent checks for tests/photos.rs, with Pillow and numpy.

    helper.py portrait OUT.jpg W H          a photo-like JPEG (smooth shading, detail)
    helper.py sideways OUT.jpg W H          the W x H portrait as a phone stores it held
                                            upright: pixels H x W, turned, with EXIF
                                            Orientation 6 (turn 90 degrees clockwise to view)
    helper.py orientation IMAGE             the EXIF Orientation of IMAGE (1 when it has none)
    helper.py cmyk OUT.jpg W H C M Y K      a flat CMYK JPEG (Adobe, inverted), values 0-100
    helper.py webp OUT.webp W H             a lossy WebP portrait
    helper.py psnr UPLOAD EMBEDDED [top]    PSNR in dB of EMBEDDED against Pillow's Lanczos
                                            fit of UPLOAD at EMBEDDED's size (centred, or top)
    helper.py pixel IMAGE X Y               the RGB of a pixel, as "r g b"
"""
import sys

import numpy as np
from PIL import Image, ImageFilter, ImageOps


def portrait(w, h, seed=7):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    t = y / h
    img = np.zeros((h, w, 3), np.float32)
    a, b = rng.random(3), rng.random(3)
    for k in range(3):
        img[..., k] = a[k] * (1 - t) + b[k] * t
    cx, cy, rx, ry = w * 0.5, h * 0.38, w * 0.2, h * 0.2
    head = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2 < 1
    img[head] = [0.8, 0.62, 0.5]
    # Detail: smooth noise at three scales (upsampled random grids).
    for cell, amp in ((96, 0.16), (24, 0.05), (6, 0.025)):
        gw, gh = w // cell + 2, h // cell + 2
        grid = Image.fromarray((rng.random((gh, gw)) * 255).astype(np.uint8))
        up = np.asarray(grid.resize((gw * cell, gh * cell), Image.BICUBIC))[:h, :w]
        img += (up.astype(np.float32) / 255 - 0.5)[..., None] * amp
    return Image.fromarray((np.clip(img, 0, 1) * 255).astype(np.uint8), "RGB")


def main(argv):
    cmd = argv[1]
    if cmd == "portrait":
        w, h = int(argv[3]), int(argv[4])
        portrait(w, h).save(argv[2], quality=90)
    elif cmd == "sideways":
        w, h = int(argv[3]), int(argv[4])
        upright = portrait(w, h)
        # Stored turned a quarter counter-clockwise; Orientation 6 says to
        # turn it a quarter clockwise for viewing.
        stored = upright.transpose(Image.Transpose.ROTATE_90)
        exif = Image.Exif()
        exif[0x0112] = 6
        stored.save(argv[2], quality=90, exif=exif)
        # As Pillow reads it back, the upright portrait.
        viewed = ImageOps.exif_transpose(Image.open(argv[2]))
        assert stored.size == (h, w) and viewed.size == (w, h), (stored.size, viewed.size)
    elif cmd == "orientation":
        print(Image.open(argv[2]).getexif().get(0x0112, 1))
    elif cmd == "cmyk":
        w, h = int(argv[3]), int(argv[4])
        c, m, y, k = (round(float(v) * 2.55) for v in argv[5:9])
        Image.new("CMYK", (w, h), (c, m, y, k)).save(argv[2], quality=95)
    elif cmd == "webp":
        w, h = int(argv[3]), int(argv[4])
        portrait(w, h).save(argv[2], quality=90)
    elif cmd == "psnr":
        upload = ImageOps.exif_transpose(Image.open(argv[2])).convert("RGB")
        embedded = Image.open(argv[3]).convert("RGB")
        centring = (0.5, 0.0) if len(argv) > 4 and argv[4] == "top" else (0.5, 0.5)
        fit = ImageOps.fit(upload, embedded.size, Image.LANCZOS, centering=centring)
        a = np.asarray(fit, np.float64)
        b = np.asarray(embedded, np.float64)
        mse = np.mean((a - b) ** 2)
        print(f"{99.0 if mse == 0 else 10 * np.log10(255 ** 2 / mse):.2f}")
    elif cmd == "pixel":
        img = Image.open(argv[2]).convert("RGB")
        print(*img.getpixel((int(argv[3]), int(argv[4]))))
    else:
        sys.exit(f"unknown command {cmd}")


if __name__ == "__main__":
    main(sys.argv)
