#!/usr/bin/env python3
"""The door grid: passes as door staff hold them up to a phone, 27 frames
for Chromium's fake camera, and what zxing-cpp reads in each.

Usage: door_grid.py CARDS OUT [--hold N] [--fps F] [--lead N]

CARDS is a folder of card images (PNG, one pass each, rendered at 600 dpi;
sorted by name, the first for the first condition), at least 27. Each
condition is a 1280 x 720 frame:
  - the card filling 45, 67.5 or 90 % of the frame's width,
  - turned 0, 12 or 35 degrees in the picture,
  - one of three kinds of picture:
      clean: the card as it is, on a dark background;
      warm:  keystoned (tilted back 10 %, turned 6 % about the vertical),
             a little blur (1.2 px), sensor noise (10 levels) and warm
             stage light (blue at half of red, darker to one side);
      dim:   more keystone (22 %, 12 %), more blur (1.6 px) and a 6 px
             streak of motion, in dim light (35 %) with noise (8 levels).
The card is moved, when needed, so that its code is inside the frame (staff
aim at the code), and every random choice is seeded: the same cards give
the same frames.

Writes OUT/grid.y4m (YUV4MPEG2, 4:2:0, as --use-file-for-fake-video-capture
reads it): LEAD frames of background, then each condition for HOLD frames,
at F frames a second; OUT/NN.png, each frame as the camera gives it (after
4:2:0); and OUT/grid.json, one entry a condition: its card, width, angle,
kind, and the text zxing-cpp (the Python zxingcpp package, as phone apps
read) reads in that same frame, or null. It decides nothing: the Rust test
(tests/door.rs) and the bench (benches/door.rs) do.
"""
import argparse
import json
from pathlib import Path

import numpy as np
import zxingcpp
from PIL import Image, ImageFilter

W, H = 1280, 720
SS = 2  # frames are drawn at twice the size, then averaged down
WIDTHS = (0.45, 0.675, 0.90)
ANGLES = (0, 12, 35)
KINDS = {
    "clean": dict(keystone=(0.0, 0.0), blur=0.0, motion=0, noise=0.0, light=(1.0, 1.0, 1.0), level=1.0, side=0.0),
    "warm": dict(keystone=(0.10, 0.06), blur=1.2, motion=0, noise=10.0, light=(1.0, 0.80, 0.52), level=0.9, side=0.3),
    "dim": dict(keystone=(0.22, 0.12), blur=1.6, motion=6, noise=8.0, light=(1.0, 0.88, 0.72), level=0.35, side=0.3),
}


def conditions():
    """The 27 conditions, in the order of the table in docs/door.md."""
    for kind in KINDS:
        for angle in ANGLES:
            for width in WIDTHS:
                yield width, angle, kind


def homography(src, dst):
    """The 3 x 3 matrix taking four points `src` to `dst`."""
    a = []
    for (x, y), (u, v) in zip(src, dst):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y, -u])
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y, -v])
    h = np.linalg.svd(np.array(a, dtype=float))[2][-1].reshape(3, 3)
    return h / h[2, 2]


def apply(h, points):
    p = np.c_[np.asarray(points, float), np.ones(len(points))] @ h.T
    return p[:, :2] / p[:, 2:]


def code_corners(card):
    """The corners of the card's code, in the card's pixels."""
    found = zxingcpp.read_barcodes(card, formats=zxingcpp.BarcodeFormat.QRCode)
    if not found:
        raise SystemExit("a card's code does not read even flat: no grid without it")
    p = found[0].position
    return [(q.x, q.y) for q in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)]


def frame(card, width, angle, kind, seed):
    """One 1280 x 720 RGB frame of `card`."""
    rng = np.random.default_rng(seed)
    k = KINDS[kind]
    code = code_corners(card)
    # Scaled once with a good filter, so that the warp below is near 1:1.
    scale = width * W * SS / card.width
    card = card.resize((round(card.width * scale), round(card.height * scale)), Image.Resampling.LANCZOS)
    code = [(x * scale, y * scale) for x, y in code]
    cw, ch = card.size
    src = [(0, 0), (cw, 0), (cw, ch), (0, ch)]
    kt, kr = k["keystone"]
    a = np.deg2rad(angle)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    dst = []
    for x, y in src:
        # Tilted back (the top edge shorter) and turned about the vertical
        # (the right edge shorter), then turned in the picture.
        u = (x - cw / 2) * (1 - kt / 2 if y == 0 else 1 + kt / 2)
        v = (y - ch / 2) * (1 - kr / 2 if x > 0 else 1 + kr / 2)
        dst.append(tuple(rot @ (u, v) + (W * SS / 2, H * SS / 2)))
    # Staff aim at the code: move the card until its code and a margin of
    # a tenth of its side are inside the frame.
    h = homography(src, dst)
    q = apply(h, code)
    m = 0.1 * np.ptp(q[:, 0])
    dx = max(0, m - q[:, 0].min()) - max(0, q[:, 0].max() - (W * SS - m))
    dy = max(0, m - q[:, 1].min()) - max(0, q[:, 1].max() - (H * SS - m))
    h = homography(src, [(u + dx, v + dy) for u, v in dst])
    inv = np.linalg.inv(h)
    coeffs = tuple((inv / inv[2, 2]).flatten()[:8])
    # A dark, uneven background: clothing, a wall, a queue.
    grey = rng.normal(0, 18, (H // 40 + 2, W // 40 + 2, 1)) + rng.normal(0, 4, (H // 40 + 2, W // 40 + 2, 3))
    out = Image.fromarray(np.uint8(np.clip(70 + grey, 0, 255))).resize((W * SS, H * SS), Image.Resampling.BICUBIC)
    warped = card.transform(out.size, Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC)
    mask = Image.new("L", card.size, 255).transform(out.size, Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BILINEAR)
    out.paste(warped, (0, 0), mask)
    out = out.resize((W, H), Image.Resampling.BOX)
    if k["blur"]:
        out = out.filter(ImageFilter.GaussianBlur(k["blur"]))
    f = np.asarray(out, np.float32)
    n = k["motion"]
    if n:
        # The card moves during a long exposure: a diagonal streak of n px.
        f = sum(np.roll(f, (i - n // 2, (i - n // 2) // 2), axis=(1, 0)) for i in range(n)) / n
    ramp = 1 - k["side"] * np.linspace(0, 1, W)[None, :, None]
    f = f * np.array(k["light"])[None, None, :] * k["level"] * ramp
    if k["noise"]:
        f = f + rng.normal(0, k["noise"], f.shape)
    return Image.fromarray(np.uint8(np.clip(f + 0.5, 0, 255)))


def to_i420(img):
    """BT.601 studio range, 4:2:0: the planes of a y4m frame."""
    f = np.asarray(img.convert("RGB"), np.float32)
    r, g, b = f[..., 0], f[..., 1], f[..., 2]
    y = 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255
    u = 128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255
    v = 128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255
    half = lambda c: c.reshape(H // 2, 2, W // 2, 2).mean(axis=(1, 3))
    byte = lambda c: np.uint8(np.clip(np.round(c), 0, 255))
    return byte(y), byte(half(u)), byte(half(v))


def from_i420(y, u, v):
    """The picture a browser shows of a y4m frame."""
    y = y.astype(np.float32) - 16
    u = np.repeat(np.repeat(u.astype(np.float32) - 128, 2, 0), 2, 1)
    v = np.repeat(np.repeat(v.astype(np.float32) - 128, 2, 0), 2, 1)
    rgb = np.stack([1.164 * y + 1.596 * v, 1.164 * y - 0.392 * u - 0.813 * v, 1.164 * y + 2.017 * u], -1)
    return Image.fromarray(np.uint8(np.clip(rgb + 0.5, 0, 255)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cards")
    ap.add_argument("out")
    ap.add_argument("--hold", type=int, default=3, help="frames each condition is shown")
    ap.add_argument("--fps", type=int, default=2)
    ap.add_argument("--lead", type=int, default=4, help="frames of background first")
    a = ap.parse_args()
    cards = sorted(Path(a.cards).glob("*.png"))
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    grid = []
    background = Image.new("RGB", (W, H), (70, 70, 70))
    with open(out / "grid.y4m", "wb") as y4m:
        y4m.write(f"YUV4MPEG2 W{W} H{H} F{a.fps}:1 Ip A1:1 C420\n".encode())

        def put(planes, times):
            for _ in range(times):
                y4m.write(b"FRAME\n")
                for p in planes:
                    y4m.write(p.tobytes())

        put(to_i420(background), a.lead)
        for i, (width, angle, kind) in enumerate(conditions()):
            card = Image.open(cards[i]).convert("RGB")
            planes = to_i420(frame(card, width, angle, kind, 1000 + i))
            put(planes, a.hold)
            seen = from_i420(*planes)
            seen.save(out / f"{i + 1:02}.png")
            codes = zxingcpp.read_barcodes(seen, formats=zxingcpp.BarcodeFormat.QRCode)
            grid.append({"card": cards[i].name, "width": width, "angle": angle, "kind": kind,
                         "zxing": codes[0].text if codes else None})
    (out / "grid.json").write_text(json.dumps(grid, indent=1) + "\n")
    print(f"zxing-cpp reads {sum(g['zxing'] is not None for g in grid)} of {len(grid)}")


if __name__ == "__main__":
    main()
