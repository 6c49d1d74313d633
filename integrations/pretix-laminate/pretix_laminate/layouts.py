"""pretix badge layouts -> laminate template sets, once per export.

Each BadgeLayout (its JSON and background PDF) becomes one laminate pass
type through ``laminate_passes.pretix_layout``. The template shows
``{name}``, ``{organisation}`` and ``{event}`` for pretix's
``attendee_name``, ``attendee_company`` and ``event_name``; the plugin
turns those three into ``{extra.VARIABLE}`` like every other variable, so
that every value on the badge is the one pretix's own variable functions
give for the position (an add-on's name from its parent, a date of an event
series' date, an empty name as pretix prints it: empty).
"""

import json
import re
from dataclasses import dataclass, field
from typing import Optional

import laminate_passes
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from pretix.base.services.export import ExportError

# laminate's roster fields that stand for pretix variables in an imported
# template, and the pretix variable each one is.
FIELDS = {"name": "attendee_name", "organisation": "attendee_company", "event": "event_name"}
# A doubled brace is a literal brace in a laminate text pattern; match it
# first so that "{{name}}" (the literal text "{name}") is left alone.
_PATTERN = re.compile(r"\{\{|\}\}|\{(name|organisation|event)\}")


@dataclass
class Layout:
    """A pretix layout as a laminate pass type, and what its passes need."""

    pk: Optional[int]
    title: str
    pass_type: str
    files: dict
    # The pretix text variables the badge shows: each pass's `extra` keys.
    variables: list
    # The pretix image variable of the layout's image area (a photo question).
    photo: Optional[str]
    warnings: list = field(default_factory=list)


def convert(badge_layout) -> Layout:
    """Converts one of pretix's BadgeLayouts; a layout laminate cannot read is
    an ExportError whose text lists every problem, element and key."""
    pass_type = f"layout-{badge_layout.pk}"
    background = None
    if badge_layout.background and badge_layout.background.name:
        with default_storage.open(badge_layout.background.name, "rb") as f:
            background = f.read()
    try:
        imported = laminate_passes.pretix_layout(badge_layout.layout, background=background, name=pass_type)
    except laminate_passes.InputError as e:
        raise ExportError(
            _('The badge layout "{name}" cannot be printed with laminate:\n{problems}').format(
                name=badge_layout.name, problems="\n".join(d.message for d in e.diagnostics) or str(e)
            )
        ) from e
    files = dict(imported.files)
    variables = list(imported.extra_fields)
    yaml_name = f"{pass_type}.yaml"
    text = files[yaml_name].decode("utf-8")

    def turn(m):
        if m.group(1) is None:
            return m.group(0)
        var = FIELDS[m.group(1)]
        if var not in variables:
            variables.append(var)
        return "{extra." + var + "}"

    files[yaml_name] = _PATTERN.sub(turn, text).encode("utf-8")
    return Layout(
        pk=badge_layout.pk,
        title=badge_layout.name,
        pass_type=pass_type,
        files=files,
        variables=variables,
        photo=_photo_variable(badge_layout.layout),
        warnings=list(imported.warnings),
    )


def _photo_variable(layout_json) -> Optional[str]:
    """The content of the layout's first image area (laminate draws one photo
    a pass: the first image area's, on the front before the back)."""
    elements = json.loads(layout_json) if isinstance(layout_json, (str, bytes)) else layout_json
    areas = [e for e in elements if isinstance(e, dict) and e.get("type") == "imagearea" and e.get("content")]
    areas.sort(key=lambda e: int(float(e.get("page", 1) or 1)))
    return areas[0]["content"] if areas else None


def is_two_sided(layout: Layout) -> bool:
    """Whether the template has a back (a second page of the background)."""
    text = layout.files[f"{layout.pass_type}.yaml"].decode("utf-8")
    return re.search(r"^back:", text, re.M) is not None
