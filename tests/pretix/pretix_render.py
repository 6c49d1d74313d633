"""Renders badges with pretix's own badge exporter code (pretix.plugins.badges.exporters.render_pdf),
on a throw-away SQLite event built with pretix.testutils.settings.

Usage: /work/venv-pretix/bin/python pretix_render.py CASES_DIR OUT_DIR

CASES_DIR holds NAME.json layouts (pretix's layout editor JSON) and optionally NAME.pdf
backgrounds (else pretix's default badge_default_a6l.pdf, as the exporter does).
For each layout it writes OUT_DIR/NAME.pdf, one badge per page, for the attendees in ATTENDEES.
"""
import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pretix.testutils.settings")

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.utils.timezone import now  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

ATTENDEES = [
    # (given, family, company)
    ("Ana", "Silva", "Harbour Sound Ltd"),
    ("José", "Müller-Łukasiewicz", "Stagehands"),
    ("Maximiliane-Theresa", "von Hohenzollern-Sigmaringen", "Internationale Veranstaltungstechnik GmbH & Co. KG"),
]


def main(cases, out):
    call_command("migrate", run_syncdb=True, verbosity=0)
    from pretix.base.models import Event, Item, Order, OrderPosition, Organizer
    from pretix.plugins.badges.exporters import OPTIONS, render_pdf
    from pretix.plugins.badges.models import BadgeItem, BadgeLayout

    os.makedirs(out, exist_ok=True)
    with scopes_disabled():
        org = Organizer.objects.create(name="Harbour", slug="harbour")
        for name in sorted(os.listdir(cases)):
            if not name.endswith(".json"):
                continue
            stem = name[:-5]
            ev = Event.objects.create(
                organizer=org, name="Harbour Jazz Night 2026", slug=stem.replace("_", "-")[:50],
                date_from=now(), plugins="pretix.plugins.badges",
            )
            ev.settings.name_scheme = "given_family"
            item = Item.objects.create(event=ev, name="Day ticket", default_price=10, admission=True)
            with open(os.path.join(cases, name)) as f:
                layout_json = f.read()
            bl = BadgeLayout.objects.create(event=ev, name=stem, default=True, layout=layout_json)
            bg = os.path.join(cases, stem + ".pdf")
            if os.path.exists(bg):
                with open(bg, "rb") as f:
                    bl.background.save("bg.pdf", ContentFile(f.read()))
            BadgeItem.objects.create(item=item, layout=bl)
            positions = []
            for i, (given, family, company) in enumerate(ATTENDEES):
              with transaction.atomic():
                order = Order.objects.create(
                    event=ev, status=Order.STATUS_PAID, code=f"{stem[:3].upper()}{i:02d}", email="a@example.org",
                    datetime=now(), expires=now(), total=10, locale="en",
                    sales_channel=org.sales_channels.get(identifier="web"),
                )
                op = OrderPosition.objects.create(
                    order=order, item=item, price=10, positionid=1,
                    attendee_name_parts={"_scheme": "given_family", "given_name": given, "family_name": family},
                    company=company, secret=f"secret{i:04d}abcdefghijkmnopqrs",
                )
                order.create_transactions()
                positions.append(op)
            with open(os.path.join(out, stem + ".pdf"), "wb") as f:
                render_pdf(ev, positions, OPTIONS["one"], f)
            print("wrote", os.path.join(out, stem + ".pdf"))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
