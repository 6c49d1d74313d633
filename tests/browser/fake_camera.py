"""Writes the fake camera's video for the door test: a pass as a phone sees it.

Usage: fake_camera.py PASS.png OUT.y4m. The pass (rendered at 150 dpi by the
test) is tilted by 3 degrees with a slight keystone, blurred and given
sensor noise, with a fixed seed, and set on a grey 640x480 background, as a
card held in front of a laptop camera. The video is YUV4MPEG2 (C420, the
format Chromium's --use-file-for-fake-video-capture reads) at 10 frames a
second: one second of the background alone, then the card; Chromium plays
it in a loop.
"""
import sys

import numpy as np
from PIL import Image, ImageFilter

W, H = 640, 480
card = Image.open(sys.argv[1]).convert("L")
rng = np.random.default_rng(20)
w, h = card.size
k = 0.015  # keystone: corners moved by up to this share of the side
quad = tuple(float(v) for v in (
    rng.uniform(-k, k) * w, rng.uniform(-k, k) * h,
    rng.uniform(-k, k) * w, h + rng.uniform(-k, k) * h,
    w + rng.uniform(-k, k) * w, h + rng.uniform(-k, k) * h,
    w + rng.uniform(-k, k) * w, rng.uniform(-k, k) * h,
))
card = card.transform((w, h), Image.Transform.QUAD, quad, Image.Resampling.BICUBIC, fillcolor=255)
card = card.rotate(3.0, Image.Resampling.BICUBIC, expand=True, fillcolor=150)
frame = Image.new("L", (W, H), 150)
frame.paste(card, ((W - card.width) // 2, (H - card.height) // 2))
frame = frame.filter(ImageFilter.GaussianBlur(0.8))
a = np.asarray(frame, dtype=np.float32) + rng.normal(0.0, 3.0, (H, W))
y = np.clip(a, 0, 255).astype(np.uint8)
# Before the card: a second of the background alone, as a door camera runs
# before a pass is held up (the decoder has warmed up by then).
b = np.full((H, W), 150.0) + rng.normal(0.0, 3.0, (H, W))
empty = np.clip(b, 0, 255).astype(np.uint8)
# Grey: Y carries the picture, the chroma planes are neutral.
chroma = np.full((H // 2) * (W // 2), 128, dtype=np.uint8).tobytes()
with open(sys.argv[2], "wb") as out:
    out.write(f"YUV4MPEG2 W{W} H{H} F10:1 Ip A1:1 C420\n".encode())
    for i in range(15):
        out.write(b"FRAME\n")
        out.write((empty if i < 10 else y).tobytes())
        out.write(chroma)
        out.write(chroma)
