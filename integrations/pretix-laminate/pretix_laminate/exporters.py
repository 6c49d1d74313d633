"""The exporter "Attendee badges (laminate)": pretix's badge export, rendered by laminate.

It takes the form fields of pretix's own badge exporter (so organisers find
the same choices) and laminate's print options, picks the positions as
pretix's exporter does, converts each badge layout in use once, and renders
every badge in one laminate call.
"""

import logging
import tempfile
from collections import OrderedDict
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

import dateutil.parser
import laminate_passes
from django import forms
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.utils.timezone import make_aware
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from pretix.base.exporter import BaseExporter
from pretix.base.models import (
    EventMetaValue,
    ItemMetaValue,
    ItemVariation,
    ItemVariationMetaValue,
    Order,
    OrderPosition,
    Question,
    SubEventMetaValue,
)
from pretix.base.services.export import ExportError
from pretix.plugins.badges.exporters import BadgeExporter
from pretix.plugins.badges.models import BadgeItem

from . import layouts as layouts_
from .passes import Entries, event_of

logger = logging.getLogger(__name__)

# laminate's papers and pre-cut stocks (`laminate stocks`), offered beside
# pretix's sheets (the `rendering` field), which laminate also knows.
SHEETS = [
    ("", gettext_lazy('As chosen under "Rendering option"')),
    ("a4", gettext_lazy("A4, as many badges as fit")),
    ("a3", gettext_lazy("A3, as many badges as fit")),
    ("sra3", gettext_lazy("SRA3 (320 x 450 mm), as many badges as fit")),
    ("letter", gettext_lazy("US Letter, as many badges as fit")),
    ("tabloid", gettext_lazy("Tabloid (11 x 17 in), as many badges as fit")),
    ("a4-8up-cr80", gettext_lazy("A4 with 8 CR80 cards (85.6 x 54 mm)")),
    ("letter-4up-4x3", gettext_lazy("US Letter with 4 badges of 4 x 3 in")),
    ("a4-4up-a6", gettext_lazy("A4 perforated into 4 A6 cards")),
    ("avery-5392", gettext_lazy("Avery 5392, 6 badges of 4 x 3 in on Letter")),
    ("a4-10up-sticky", gettext_lazy("A4 sticker sheet with 10 passes of 80 x 50 mm")),
]


def problems(error) -> str:
    """laminate's diagnostics as lines an organiser reads in pretix: the
    badge (the position's order code and number) and what is wrong, with
    laminate's hint."""
    lines = []
    for d in error.diagnostics:
        line = f"{d.entry}: {d.message}" if d.entry else d.message
        lines.append(line + (f" ({d.hint})" if d.hint else ""))
    return "\n".join(lines) or str(error)


def _day(value):
    """A form's date, which the export task hands over as text."""
    if value and not isinstance(value, date):
        return dateutil.parser.parse(value).date()
    return value


class LaminateBadgeExporter(BaseExporter):
    identifier = "laminate_badges"
    verbose_name = gettext_lazy("Attendee badges (laminate)")
    category = pgettext_lazy("export_category", "PDF collections")
    description = gettext_lazy(
        "All attendee badges as one PDF, rendered by laminate: names in every script, "
        "bleed, crop marks and PDF/X-4 for print shops."
    )

    @property
    def export_form_fields(self):
        # pretix's badge exporter's own fields, as they are for this event.
        d = OrderedDict(BadgeExporter(self.event, self.organizer).export_form_fields)
        d["sheet"] = forms.ChoiceField(
            label=gettext_lazy("Paper or card stock (laminate)"),
            choices=SHEETS,
            required=False,
            help_text=gettext_lazy(
                "laminate lays the badges out on this paper instead, centred, with crop marks "
                "if chosen below; or on one of its pre-cut card stocks."
            ),
        )
        d["bleed"] = forms.DecimalField(
            label=gettext_lazy("Bleed (mm)"),
            min_value=0,
            max_value=20,
            decimal_places=2,
            initial=0,
            required=False,
            help_text=gettext_lazy(
                "Print this far past each badge's edge, so that nothing white shows when it is "
                "cut; laminate cuts it to what the sheet leaves room for."
            ),
        )
        d["crop_marks"] = forms.BooleanField(
            label=gettext_lazy("Crop marks"),
            required=False,
            help_text=gettext_lazy("Marks at each badge's corners, where it is to be cut."),
        )
        d["pdfx"] = forms.BooleanField(
            label=gettext_lazy("PDF/X-4 for print shops"),
            required=False,
            help_text=gettext_lazy(
                "Colours in the printing condition's CMYK (FOGRA39), with the output intent "
                "print shops check. Not possible for a layout with an uploaded background PDF."
            ),
        )
        return d

    def render(self, form_data: dict, output_file=None):
        with tempfile.TemporaryDirectory(prefix="pretix-laminate-") as photos:
            passes, converted = self._passes(form_data, Entries(self.event, photos))
            templates = {}
            for c in converted:
                templates.update(c.files)
            try:
                pdf = laminate_passes.render_bytes(
                    {"event": event_of(self.event), "passes": passes},
                    templates=templates,
                    progress=lambda done, total: self.progress_callback(40 + 60 * done / max(total, 1)),
                    **self._options(form_data, converted),
                )
            except laminate_passes.InputError as e:
                raise ExportError(
                    _("laminate cannot print these badges:\n{problems}").format(problems=problems(e))
                ) from e
            except ValueError as e:
                raise ExportError(str(e)) from e
        for c in converted:
            for w in c.warnings:
                logger.info("badge layout %s: %s", c.title, w.message)
        if output_file:
            output_file.write(pdf)
            return "badges.pdf", "application/pdf", None
        return "badges.pdf", "application/pdf", pdf

    def _passes(self, form_data, entries):
        """The roster entries of the positions that print a badge, in the
        form's order, and the layouts they use (each converted once). The
        positions are read from the database in chunks and let go once their
        entry is made, so that memory holds entries, not pretix's objects."""
        layout_of = self._layouts()
        key = self._sort_key(form_data.get("order_by") or "")
        qs = self._positions(form_data)
        total = max(qs.count(), 1)
        converted = {}
        rows = []
        for i, op in enumerate(self._attached(qs.iterator(chunk_size=500))):
            layout = layout_of(op.item_id)
            if layout is None:
                continue
            if layout.pk not in converted:
                converted[layout.pk] = layouts_.convert(layout)
            rows.append((key(op) if key else (), i, entries.entry(op, converted[layout.pk])))
            if i % 200 == 0:
                self.progress_callback(40 * i / total)
        if not rows:
            raise ExportError(_("None of the selected products is configured to print badges."))
        rows.sort(key=lambda r: (r[0], r[1]))
        return [entry for _, _, entry in rows], list(converted.values())

    def _options(self, form_data, converted) -> dict:
        rendering = form_data.get("rendering") or "one"
        sheet = form_data.get("sheet") or ("card" if rendering == "one" else rendering)
        try:
            bleed = Decimal(str(form_data.get("bleed") or 0))
        except InvalidOperation:
            raise ExportError(_("The bleed must be a number of millimetres."))
        options = {
            "sheet": sheet,
            "bleed": f"{bleed}mm",
            # Photos are prepared afresh, so the export leaves no cache behind.
            "no_photo_cache": True,
        }
        if not form_data.get("crop_marks"):
            # Without marks the sheet is for a badge printer or label stock:
            # no slug line (event, sheet count) beside the badges either.
            options["no_crop_marks"] = True
            options["no_slug"] = True
        if form_data.get("pdfx"):
            options["pdfx"] = True
        if any(layouts_.is_two_sided(c) for c in converted):
            # pretix prints a second background page as the badge's back.
            options["duplex"] = True
        return options

    def _positions(self, form_data):
        """The order positions pretix's badge exporter picks for this form
        (its order comes from _sort_key)."""
        qs = OrderPosition.objects.filter(order__event=self.event, item_id__in=form_data["items"])
        if not form_data.get("include_addons"):
            qs = qs.filter(addon_to__isnull=True)
        if form_data.get("include_pending"):
            qs = qs.filter(order__status__in=[Order.STATUS_PAID, Order.STATUS_PENDING])
        else:
            qs = qs.filter(
                Q(order__status=Order.STATUS_PAID) | Q(order__status=Order.STATUS_PENDING, order__valid_if_pending=True)
            )
        tz = self.event.timezone

        def midnight(d):
            return make_aware(datetime.combine(d, time(0, 0)), tz)

        if _day(form_data.get("date_from")):
            start = midnight(_day(form_data["date_from"]))
            qs = qs.filter(
                Q(subevent__date_from__gte=start) | Q(subevent__isnull=True, order__event__date_from__gte=start)
            )
        if _day(form_data.get("date_to")):
            end = midnight(_day(form_data["date_to"]) + timedelta(days=1))
            qs = qs.filter(Q(subevent__date_from__lt=end) | Q(subevent__isnull=True, order__event__date_from__lt=end))
        if _day(form_data.get("order_date_from")):
            qs = qs.filter(order__datetime__gte=midnight(_day(form_data["order_date_from"])))
        if _day(form_data.get("order_date_to")):
            qs = qs.filter(order__datetime__lt=midnight(_day(form_data["order_date_to"]) + timedelta(days=1)))
        return qs.select_related(
            "order", "order__invoice_address", "seat", "addon_to", "addon_to__seat"
        ).prefetch_related("answers", "answers__question", "answers__options", "addon_to__answers")

    def _attached(self, positions):
        """The positions, each pointed at the event's one instance of its
        event, product, variation and date, instead of a copy a row."""
        event = self.event

        def meta(model):
            # What pretix's `meta_data` properties read, read once here.
            return Prefetch("meta_values", model.objects.select_related("property"), to_attr="meta_values_cached")

        prefetch_related_objects([event], "organizer__meta_properties", "item_meta_properties", meta(EventMetaValue))
        items = {i.pk: i for i in event.items.prefetch_related(meta(ItemMetaValue))}
        variations = {
            v.pk: v
            for v in ItemVariation.objects.filter(item__event=event).prefetch_related(meta(ItemVariationMetaValue))
        }
        subevents = {s.pk: s for s in event.subevents.prefetch_related(meta(SubEventMetaValue))}
        for i in items.values():
            i.event = event
        for v in variations.values():
            v.item = items[v.item_id]
        for s in subevents.values():
            s.event = event
        for op in positions:
            op.order.event = self.event
            op.item = items[op.item_id]
            op.variation = variations.get(op.variation_id)
            op.subevent = subevents.get(op.subevent_id)
            yield op

    def _sort_key(self, order_by):
        """A sort key for pretix's `order_by` choices (None: the database's
        order). Empty values sort first."""

        def own_or_parent(op, attr):
            return getattr(op, attr) or (getattr(op.addon_to, attr) if op.addon_to else "") or ""

        if order_by == "name":
            return lambda op: (own_or_parent(op, "attendee_name_cached"), op.order.code)
        if order_by == "company":
            return lambda op: (own_or_parent(op, "company"), op.order.code)
        if order_by == "code":
            return lambda op: (op.order.code, op.positionid)
        if order_by == "order_date":
            return lambda op: (op.order.datetime, op.order.code)
        if order_by == "date":
            return lambda op: ((op.subevent or op.order.event).date_from, op.order.code)
        if order_by.startswith("name:"):
            part = order_by[5:]

            def name_part(op):
                parts = own_or_parent(op, "attendee_name_parts")
                if not parts and getattr(op.order, "invoice_address", None):
                    parts = op.order.invoice_address.name_parts
                return ((parts or {}).get(part) or "", op.order.code)

            return name_part
        if order_by.startswith("question:"):
            question = self.event.questions.get(identifier=order_by.split(":", 1)[1])
            return lambda op: _answer_key(op, question)
        return None

    def _layouts(self):
        """item id -> the BadgeLayout its badges use: its assigned one, else
        the event's default; None for a product set to "no badge" (or no
        layout at all)."""
        assigned = {
            bi.item_id: bi.layout for bi in BadgeItem.objects.select_related("layout").filter(item__event=self.event)
        }
        default = self.event.badge_layouts.filter(default=True).first()
        return lambda item_id: assigned[item_id] if item_id in assigned else default


def _answer_key(op, question):
    """Sorts by an answer: numbers as numbers, choices by the options' order,
    other answers as text."""
    answer = next((a for a in op.answers.all() if a.question_id == question.pk), None)
    if answer is None:
        return (0, 0, "")
    if question.type == Question.TYPE_NUMBER:
        try:
            return (1, float(answer.answer), "")
        except ValueError:
            return (1, 0, "")
    if question.type in (Question.TYPE_CHOICE, Question.TYPE_CHOICE_MULTIPLE):
        positions = [o.position for o in answer.options.all()]
        return (1, min(positions) if positions else 0, "")
    return (1, 0, answer.answer or "")
