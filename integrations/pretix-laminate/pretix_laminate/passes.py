"""pretix order positions -> laminate roster entries, with pretix's own values.

Every text on a badge is a pretix variable; its value comes from pretix's
own variable functions (``pretix.base.pdf.Renderer``'s evaluation, in the
order's language, as pretix's badge exporter does), so a badge says what
pretix's would. Photo questions' answers are copied into a temporary folder
that the caller removes.
"""

import os
import unicodedata
from io import BytesIO

from PIL import Image
from pretix.base.i18n import language
from pretix.base.pdf import Renderer

# laminate refuses a roster text longer than this (docs/format.md); a longer
# pretix value (a long answer) is cut, so that one answer cannot stop the
# whole export.
MAX_TEXT = 256
# The image formats laminate reads as they are; others are converted to PNG.
READ_AS_IS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}


def position_id(op) -> str:
    """The pass id: pretix's order code and position number (`ABC12-1`),
    unique in an event and within laminate's id rules."""
    return f"{op.order.code}-{op.positionid}"


def event_of(event) -> dict:
    """The roster's `event`: its name and dates in the event's time zone."""
    tz = event.timezone
    starts = event.date_from.astimezone(tz).date()
    ends = event.date_to.astimezone(tz).date() if event.date_to else starts
    return {"name": _text(str(event.name)) or event.slug, "starts": starts, "ends": max(starts, ends)}


def _text(value) -> str:
    """A pretix value as laminate roster text: no control characters (line
    breaks become spaces, as laminate joins whitespace), at most MAX_TEXT."""
    s = "" if value is None else str(value)
    s = "".join(" " if unicodedata.category(c) == "Cc" else c for c in s).strip()
    if len(s) > MAX_TEXT:
        s = s[: MAX_TEXT - 1].rstrip() + "\u2026"
    return s


class Entries:
    """Makes roster entries for one event's positions.

    ``photos`` is a folder (the caller's temporary directory) that photo
    questions' answers are copied into.
    """

    def __init__(self, event, photos: str):
        # pretix's renderer without a layout or background: its variable
        # and image tables and its text evaluation, nothing drawn.
        self.renderer = Renderer(event, [], None)
        self.event = event
        # Read once: each read of a setting may be a query.
        self.region = event.settings.region
        self.photos = photos

    def value(self, op, variable: str) -> str:
        if variable not in self.renderer.variables and not variable.startswith(("meta:", "itemmeta:")):
            # A {word} in custom text that is no pretix variable: pretix
            # prints it as it is written.
            return "{" + variable + "}"
        return _text(self.renderer._get_text_content(op, op.order, {"content": variable}))

    def entry(self, op, layout) -> dict:
        pid = position_id(op)
        with language(op.order.locale, self.region):
            extra = {v: self.value(op, v) for v in layout.variables}
            name = extra.get("attendee_name") or self.value(op, "attendee_name")
            company = extra.get("attendee_company") or self.value(op, "attendee_company")
        entry = {
            "id": pid,
            # laminate requires a name; the template shows pretix's
            # attendee_name from `extra` (empty when pretix's is), so a
            # position without one is named by its id, which is not printed.
            "name": name or pid,
            "pass": layout.pass_type,
            "ticket": op.secret,
            "extra": extra,
        }
        if company:
            entry["organisation"] = company
        if layout.photo:
            photo = self.photo(op, layout.photo, pid)
            if photo:
                entry["photo"] = photo
        return entry

    def photo(self, op, variable: str, pid: str):
        """The answer to the layout's photo question as a file laminate reads,
        or None (no answer, or not an image pretix would draw)."""
        image = self.renderer.images.get(variable)
        if image is None:
            return None
        answer = image["evaluate"](op, op.order, op.subevent or op.order.event)
        if not answer:
            return None
        with answer.open("rb") as f:
            data = f.read()
        try:
            with Image.open(BytesIO(data)) as im:
                kind = im.format
                if kind not in READ_AS_IS:
                    out = BytesIO()
                    im.convert("RGBA" if "A" in im.getbands() else "RGB").save(out, "PNG")
                    data, kind = out.getvalue(), "PNG"
        except (OSError, ValueError):
            # pretix draws a grey box for a file it cannot read; laminate
            # leaves the photo out.
            return None
        path = os.path.join(self.photos, pid + READ_AS_IS[kind])
        with open(path, "wb") as f:
            f.write(data)
        return path
