"""A real pretix event (SQLite, pretix's test settings) with badge layouts and
attendees named in every script, for the exporter tests."""

import json
import pathlib
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.timezone import now
from django_scopes import scopes_disabled
from PIL import Image, ImageDraw

ROOT = pathlib.Path(__file__).resolve().parents[3]
# A pretix badge background (A6 landscape, 148 x 105 mm) from the import tests.
BACKGROUND = ROOT / "tests" / "pretix" / "mixed.pdf"

# (script, given name, family name, company). The Latin ones are those
# whose places are compared with pretix's.
NAMES = [
    ("Latin", "Ana", "Silva", "Harbour Sound Ltd"),
    ("Latin", "José", "Müller-Łukasiewicz", "Stagehands"),
    ("Latin", "Maximiliane-Theresa", "von Hohenzollern-Sigmaringen", "Internationale Veranstaltungstechnik GmbH"),
    ("Latin", "Nguyễn", "Thị Hương", ""),
    ("Arabic", "ليلى", "الحسيني", "شركة النور"),
    ("Hebrew", "נועה", "כהן", ""),
    ("Persian", "پریسا", "رضایی", ""),
    ("Chinese", "伟", "王", "北京音响有限公司"),
    ("Japanese", "さくら", "山田", ""),
    ("Korean", "민준", "김", ""),
    ("Thai", "สมชาย", "ใจดี", ""),
    ("Devanagari", "प्रिया", "शर्मा", ""),
    ("Bengali", "অমিত", "দাস", ""),
    ("Tamil", "அருண்", "குமார்", ""),
    ("Georgian", "ნინო", "ბერიძე", ""),
    ("Armenian", "Արամ", "Պետրոսյան", ""),
    ("Cyrillic", "Ольга", "Смирнова", "Звук и Свет"),
    ("Greek", "Νίκος", "Παπαδόπουλος", ""),
]


def speaker_layout(photo_question: str, text_question: str) -> list:
    """A layout with autoresize, rotation, a QR code, a photo question's image
    and custom text with variables, on a background PDF."""

    def text(**kw):
        el = {
            "type": "textcontainer",
            "page": 1,
            "locale": "",
            "fontsize": 10,
            "lineheight": "1",
            "color": [0, 0, 0, 1],
            "fontfamily": "Open Sans",
            "bold": False,
            "italic": False,
            "text": "",
            "text_i18n": {},
            "rotation": 0,
            "align": "left",
            "verticalalign": "top",
            "autoresize": False,
            "splitlongwords": True,
            "content": "other",
        }
        el.update(kw)
        return el

    return [
        text(
            fontsize=22,
            bold=True,
            verticalalign="middle",
            autoresize=True,
            left="26",
            bottom="55",
            width="76",
            height="22",
            content="attendee_name",
        ),
        text(
            fontsize=11,
            lineheight="1.3",
            italic=True,
            align="right",
            verticalalign="bottom",
            splitlongwords=False,
            left="26",
            bottom="40",
            width="76",
            height="14",
            content="attendee_company",
        ),
        text(
            fontsize=9,
            lineheight="1.5",
            left="26",
            bottom="20",
            width="76",
            height="18",
            text="{event_name}\nProduct: {item} {variation} / order {order}-{positionid}\n"
            "Team: {" + text_question + "} / {meta:Room} / {itemmeta:Level}",
        ),
        text(
            fontsize=10,
            bold=True,
            italic=True,
            color=[200, 30, 30, 1],
            rotation=90,
            left="140",
            bottom="20",
            width="60",
            height="8",
            text="SPEAKER {nickname}",
        ),
        text(
            fontsize=8,
            rotation=-15,
            align="center",
            verticalalign="middle",
            left="100",
            bottom="8",
            width="40",
            height="10",
            content="attendee_name_family_name",
        ),
        {"type": "barcodearea", "page": 1, "left": "105", "bottom": "50", "size": "35", "content": "secret"},
        {
            "type": "imagearea",
            "page": 1,
            "left": "6",
            "bottom": "60",
            "width": "18",
            "height": "24",
            "content": photo_question,
        },
        {"type": "poweredby", "page": 1, "left": "6", "bottom": "4", "size": "8", "content": "dark"},
    ]


def paid_order(ev, web, code, total, email="a@example.org"):
    """A paid order of the event, sold on the sales channel `web` (call it inside
    transaction.atomic(), then create its positions and its transactions)."""
    from pretix.base.models import Order

    return Order.objects.create(
        event=ev,
        status=Order.STATUS_PAID,
        code=code,
        email=email,
        datetime=now(),
        expires=now() + timedelta(days=1),
        total=Decimal(total),
        locale="en",
        sales_channel=web,
    )


def portrait(colour, fmt="PNG") -> bytes:
    im = Image.new("RGB", (300, 400), colour)
    ImageDraw.Draw(im).ellipse((75, 60, 225, 240), fill=(240, 200, 170))
    out = BytesIO()
    im.save(out, fmt)
    return out.getvalue()


class Fixture:
    """What the tests need to find again: the event, its products and the
    positions in order-code order, with the name pretix prints for each."""


@pytest.fixture
def badge_event(db):
    from pretix.base.models import (
        Event,
        EventMetaProperty,
        EventMetaValue,
        Item,
        ItemMetaProperty,
        ItemMetaValue,
        ItemVariation,
        OrderPosition,
        Organizer,
        Question,
        QuestionAnswer,
    )
    from pretix.plugins.badges.models import BadgeItem, BadgeLayout

    with scopes_disabled():
        org = Organizer.objects.create(name="Harbour", slug="harbour")
        ev = Event.objects.create(
            organizer=org,
            name="Harbour Jazz Night 2026",
            slug="hjn26",
            date_from=now() + timedelta(days=30),
            plugins="pretix.plugins.badges,pretix_laminate",
        )
        ev.settings.name_scheme = "given_family"
        attendee = Item.objects.create(event=ev, name="Day ticket", default_price=10, admission=True)
        speaker = Item.objects.create(event=ev, name="Speaker pass", default_price=0, admission=True)
        parking = Item.objects.create(event=ev, name="Parking", default_price=5, admission=False)
        photo_q = Question.objects.create(event=ev, question="Photo", type=Question.TYPE_FILE, identifier="PHOTO")
        team_q = Question.objects.create(event=ev, question="Team", type=Question.TYPE_STRING, identifier="TEAM")
        # Meta data of the event and the speakers' product, and a variation.
        room = EventMetaProperty.objects.create(organizer=org, name="Room")
        EventMetaValue.objects.create(event=ev, property=room, value="Hall B")
        level = ItemMetaProperty.objects.create(event=ev, name="Level")
        ItemMetaValue.objects.create(item=speaker, property=level, value="Gold")
        keynote = ItemVariation.objects.create(item=speaker, value="Keynote")
        # pretix's default layout (the model's default JSON, no background).
        default = BadgeLayout.objects.create(event=ev, name="Default", default=True)
        special = BadgeLayout.objects.create(
            event=ev,
            name="Speakers",
            default=False,
            layout=json.dumps(speaker_layout("question_PHOTO", "question_TEAM")),
        )
        special.background.save("bg.pdf", ContentFile(BACKGROUND.read_bytes()))
        BadgeItem.objects.create(item=speaker, layout=special)
        BadgeItem.objects.create(item=parking, layout=None)  # "no badge"

        web = org.sales_channels.get(identifier="web")
        positions = []
        # The names, and last a position whose attendee gave no name (pretix
        # prints none; laminate needs one: the plugin names it by its code).
        for i, (script, given, family, company) in enumerate(NAMES + [("no name", "", "", "")]):
            for item in (attendee, speaker):
                with transaction.atomic():
                    order = paid_order(ev, web, f"C{len(positions):03d}X", 10)
                    op = OrderPosition.objects.create(
                        order=order,
                        item=item,
                        variation=keynote if item == speaker else None,
                        price=Decimal(10),
                        positionid=1,
                        attendee_name_parts={"_scheme": "given_family", "given_name": given, "family_name": family},
                        company=company,
                        secret=f"s{len(positions):03d}abcdefghkmnpqrstuvwxyz2345",
                    )
                    if item == speaker:
                        QuestionAnswer.objects.create(orderposition=op, question=team_q, answer=f"Team {script}")
                        if i % 6 != 5:  # some speakers sent no photo
                            qa = QuestionAnswer.objects.create(orderposition=op, question=photo_q, answer="file://p")
                            fmt, ext = ("GIF", "gif") if i % 6 == 3 else ("PNG", "png")
                            colour = (40 + 10 * i, 90, 160)
                            qa.file.save(f"photo{i}.{ext}", ContentFile(portrait(colour, fmt)))
                    order.create_transactions()
                    positions.append((op, script, f"{given} {family}".strip()))
        with transaction.atomic():
            order = paid_order(ev, web, "PARK1", 5, email="p@example.org")
            OrderPosition.objects.create(
                order=order,
                item=parking,
                price=Decimal(5),
                positionid=1,
                attendee_name_parts={"_scheme": "given_family", "given_name": "Car", "family_name": "Park"},
                secret="parkingsecret000000000000000000",
            )
            order.create_transactions()

    f = Fixture()
    f.organizer, f.event = org, ev
    f.attendee, f.speaker, f.parking = attendee, speaker, parking
    f.default_layout, f.speaker_layout = default, special
    f.positions = positions  # (position, script, printed name), in order-code order
    with scopes_disabled():
        yield f


@pytest.fixture
def admin(badge_event):
    """A user of a team with every permission on the event."""
    from pretix.base.models import Team, User

    user = User.objects.create_user("admin@example.org", "admin-password")
    team = Team.objects.create(
        organizer=badge_event.organizer,
        name="Admins",
        all_events=True,
        all_event_permissions=True,
        all_organizer_permissions=True,
    )
    team.members.add(user)
    return user
