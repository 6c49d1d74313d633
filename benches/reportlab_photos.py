#!/usr/bin/env python3
"""The photo benchmark's comparison: the same roster's badges drawn with
reportlab the way pretix's badge renderer draws a holder's photo (Pillow
opens the upload, shrinks it to the box at 300 dpi with `thumbnail`,
bicubic, and reportlab embeds the pixels), one 4 x 3 in portrait badge a
page, with the holder's name, role and id as text.

    python3 reportlab_photos.py OUT.pdf PHOTO...
"""

import sys

from PIL import Image
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas


class Shrunk(ImageReader):
    """An ImageReader whose image is first shrunk to a box at a resolution,
    and whose pixels, not the original file, are embedded."""

    def shrink(self, w_pt, h_pt, dpi):
        size = (int(w_pt * dpi / 72), int(h_pt * dpi / 72))
        self._image.thumbnail(size=size, resample=Image.Resampling.BICUBIC)
        self._data = None

    def _jpeg_fh(self):
        # reportlab would otherwise embed the original JPEG file.
        return None


def main(out, photos):
    w, h = 76.2 * mm, 101.6 * mm
    canvas = Canvas(out, pagesize=(w, h))
    for i, path in enumerate(photos):
        canvas.setFillColorRGB(0.12, 0.31, 0.47)
        canvas.rect(0, h - 20 * mm, w, 20 * mm, stroke=0, fill=1)
        canvas.setFillColorRGB(0.1, 0.1, 0.1)
        canvas.setFont("Helvetica-Bold", 15)
        canvas.drawString(5 * mm, h - 70 * mm, f"Holder Number {i}")
        canvas.setFont("Helvetica", 8)
        canvas.drawString(5 * mm, h - 77 * mm, "Speaker, Bench Org")
        canvas.drawString(5 * mm, h - 88 * mm, f"OHS-{i:06}")
        img = Shrunk(path)
        img.shrink(26 * mm, 32 * mm, 300)
        canvas.drawImage(img, 5 * mm, h - 59.5 * mm, width=26 * mm, height=32 * mm,
                         preserveAspectRatio=True, anchor="c", mask="auto")
        canvas.showPage()
    canvas.save()


if __name__ == "__main__":
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1], sys.argv[2:])
