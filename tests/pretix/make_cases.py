"""Writes the layouts and backgrounds that pretix_render.py renders (cases/)."""
import json, os, subprocess
from reportlab.pdfgen import canvas
from reportlab.lib.units import mm

D = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases")
os.makedirs(D, exist_ok=True)


def background(path, w_mm, h_mm, pages=1, label="Harbour Jazz Night"):
    c = canvas.Canvas(path, pagesize=(w_mm * mm, h_mm * mm))
    for p in range(pages):
        c.setFillColorRGB(0.12, 0.31, 0.47)
        c.rect(0, h_mm * mm - 18 * mm, w_mm * mm, 18 * mm, stroke=0, fill=1)
        c.setFillColorRGB(1, 1, 1)
        c.setFont("Helvetica-Bold", 14)
        c.drawString(6 * mm, h_mm * mm - 12 * mm, label + (" (back)" if p else ""))
        c.setStrokeColorRGB(0.8, 0.2, 0.2)
        c.setLineWidth(0.5)
        c.circle(w_mm * mm - 15 * mm, 15 * mm, 8 * mm)
        c.showPage()
    c.save()


def tc(**kw):
    base = {"type": "textcontainer", "page": 1, "locale": "", "fontsize": 12, "lineheight": "1",
            "color": [0, 0, 0, 1], "fontfamily": "Open Sans", "bold": False, "italic": False,
            "text": "", "text_i18n": {}, "rotation": 0, "align": "left", "verticalalign": "top",
            "autoresize": False, "splitlongwords": False}
    base.update(kw)
    return base


def dump(name, layout):
    with open(os.path.join(D, name + ".json"), "w") as f:
        json.dump(layout, f, indent=1, ensure_ascii=False)


# 1. pretix's own default layout (BadgeLayout.layout's default), default background.
dump("default", [{"type": "textarea", "left": "13.09", "bottom": "49.73", "fontsize": "23.6",
                  "color": [0, 0, 0, 1], "fontfamily": "Open Sans", "bold": True, "italic": False,
                  "width": "121.83", "content": "attendee_name", "text": "Max Mustermann",
                  "align": "center"}])

# 2. pretix's "simple" template for A6 landscape (badges/templates.py _simple_template(w, h)).
w, h = 148.0, 105.0
ns = max(min(20, w * mm / 20), 12)
dump("simple", [
    tc(left="5.00", bottom="%.2f" % (h / 2 + 2), fontsize=ns, bold=True, width="%.2f" % (w - 10),
       height="%.2f" % (h / 2 - 7), content="attendee_name", align="center", verticalalign="bottom",
       autoresize=True),
    tc(left="5.00", bottom="5.00", fontsize=ns - 2, width="%.2f" % (w - 10), height="%.2f" % (h / 2 - 7),
       content="attendee_company", align="center", verticalalign="top", autoresize=True),
])

# 3. Everything at once on a drawn background: rotation, alignments, lineheight, italic,
#    custom text with variables, QR, image, poweredby.
background(os.path.join(D, "mixed.pdf"), 148, 105)
dump("mixed", [
    tc(left="6", bottom="55", width="90", height="22", fontsize=22, bold=True, content="attendee_name",
       verticalalign="middle", autoresize=True, splitlongwords=True),
    tc(left="6", bottom="40", width="90", height="14", fontsize=11, italic=True, content="attendee_company",
       align="right", verticalalign="bottom", lineheight="1.3"),
    tc(left="6", bottom="22", width="90", height="16", fontsize=9, content="other",
       text="{event_name}\nProduct: {item} / order {order}-{positionid}", lineheight="1.5"),
    tc(left="140", bottom="20", width="60", height="8", fontsize=10, bold=True, italic=True,
       content="other", text="ROTATED 90", rotation=90, color=[200, 30, 30, 1]),
    tc(left="100", bottom="8", width="40", height="10", fontsize=8, content="attendee_name_family_name",
       rotation=-15, align="center", verticalalign="middle"),
    {"type": "barcodearea", "page": 1, "left": "105", "bottom": "50", "size": "35", "content": "secret"},
    {"type": "imagearea", "page": 1, "left": "6", "bottom": "4", "width": "15", "height": "15",
     "content": "event_logo"},
    {"type": "poweredby", "page": 1, "left": "30", "bottom": "4", "size": "8", "content": "dark"},
])

# 4. A two-sided badge on a portrait background turned by /Rotate 90 (A6 portrait page shown landscape).
background(os.path.join(D, "rot.tmp.pdf"), 105, 148, pages=2)
subprocess.run(["qpdf", "--rotate=+90", "--object-streams=generate", os.path.join(D, "rot.tmp.pdf"),
                os.path.join(D, "twosided.pdf")], check=True)
os.remove(os.path.join(D, "rot.tmp.pdf"))
dump("twosided", [
    tc(left="10", bottom="40", width="128", height="30", fontsize=28, bold=True, content="attendee_name",
       align="center", verticalalign="middle", autoresize=True),
    tc(page=2, left="10", bottom="60", width="128", height="10", fontsize=12, content="event_name"),
    tc(page=2, left="10", bottom="40", width="128", height="12", fontsize=10, content="attendee_company",
       align="right"),
    {"type": "textarea", "page": 2, "left": "10", "bottom": "20", "fontsize": "9", "color": [0, 0, 0, 1],
     "fontfamily": "Open Sans", "bold": False, "italic": False, "width": "100", "content": "other",
     "text": "Seat {seat} - downward", "align": "left", "downward": True, "lineheight": "1.2"},
])
print("cases in", D)
