#!/usr/bin/env python3
"""A PDF/X-4 (ISO 15930-7) checker for laminate's tests, with pikepdf.

No free tool validates PDF/X-4 (veraPDF covers PDF/A and PDF/UA; qpdf and
pdfcpu check structure), so the suite asserts the rules itself:

    python3 tests/pdfx_check.py check FILE.pdf
        one line per broken rule, "RULE: where: what", exit 1; or
        "PDF/X-4: every rule holds (N rules)" and exit 0.
    python3 tests/pdfx_check.py break CASE IN.pdf OUT.pdf
        writes a copy of IN.pdf that breaks one check on purpose, so a test
        can see the checker catch it: CASE is a rule id, or RULE/WHAT for
        the rule's other checks.
    python3 tests/pdfx_check.py rules
        the rule ids, one a line.
    python3 tests/pdfx_check.py breaks
        the CASEs, one a line.

Everything is read from the file as a print shop receives it.
"""

import re
import sys
import xml.etree.ElementTree as ET

import pikepdf
from pikepdf import Name, Dictionary, Array

RULES = {
    "header": "the header says PDF 1.6 (PDF/X-4 is based on it)",
    "trailer-id": "the trailer has an /ID of two strings",
    "no-encryption": "the file is not encrypted",
    "info": "Info has /Title and /Trapped /True or /False",
    "output-intent": "one /GTS_PDFX output intent with an embedded CMYK output profile, condition, registry and Info",
    "xmp": "XMP with GTS_PDFXVersion PDF/X-4, pdf:Trapped, dates, title, producer and document ids matching Info",
    "no-actions": "no actions, JavaScript or additional actions",
    "page-boxes": "every page has a TrimBox inside its BleedBox inside its MediaBox",
    "marks-outside-bleed": "printer's marks (registration colour) lie outside every card's bleed",
    "oc-config": "every optional content configuration has a /Name and no /AS",
    "fonts-embedded": "every font is embedded",
    "rendering-intents": "only the four standard rendering intents",
    "transparency-cmyk": "transparency groups blend in CMYK",
    "no-rgb": "no DeviceRGB (or other uncalibrated RGB) colour anywhere",
    "spot-alternates": "each spot ink has one alternate and tint transform",
}

STANDARD_INTENTS = {"/Perceptual", "/RelativeColorimetric", "/Saturation", "/AbsoluteColorimetric"}
NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
    "pdfxid": "http://www.npes.org/pdfx/ns/id/",
}


class Report:
    def __init__(self):
        self.problems = []

    def fail(self, rule, where, what):
        assert rule in RULES, rule
        line = f"{rule}: {where}: {what}"
        if line not in self.problems:
            self.problems.append(line)


def rect(a):
    v = [float(x) for x in a]
    return (min(v[0], v[2]), min(v[1], v[3]), max(v[0], v[2]), max(v[1], v[3]))


def inside(inner, outer, eps=0.01):
    return (inner[0] >= outer[0] - eps and inner[1] >= outer[1] - eps
            and inner[2] <= outer[2] + eps and inner[3] <= outer[3] + eps)


def pdf_date_to_xmp(d):
    """D:YYYYMMDDHHmmSS[Z|+hh'mm'] -> YYYY-MM-DDTHH:mm:SS[Z|+hh:mm]."""
    m = re.fullmatch(r"D:(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(Z|[+-]\d{2}'\d{2}'?)?", d)
    if not m:
        return None
    tz = m.group(7) or ""
    if tz and tz != "Z":
        tz = tz[:3] + ":" + tz[4:6]
    return "{}-{}-{}T{}:{}:{}{}".format(*m.groups()[:6], tz)


def all_dicts(pdf):
    """Every dictionary in the file (objects, and dictionaries inside them)."""
    seen = set()

    def walk(o):
        if isinstance(o, pikepdf.Stream):
            yield o.stream_dict
            for v in o.stream_dict.values():
                yield from walk(v)
        elif isinstance(o, Dictionary):
            if o.is_indirect:
                key = o.objgen
                if key in seen:
                    return
                seen.add(key)
            yield o
            for k, v in o.items():
                if k in ("/Parent", "/P"):
                    continue
                yield from walk(v)
        elif isinstance(o, Array):
            for v in o:
                yield from walk(v)

    for obj in pdf.objects:
        if isinstance(obj, (Dictionary, pikepdf.Stream, Array)):
            yield from walk(obj)
    yield from walk(pdf.trailer)


def colour_space_names(cs):
    """The device / family names a colour space uses, alternates included."""
    if isinstance(cs, Name):
        return [str(cs)]
    if isinstance(cs, Array) and len(cs) > 0:
        family = str(cs[0])
        out = [family]
        if family == "/ICCBased":
            n = int(cs[1].stream_dict.get("/N", 0))
            out.append(f"ICC-N{n}")
            if "/Alternate" in cs[1].stream_dict:
                out += colour_space_names(cs[1].stream_dict["/Alternate"])
        elif family in ("/Separation", "/DeviceN"):
            out += colour_space_names(cs[2])
        elif family in ("/Indexed", "/Pattern") and len(cs) > 1:
            out += colour_space_names(cs[1])
        return out
    return []


def check(path):
    r = Report()
    raw = open(path, "rb").read()
    if not raw.startswith(b"%PDF-1.6"):
        r.fail("header", "file", f"the header is {raw[:8]!r}, not %PDF-1.6")
    tail = raw[-2048:]
    m = re.search(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]", tail)
    if not m:
        r.fail("trailer-id", "trailer", "no /ID [<...> <...>]")
    pdf = pikepdf.open(path)
    # qpdf gives a page without a MediaBox a default one (US Letter) as it
    # opens the file, and says so only in a warning: read the pages' own.
    no_media = set()
    for w in pdf.get_warnings():
        m = re.search(r"object (\d+) (\d+) at offset \d+: kid \d+ \(from \d+\) MediaBox is undefined", w)
        if m:
            no_media.add((int(m.group(1)), int(m.group(2))))
    if pdf.is_encrypted or "/Encrypt" in pdf.trailer:
        r.fail("no-encryption", "trailer", "the file is encrypted")
    root = pdf.Root
    info = pdf.trailer.get("/Info")

    # Info.
    if info is None:
        r.fail("info", "trailer", "no Info dictionary")
        info = Dictionary()
    if "/Title" not in info or not str(info.Title).strip():
        r.fail("info", "Info", "no /Title")
    trapped = info.get("/Trapped")
    if trapped is None or str(trapped) not in ("/True", "/False"):
        r.fail("info", "Info", f"/Trapped is {trapped}, not /True or /False")

    # Output intent.
    intents = [oi for oi in root.get("/OutputIntents", Array()) if oi.get("/S") == Name.GTS_PDFX]
    if len(intents) != 1:
        r.fail("output-intent", "catalog", f"{len(intents)} /GTS_PDFX output intents, not one")
    for oi in intents:
        prof = oi.get("/DestOutputProfile")
        if prof is None:
            r.fail("output-intent", "output intent", "no embedded DestOutputProfile")
        else:
            data = prof.read_bytes()
            cls, space = data[12:16], data[16:20]
            if cls != b"prtr" or space != b"CMYK" or int(prof.stream_dict.get("/N", 0)) != 4:
                r.fail("output-intent", "DestOutputProfile",
                       f"a {cls.decode('latin1')} profile for {space.decode('latin1')}, not a CMYK output profile")
        for key in ("/OutputConditionIdentifier", "/RegistryName", "/Info"):
            if not str(oi.get(key, "")).strip():
                r.fail("output-intent", "output intent", f"no {key}")
    # Other output intents (laminate adds a GTS_PDFA1 one, so that poppler
    # does not take the only intent as its display profile) must describe
    # the same condition: the very profile object (ISO 19005-2 6.2.3).
    if len(intents) == 1 and intents[0].get("/DestOutputProfile") is not None:
        press = intents[0].DestOutputProfile.objgen
        for oi in root.get("/OutputIntents", Array()):
            if oi.get("/S") == Name.GTS_PDFX:
                continue
            prof = oi.get("/DestOutputProfile")
            if prof is not None and prof.objgen != press:
                r.fail("output-intent", f"{oi.get('/S')} output intent",
                       "a DestOutputProfile other than the GTS_PDFX intent's")

    # XMP.
    meta = root.get("/Metadata")
    if meta is None:
        r.fail("xmp", "catalog", "no /Metadata stream")
    else:
        try:
            x = ET.fromstring(meta.read_bytes())
        except ET.ParseError as e:
            r.fail("xmp", "metadata", f"not XML: {e}")
            x = None
        if x is not None:
            def text(tag):
                for d in x.iter(f"{{{NS['rdf']}}}Description"):
                    pfx, local = tag.split(":")
                    el = d.find(f"{pfx}:{local}", NS)
                    if el is not None:
                        li = el.find(".//rdf:li", NS)
                        return (li.text if li is not None else el.text) or ""
                        # attributes form is not written by laminate
                    att = d.get(f"{{{NS[pfx]}}}{local}")
                    if att is not None:
                        return att
                return None

            if text("pdfxid:GTS_PDFXVersion") != "PDF/X-4":
                r.fail("xmp", "metadata", f"pdfxid:GTS_PDFXVersion is {text('pdfxid:GTS_PDFXVersion')!r}, not 'PDF/X-4'")
            want_trapped = str(trapped)[1:] if trapped is not None else None
            if text("pdf:Trapped") != want_trapped:
                r.fail("xmp", "metadata", f"pdf:Trapped is {text('pdf:Trapped')!r}, Info says {want_trapped!r}")
            for xkey, ikey in (("xmp:CreateDate", "/CreationDate"), ("xmp:ModifyDate", "/ModDate")):
                want = pdf_date_to_xmp(str(info.get(ikey, "")))
                if want is None or text(xkey) != want:
                    r.fail("xmp", "metadata", f"{xkey} is {text(xkey)!r}, Info {ikey} says {want!r}")
            if not text("xmp:MetadataDate"):
                r.fail("xmp", "metadata", "no xmp:MetadataDate")
            if text("dc:title") != str(info.get("/Title", "")):
                r.fail("xmp", "metadata", f"dc:title {text('dc:title')!r} is not Info's title")
            if text("pdf:Producer") != str(info.get("/Producer", "")):
                r.fail("xmp", "metadata", f"pdf:Producer {text('pdf:Producer')!r} is not Info's producer")
            for key in ("xmpMM:DocumentID", "xmpMM:InstanceID"):
                if not (text(key) or "").startswith("uuid:"):
                    r.fail("xmp", "metadata", f"{key} is {text(key)!r}, not a uuid: URN")
            for key in ("xmpMM:VersionID", "xmpMM:RenditionClass"):
                if not text(key):
                    r.fail("xmp", "metadata", f"no {key}")

    # Actions anywhere.
    for key in ("/OpenAction", "/AA"):
        if key in root:
            r.fail("no-actions", "catalog", f"{key}")
    names = root.get("/Names")
    if names is not None and "/JavaScript" in names:
        r.fail("no-actions", "catalog /Names", "/JavaScript")

    # Every dictionary: actions, intents, transparency groups, alternates.
    spots = {}
    for d in all_dicts(pdf):
        for key in ("/AA", "/JS", "/A", "/OpenAction"):
            if key in d:
                r.fail("no-actions", "object", f"a dictionary with {key}")
        if d.get("/S") in (Name.JavaScript, Name.Launch, Name.SubmitForm, Name.ImportData):
            r.fail("no-actions", "object", f"an action {d.get('/S')}")
        for key in ("/RI", "/Intent"):
            if key in d and str(d[key]) not in STANDARD_INTENTS:
                r.fail("rendering-intents", "object", f"{key} {d[key]}")
        if d.get("/S") == Name.Transparency and d.get("/Type") in (None, Name.Group):
            cs = d.get("/CS")
            if cs is None or colour_space_names(cs)[0] not in ("/DeviceCMYK",) and "ICC-N4" not in colour_space_names(cs):
                r.fail("transparency-cmyk", "transparency group", f"blends in {cs}, not CMYK")
        for key in ("/ColorSpace", "/CS"):
            cs = d.get(key)
            if cs is None:
                continue
            entries = list(cs.values()) if isinstance(cs, Dictionary) else [cs]
            for one in entries:
                used = colour_space_names(one)
                # RGB with an ICC profile (ICCBased, N 3) is allowed; device or
                # calibrated RGB without one is not (ISO 15930-7 6.2.4.3).
                if "/DeviceRGB" in used or "/CalRGB" in used:
                    r.fail("no-rgb", "colour space", f"{' '.join(used)}")
                if isinstance(one, Array) and len(one) == 4 and str(one[0]) == "/Separation":
                    name = str(one[1])
                    sig = (repr(one[2]), one[3].objgen if one[3].is_indirect else repr(one[3]))
                    spots.setdefault(name, set()).add(sig)
    for name, sigs in spots.items():
        if len(sigs) > 1:
            r.fail("spot-alternates", f"ink {name}", f"{len(sigs)} different alternates or tint transforms")

    # Optional content configurations.
    ocp = root.get("/OCProperties")
    if ocp is not None:
        configs = [("/D", ocp.get("/D"))] + [(f"/Configs {i}", c) for i, c in enumerate(ocp.get("/Configs", Array()))]
        for where, c in configs:
            if c is None:
                r.fail("oc-config", "OCProperties", "no default configuration /D")
                continue
            if "/Name" not in c or not str(c.Name).strip():
                r.fail("oc-config", where, "no /Name")
            if "/AS" in c:
                r.fail("oc-config", where, "an /AS (auto state) entry")

    # Pages: boxes, marks, content colour operators, fonts.
    checked_fonts = set()
    checked_forms = set()
    for n, page in enumerate(pdf.pages, 1):
        po = page.obj
        media = rect(po.MediaBox) if "/MediaBox" in po and po.objgen not in no_media else None
        trim = rect(po.TrimBox) if "/TrimBox" in po else None
        bleed = rect(po.BleedBox) if "/BleedBox" in po else None
        if media is None:
            r.fail("page-boxes", f"page {n}", "no MediaBox")
        if trim is None:
            r.fail("page-boxes", f"page {n}", "no TrimBox")
        if trim and bleed and not inside(trim, bleed):
            r.fail("page-boxes", f"page {n}", f"TrimBox {trim} is not inside BleedBox {bleed}")
        if media and bleed and not inside(bleed, media):
            r.fail("page-boxes", f"page {n}", f"BleedBox {bleed} is not inside MediaBox {media}")
        if media and trim and not inside(trim, media):
            r.fail("page-boxes", f"page {n}", f"TrimBox {trim} is not inside MediaBox {media}")
        if "/AA" in po:
            r.fail("no-actions", f"page {n}", "/AA")
        for annot in po.get("/Annots", Array()):
            if "/A" in annot or "/AA" in annot:
                r.fail("no-actions", f"page {n}", "an annotation with an action")
        margin = (trim[0] - bleed[0]) if (trim and bleed) else 0.0
        check_content(r, f"page {n}", page, po.get("/Resources", Dictionary()), checked_forms,
                      marks_against=(trim, margin))
        check_fonts(r, f"page {n}", po.get("/Resources", Dictionary()), checked_fonts, set())
    return r.problems


def check_fonts(r, where, res, done, seen):
    if res.objgen in seen and res.is_indirect:
        return
    if res.is_indirect:
        seen.add(res.objgen)
    for name, font in res.get("/Font", Dictionary()).items():
        key = font.objgen
        if key in done:
            continue
        done.add(key)
        sub = str(font.get("/Subtype"))
        if sub == "/Type3":
            continue
        fonts = list(font.DescendantFonts) if sub == "/Type0" else [font]
        for f in fonts:
            fd = f.get("/FontDescriptor")
            if fd is None or not any(k in fd for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                r.fail("fonts-embedded", where, f"font {name} ({f.get('/BaseFont')}) is not embedded")
    for name, xo in res.get("/XObject", Dictionary()).items():
        if xo.get("/Subtype") == Name.Form and "/Resources" in xo:
            check_fonts(r, where, xo.Resources, done, seen)


def mul(a, b):
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def apply(m, x, y):
    return (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])


def check_content(r, where, stream_owner, res, forms, marks_against=None):
    """Colour operators of one content stream (and its forms): no RGB, no
    unknown intents; registration-colour strokes collected as marks."""
    spaces = res.get("/ColorSpace", Dictionary())

    def is_reg(name):
        cs = spaces.get(name)
        return isinstance(cs, Array) and str(cs[0]) == "/Separation" and str(cs[1]) == "/All"

    ctm = [1, 0, 0, 1, 0, 0]
    stack = []
    stroke_reg = False
    path = []
    marks = []
    try:
        ops = pikepdf.parse_content_stream(stream_owner)
    except pikepdf.PdfError as e:
        r.fail("no-rgb", where, f"content stream cannot be read: {e}")
        return
    for operands, op in ops:
        op = str(op)
        if op in ("rg", "RG"):
            r.fail("no-rgb", where, f"a DeviceRGB colour ({op})")
        elif op in ("cs", "CS"):
            name = str(operands[0])
            if name in ("/DeviceRGB", "/CalRGB"):
                r.fail("no-rgb", where, f"{op} {name}")
            if op == "CS":
                stroke_reg = is_reg(operands[0])
        elif op == "ri" and str(operands[0]) not in STANDARD_INTENTS:
            r.fail("rendering-intents", where, f"ri {operands[0]}")
        elif op == "q":
            stack.append((ctm, stroke_reg))
        elif op == "Q" and stack:
            ctm, stroke_reg = stack.pop()
        elif op == "cm":
            ctm = mul([float(v) for v in operands], ctm)
        elif op == "m":
            path.append([apply(ctm, float(operands[0]), float(operands[1]))])
        elif op == "l" and path:
            path[-1].append(apply(ctm, float(operands[0]), float(operands[1])))
        elif op in ("c", "v", "y") and path:
            pts = [float(v) for v in operands]
            for i in range(0, len(pts), 2):
                path[-1].append(apply(ctm, pts[i], pts[i + 1]))
            path[-1].append(None)  # marks the subpath as curved
        elif op == "re":
            x, y, w, h = (float(v) for v in operands)
            path.append([apply(ctm, x, y), apply(ctm, x + w, y + h)])
        elif op in ("S", "s", "B", "B*", "b", "b*"):
            if stroke_reg:
                marks.extend(path)
            path = []
        elif op in ("f", "F", "f*", "n", "W", "W*"):
            if op != "W" and op != "W*":
                path = []
        elif op == "Do":
            xo = res.get("/XObject", Dictionary()).get(operands[0])
            if xo is None:
                continue
            sub = xo.get("/Subtype")
            if sub == Name.Form and xo.objgen not in forms:
                forms.add(xo.objgen)
                check_content(r, where, xo, xo.get("/Resources", Dictionary()), forms)
            elif sub == Name.Image:
                used = colour_space_names(xo.get("/ColorSpace", Name.DeviceGray))
                if "/DeviceRGB" in used:
                    r.fail("no-rgb", where, f"image {operands[0]} is DeviceRGB")
    if marks_against is None or not marks or marks_against[0] is None:
        return
    # Cards from the crop marks: each straight mark lies on a trim edge, so
    # the x of vertical marks and the y of horizontal ones, paired in
    # order, are the columns and rows of the grid.
    straight = [s for s in marks if None not in s and len(s) == 2]
    lengths = {}
    for (x0, y0), (x1, y1) in straight:
        key = round(abs(x1 - x0) + abs(y1 - y0), 2)
        lengths[key] = lengths.get(key, 0) + 1
    if not lengths:
        return
    crop = max(lengths, key=lengths.get)
    xs, ys = set(), set()
    for (x0, y0), (x1, y1) in straight:
        if round(abs(x1 - x0) + abs(y1 - y0), 2) != crop:
            continue
        if abs(x1 - x0) < 0.01:
            xs.add(round(x0, 2))
        elif abs(y1 - y0) < 0.01:
            ys.add(round(y0, 2))
    xs, ys = sorted(xs), sorted(ys)
    cols = list(zip(xs[0::2], xs[1::2]))
    rows = list(zip(ys[0::2], ys[1::2]))
    margin = marks_against[1]
    for seg in marks:
        pts = [p for p in seg if p is not None]
        for a, b in zip(pts, pts[1:]):
            lo = (min(a[0], b[0]), min(a[1], b[1]))
            hi = (max(a[0], b[0]), max(a[1], b[1]))
            for cx0, cx1 in cols:
                for cy0, cy1 in rows:
                    # Strictly inside the card's bleed (touching its edge line is the mark's job).
                    if (lo[0] < cx1 + margin - 0.01 and hi[0] > cx0 - margin + 0.01
                            and lo[1] < cy1 + margin - 0.01 and hi[1] > cy0 - margin + 0.01):
                        r.fail("marks-outside-bleed", where,
                               f"a registration-colour mark from {tuple(round(v, 1) for v in a)} to "
                               f"{tuple(round(v, 1) for v in b)} enters the card at x {cx0:.1f}-{cx1:.1f}, "
                               f"y {cy0:.1f}-{cy1:.1f} or its {margin:.1f} pt bleed")


# --- Breaking a file on purpose, one sub-check at a time --------------------
#
# Each break rewrites a passing file so that exactly one check fails: the
# case id is the rule's, or RULE/WHAT for the rule's other checks. The test
# (tests/pdfx.rs) knows the line each case must make the checker print, and
# that no other rule may complain.

BREAKS = {}


def breaks(case, raw=False):
    """Registers a break. A raw break gets (src, dst) and writes bytes; the
    others get the opened pdf and its first page, and the file is saved."""
    rule = case.split("/")[0]
    assert rule in RULES, case

    def register(fn):
        BREAKS[case] = (fn, raw)
        return fn
    return register


def replace_bytes(src, dst, old, new):
    data = open(src, "rb").read()
    assert old in data, old
    assert len(old) == len(new)
    open(dst, "wb").write(data.replace(old, new, 1))


def append_content(pdf, page, text):
    page.contents_add(pikepdf.Stream(pdf, text), prepend=False)


def rewrite_xmp(pdf, pattern, repl):
    """Rewrites the XMP packet: one match of the regular expression `pattern`
    (bytes) replaced by `repl`."""
    meta = pdf.Root.Metadata
    data, n = re.subn(pattern, repl, meta.read_bytes(), count=1)
    assert n == 1, pattern
    meta.write(data)


def first_intent(pdf):
    return next(oi for oi in pdf.Root.OutputIntents if oi.get("/S") == Name.GTS_PDFX)


def tiny_image(pdf, **extra):
    """A 1 x 1 image XObject (DeviceGray unless told)."""
    d = {"/Type": Name.XObject, "/Subtype": Name.Image, "/Width": 1, "/Height": 1,
         "/BitsPerComponent": 8, "/ColorSpace": Name.DeviceGray}
    d.update({f"/{k}": v for k, v in extra.items()})
    n = {Name.DeviceRGB: 3, Name.DeviceCMYK: 4}.get(d["/ColorSpace"], 1)
    return pdf.make_stream(b"\x80" * n, Dictionary(d))


def add_resource(page, kind, name, obj):
    res = page.obj.Resources
    if kind not in res:
        res[kind] = Dictionary()
    res[kind][name] = obj


@breaks("header", raw=True)
def _(src, dst):
    replace_bytes(src, dst, b"%PDF-1.6", b"%PDF-1.7")


@breaks("trailer-id", raw=True)
def _(src, dst):
    data = open(src, "rb").read()
    at = data.rindex(b"/ID [")
    open(dst, "wb").write(data[:at] + b"/XD [" + data[at + 5:])


@breaks("no-encryption")
def _(pdf, page):
    return {"encryption": pikepdf.Encryption(owner="o", user="", R=4)}


@breaks("info")
def _(pdf, page):
    del pdf.trailer.Info["/Trapped"]
    # pdf:Trapped is compared with Info's, so it goes too: only info breaks.
    rewrite_xmp(pdf, rb"<pdf:Trapped>[^<]*</pdf:Trapped>", b"")


@breaks("info/no-info")
def _(pdf, page):
    # XMP's dates, title, producer and trapped are compared with Info's, so
    # the xmp rule breaks too (tests/pdfx.rs allows it for this case alone).
    del pdf.trailer["/Info"]


@breaks("info/title")
def _(pdf, page):
    pdf.trailer.Info.Title = pikepdf.String("")
    # dc:title must equal Info's title: emptied too, so only info breaks.
    rewrite_xmp(pdf, rb"(<dc:title>.*?<rdf:li[^>]*>)[^<]*(</rdf:li>)", rb"\1\2")


@breaks("output-intent")
def _(pdf, page):
    del pdf.Root["/OutputIntents"]


@breaks("output-intent/two")
def _(pdf, page):
    oi = first_intent(pdf)
    pdf.Root.OutputIntents.append(pdf.make_indirect(Dictionary({k: v for k, v in oi.items()})))


@breaks("output-intent/no-profile")
def _(pdf, page):
    del first_intent(pdf)["/DestOutputProfile"]


def rewrite_profile(pdf, at, value):
    prof = first_intent(pdf).DestOutputProfile
    data = bytearray(prof.read_bytes())
    data[at:at + len(value)] = value
    prof.write(bytes(data))


@breaks("output-intent/other-profile")
def _(pdf, page):
    other = next(oi for oi in pdf.Root.OutputIntents if oi.get("/S") != Name.GTS_PDFX)
    copy = pdf.make_stream(first_intent(pdf).DestOutputProfile.read_bytes(), N=4)
    other.DestOutputProfile = copy


@breaks("output-intent/profile-class")
def _(pdf, page):
    rewrite_profile(pdf, 12, b"mntr")


@breaks("output-intent/profile-space")
def _(pdf, page):
    rewrite_profile(pdf, 16, b"RGB ")


@breaks("output-intent/profile-n")
def _(pdf, page):
    first_intent(pdf).DestOutputProfile.N = 3


@breaks("output-intent/condition")
def _(pdf, page):
    del first_intent(pdf)["/OutputConditionIdentifier"]


@breaks("output-intent/registry")
def _(pdf, page):
    del first_intent(pdf)["/RegistryName"]


@breaks("output-intent/info")
def _(pdf, page):
    first_intent(pdf).Info = pikepdf.String(" ")


@breaks("xmp")
def _(pdf, page):
    rewrite_xmp(pdf, rb">PDF/X-4<", b">PDF/X-3<")


@breaks("xmp/no-metadata")
def _(pdf, page):
    del pdf.Root["/Metadata"]


@breaks("xmp/not-xml")
def _(pdf, page):
    rewrite_xmp(pdf, rb"</x:xmpmeta>", b"</x:xmpmet>")


@breaks("xmp/trapped")
def _(pdf, page):
    rewrite_xmp(pdf, rb"<pdf:Trapped>False</pdf:Trapped>", b"<pdf:Trapped>True</pdf:Trapped>")


@breaks("xmp/create-date")
def _(pdf, page):
    rewrite_xmp(pdf, rb"(<xmp:CreateDate>\d{4})", rb"\g<1>1")


@breaks("xmp/modify-date")
def _(pdf, page):
    rewrite_xmp(pdf, rb"<xmp:ModifyDate>(\d{4})", rb"<xmp:ModifyDate>1999")


@breaks("xmp/metadata-date")
def _(pdf, page):
    rewrite_xmp(pdf, rb"<xmp:MetadataDate>[^<]*</xmp:MetadataDate>", b"")


@breaks("xmp/title")
def _(pdf, page):
    rewrite_xmp(pdf, rb"(<dc:title>.*?<rdf:li[^>]*>)", rb"\1Not ")


@breaks("xmp/producer")
def _(pdf, page):
    rewrite_xmp(pdf, rb"<pdf:Producer>", b"<pdf:Producer>Not ")


@breaks("xmp/document-id")
def _(pdf, page):
    rewrite_xmp(pdf, rb"<xmpMM:DocumentID>uuid:", b"<xmpMM:DocumentID>")


@breaks("xmp/instance-id")
def _(pdf, page):
    rewrite_xmp(pdf, rb"<xmpMM:InstanceID>uuid:", b"<xmpMM:InstanceID>urn:")


@breaks("xmp/version-id")
def _(pdf, page):
    rewrite_xmp(pdf, rb"<xmpMM:VersionID>[^<]*</xmpMM:VersionID>", b"")


@breaks("xmp/rendition-class")
def _(pdf, page):
    rewrite_xmp(pdf, rb"<xmpMM:RenditionClass>[^<]*</xmpMM:RenditionClass>", b"")


def javascript(pdf):
    return pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=pikepdf.String("app.alert(1)")))


@breaks("no-actions")
def _(pdf, page):
    pdf.Root.OpenAction = javascript(pdf)


@breaks("no-actions/catalog-aa")
def _(pdf, page):
    pdf.Root.AA = Dictionary(WC=javascript(pdf))


@breaks("no-actions/names-javascript")
def _(pdf, page):
    names = pdf.Root.get("/Names", Dictionary())
    names.JavaScript = Dictionary(Names=Array([pikepdf.String("hello"), javascript(pdf)]))
    pdf.Root.Names = names


@breaks("no-actions/page-aa")
def _(pdf, page):
    page.obj.AA = Dictionary(O=javascript(pdf))


@breaks("no-actions/annotation-a")
def _(pdf, page):
    link = Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=Array([0, 0, 10, 10]),
                      Border=Array([0, 0, 0]),
                      A=Dictionary(S=Name.URI, URI=pikepdf.String("https://example.org/")))
    page.obj.Annots = Array([pdf.make_indirect(link)])


@breaks("no-actions/object-a")
def _(pdf, page):
    # An /A (here a harmless URI action) held by an object that is no
    # annotation: found by its key.
    ocg = pdf.Root.OCProperties.OCGs[0]
    ocg.A = Dictionary(S=Name.URI, URI=pikepdf.String("https://example.org/"))


@breaks("no-actions/launch")
def _(pdf, page):
    # A Launch action held by no /A, /AA or /OpenAction key: found by its /S.
    ocg = pdf.Root.OCProperties.OCGs[0]
    ocg.Extra = Dictionary(S=Name.Launch, F=pikepdf.String("calc.exe"))


@breaks("page-boxes")
def _(pdf, page):
    del page.obj["/TrimBox"]


@breaks("page-boxes/no-media", raw=True)
def _(src, dst):
    # In the bytes: qpdf would give a page saved without one a default box.
    replace_bytes(src, dst, b"/MediaBox[", b"/MediaBoz[")


@breaks("page-boxes/trim-outside-bleed")
def _(pdf, page):
    t, b = rect(page.obj.TrimBox), rect(page.obj.BleedBox)
    page.obj.BleedBox = Array([b[0], b[1], t[2] - 1, b[3]])


@breaks("page-boxes/bleed-outside-media")
def _(pdf, page):
    b, m = rect(page.obj.BleedBox), rect(page.obj.MediaBox)
    page.obj.BleedBox = Array([b[0], b[1], m[2] + 5, b[3]])


@breaks("page-boxes/trim-outside-media")
def _(pdf, page):
    t, m = rect(page.obj.TrimBox), rect(page.obj.MediaBox)
    # Without a BleedBox, so that only the trim-in-media check can see it.
    del page.obj["/BleedBox"]
    page.obj.TrimBox = Array([t[0], t[1], m[2] + 5, t[3]])


@breaks("marks-outside-bleed")
def _(pdf, page):
    # A registration-colour line across the first card.
    t = rect(page.obj.TrimBox)
    page.obj.Resources.ColorSpace.Reg  # the page has registration marks
    append_content(pdf, page, f"q /Reg CS 1 SC 0.25 w {t[0] + 5} {t[1] + 5} m {t[0] + 20} {t[1] + 5} l S Q".encode())


@breaks("oc-config")
def _(pdf, page):
    pdf.Root.OCProperties.D.AS = Array([Dictionary(Event=Name.Print, Category=Array([Name.Print]),
                                                   OCGs=pdf.Root.OCProperties.OCGs)])


@breaks("oc-config/name")
def _(pdf, page):
    del pdf.Root.OCProperties.D["/Name"]


@breaks("oc-config/no-default")
def _(pdf, page):
    del pdf.Root.OCProperties["/D"]


@breaks("fonts-embedded")
def _(pdf, page):
    for f in page.obj.Resources.Font.values():
        fonts = list(f.DescendantFonts) if f.get("/Subtype") == Name.Type0 else [f]
        for d in fonts:
            fd = d.get("/FontDescriptor")
            if fd is not None:
                for k in ("/FontFile", "/FontFile2", "/FontFile3"):
                    if k in fd:
                        del fd[k]


@breaks("rendering-intents")
def _(pdf, page):
    append_content(pdf, page, b"/Vivid ri")


@breaks("rendering-intents/graphics-state")
def _(pdf, page):
    add_resource(page, "/ExtGState", "/GSVivid", Dictionary(Type=Name.ExtGState, RI=Name.Vivid))
    append_content(pdf, page, b"q /GSVivid gs Q")


@breaks("rendering-intents/image")
def _(pdf, page):
    add_resource(page, "/XObject", "/ImVivid", tiny_image(pdf, Intent=Name.Vivid))
    append_content(pdf, page, b"q 1 0 0 1 0 0 cm /ImVivid Do Q")


@breaks("transparency-cmyk")
def _(pdf, page):
    # Grey, not RGB, so that no-rgb stays quiet.
    page.obj.Group = Dictionary(Type=Name.Group, S=Name.Transparency, CS=Name.DeviceGray)


@breaks("no-rgb")
def _(pdf, page):
    append_content(pdf, page, b"q 1 0 0 rg 0 0 2 2 re f Q")


@breaks("no-rgb/unreadable-content")
def _(pdf, page):
    # A content stream that cannot be read could hide any colour: one that
    # says it is compressed, and is not.
    stream = pikepdf.Stream(pdf, b"q 1 0 0 rg 0 0 2 2 re f Q")
    stream.Filter = Name.FlateDecode
    page.contents_add(stream, prepend=False)


@breaks("no-rgb/cs")
def _(pdf, page):
    append_content(pdf, page, b"q /DeviceRGB cs 1 0 0 sc 0 0 2 2 re f Q")


@breaks("no-rgb/image")
def _(pdf, page):
    add_resource(page, "/XObject", "/ImRGB", tiny_image(pdf, ColorSpace=Name.DeviceRGB))
    append_content(pdf, page, b"q 1 0 0 1 0 0 cm /ImRGB Do Q")


@breaks("no-rgb/masked-image")
def _(pdf, page):
    # The first soft-masked image (a template's logo) as DeviceRGB, as
    # before logos went through the output intent: for a file with one.
    def masked(res, depth=0):
        for xo in res.get("/XObject", Dictionary()).values():
            if xo.get("/Subtype") == Name.Image and "/SMask" in xo:
                return xo
            if xo.get("/Subtype") == Name.Form and depth < 8:
                found = masked(xo.get("/Resources", Dictionary()), depth + 1)
                if found is not None:
                    return found
        return None
    image = masked(page.obj.Resources)
    assert image is not None, "the page has no soft-masked image"
    image.ColorSpace = Name.DeviceRGB
    if "/Decode" in image:
        del image["/Decode"]


@breaks("no-rgb/calrgb")
def _(pdf, page):
    cal = Array([Name.CalRGB, Dictionary(WhitePoint=Array([0.9505, 1.0, 1.089]))])
    add_resource(page, "/ColorSpace", "/Cal", cal)
    append_content(pdf, page, b"q /Cal cs 1 0 0 sc 0 0 2 2 re f Q")


@breaks("spot-alternates")
def _(pdf, page):
    # A second Foil with another alternate.
    res = page.obj.Resources
    spaces = res.get("/ColorSpace", Dictionary())
    name = None
    for k, cs in spaces.items():
        if isinstance(cs, Array) and str(cs[0]) == "/Separation" and str(cs[1]) != "/All":
            name = cs[1]
    assert name is not None, "the page has no spot ink"
    fn = Dictionary(FunctionType=2, Domain=Array([0, 1]), C0=Array([0, 0, 0, 0]), C1=Array([1, 0, 0, 0]), N=1)
    spaces.Other = Array([Name.Separation, name, Name.DeviceCMYK, fn])
    res.ColorSpace = spaces


def breaker(case, src, dst):
    if case not in BREAKS:
        raise SystemExit(f"no such break: {case}")
    fn, raw = BREAKS[case]
    if raw:
        return fn(src, dst)
    pdf = pikepdf.open(src)
    save = fn(pdf, pdf.pages[0]) or {}
    # As laminate wrote it but for the break: pikepdf would otherwise parse
    # and write the XMP again (mending a broken packet).
    pdf.save(dst, fix_metadata_version=False, **save)


def main(argv):
    if len(argv) >= 2 and argv[1] == "rules":
        for k in RULES:
            print(k)
        return 0
    if len(argv) >= 2 and argv[1] == "breaks":
        for k in BREAKS:
            print(k)
        return 0
    if len(argv) == 3 and argv[1] == "check":
        problems = check(argv[2])
        for p in problems:
            print(p)
        if problems:
            return 1
        print(f"PDF/X-4: every rule holds ({len(RULES)} rules)")
        return 0
    if len(argv) == 5 and argv[1] == "break":
        breaker(argv[2], argv[3], argv[4])
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
