"""The exporter in a real pretix: the same event rendered by pretix's own
badge exporter and by laminate_badges, read back with PDFium, zxing-cpp and
MuPDF. Each check is also run where it must fail, so that it can."""

import os
import tempfile

import pdfcheck
import pytest
from django.core.files.base import ContentFile
from pretix.base.services.export import ExportError
from pretix.plugins.badges.exporters import BadgeExporter

from pretix_laminate.exporters import LaminateBadgeExporter


def run(exporter_class, f, **form):
    data = {
        "items": [f.attendee.pk, f.speaker.pk, f.parking.pk],
        "include_pending": False,
        "include_addons": False,
        "rendering": "one",
        "order_by": "code",
    }
    data.update(form)
    exporter = exporter_class(f.event, f.organizer)
    name, mime, pdf = exporter.render(data)
    assert (name, mime) == ("badges.pdf", "application/pdf")
    return pdf


@pytest.fixture
def both(badge_event):
    """pretix's badges and laminate's, one a page, in order-code order."""
    return run(BadgeExporter, badge_event), run(LaminateBadgeExporter, badge_event)


def test_a_page_per_badge_and_none_for_products_without_badges(badge_event, both):
    pretix_pdf, laminate_pdf = both
    # Parking is set to "no badge": both exporters leave it out.
    assert pdfcheck.pages(pretix_pdf) == len(badge_event.positions)
    assert pdfcheck.pages(laminate_pdf) == len(badge_event.positions)
    for i, (op, _script, _name) in enumerate(badge_event.positions):
        # The page is the badge: A6 landscape, as pretix's.
        w, h = pdfcheck.page_size_mm(laminate_pdf, i)
        pw, ph = pdfcheck.page_size_mm(pretix_pdf, i)
        assert abs(w - pw) < 0.01 and abs(h - ph) < 0.01, (i, (w, h), (pw, ph))


def test_latin_names_sit_where_pretix_puts_them(badge_event, both):
    pretix_pdf, laminate_pdf = both
    problems = []
    compared = 0
    for i, (op, script, name) in enumerate(badge_event.positions):
        if script == "Latin":
            problems += pdfcheck.place_differences(pretix_pdf, laminate_pdf, i, name)
            compared += 1
    assert compared == 8
    assert problems == []


def test_the_place_check_can_fail(badge_event, both):
    # The same badges with 3 mm bleed and crop marks: each page grows by the
    # bleed and the marks, so every name is several mm away from pretix's.
    pretix_pdf, _ = both
    moved = run(LaminateBadgeExporter, badge_event, bleed="3", crop_marks=True)
    op, script, name = badge_event.positions[0]
    assert script == "Latin"
    assert pdfcheck.place_differences(pretix_pdf, moved, 0, name) != []


def test_every_qr_code_holds_its_positions_secret(badge_event, both):
    _, laminate_pdf = both
    secrets = [op.secret if op.item_id == badge_event.speaker.pk else None for op, _, _ in badge_event.positions]
    assert sum(s is not None for s in secrets) == len(badge_event.positions) // 2
    assert pdfcheck.qr_problems(laminate_pdf, secrets) == []


def test_the_qr_check_can_fail(badge_event, both):
    _, laminate_pdf = both
    # Secrets one position out of step, and a page (the default layout) with no QR code.
    shifted = [op.secret for op, _, _ in badge_event.positions[1:3]]
    assert len(pdfcheck.qr_problems(laminate_pdf, shifted)) == 2


def test_every_name_reads_back_and_none_is_a_box(badge_event, both):
    _, laminate_pdf = both
    names = [name for _, _, name in badge_event.positions]
    assert pdfcheck.readback_problems(laminate_pdf, names) == []
    assert pdfcheck.notdef_problems(laminate_pdf) == []


def test_the_name_checks_fail_on_pretixs_own_badges(badge_event, both):
    # pretix issue #1484: Open Sans has no Arabic, Hebrew, CJK, Thai, Indic,
    # Georgian or Armenian glyphs, so pretix draws empty boxes (and its bidi
    # reshaping changes the text): both checks flag exactly those pages.
    pretix_pdf, _ = both
    names = [name for _, _, name in badge_event.positions]

    def pages_of(problems):
        return {int(p.split(":")[0].split()[1]) - 1 for p in problems}

    boxed = {
        i for i, (_, s, _) in enumerate(badge_event.positions) if s not in ("Latin", "Cyrillic", "Greek", "no name")
    }
    assert len(boxed) == 24
    assert pages_of(pdfcheck.readback_problems(pretix_pdf, names)) == boxed
    assert pages_of(pdfcheck.notdef_problems(pretix_pdf)) == boxed


def test_photo_questions_are_drawn(badge_event, both):
    import pypdfium2

    _, laminate_pdf = both
    doc = pypdfium2.PdfDocument(laminate_pdf)
    images = []
    for i, (op, _, _) in enumerate(badge_event.positions):
        count = sum(1 for o in doc[i].get_objects(max_depth=4) if o.type == pypdfium2.raw.FPDF_PAGEOBJ_IMAGE)
        images.append(
            (op.item_id == badge_event.speaker.pk, op.answers.filter(question__identifier="PHOTO").exists(), count)
        )
    # The "powered by pretix" logo is an image on every speaker badge; a
    # photo answer (PNG, or GIF converted) adds one.
    for speaker, has_photo, count in images:
        if speaker:
            assert count == (2 if has_photo else 1), images
        else:
            assert count == 0, images


def test_a_layout_laminate_cannot_read_is_an_export_error(badge_event):
    badge_event.speaker_layout.layout = (
        '[{"type": "textcontainer", "left": "1", "bottom": "1", "width": "50", "height": "10",'
        ' "fontsize": "large", "content": "attendee_name"}]'
    )
    badge_event.speaker_layout.save()
    with pytest.raises(ExportError) as e:
        run(LaminateBadgeExporter, badge_event)
    assert 'The badge layout "Speakers"' in str(e.value)
    assert "fontsize" in str(e.value) and "element 1" in str(e.value)


def test_no_product_with_badges_is_an_export_error(badge_event):
    with pytest.raises(ExportError) as e:
        run(LaminateBadgeExporter, badge_event, items=[badge_event.parking.pk])
    assert "None of the selected products is configured to print badges." in str(e.value)


def test_sheets_bleed_crop_marks(badge_event):
    # pretix's own sheet: 4 A6 badges on an A4 landscape page.
    pdf = run(LaminateBadgeExporter, badge_event, rendering="a4_a6l")
    assert pdfcheck.pages(pdf) == -(-len(badge_event.positions) // 4)
    w, h = pdfcheck.page_size_mm(pdf, 0)
    assert (round(w), round(h)) == (297, 210)
    # laminate's paper overrides it; bleed and crop marks for a print shop.
    pdf = run(LaminateBadgeExporter, badge_event, sheet="sra3", bleed="3", crop_marks=True)
    w, h = pdfcheck.page_size_mm(pdf, 0)
    assert sorted((round(w), round(h))) == [320, 450]


def test_pdfx(badge_event):
    # The default layout has no background PDF: it can be PDF/X-4.
    pdf = run(LaminateBadgeExporter, badge_event, items=[badge_event.attendee.pk], pdfx=True)
    assert b"GTS_PDFX" in pdf and b"PDF/X-4" in pdf
    # A layout with a background PDF cannot: laminate says why.
    with pytest.raises(ExportError) as e:
        run(LaminateBadgeExporter, badge_event, items=[badge_event.speaker.pk], pdfx=True)
    assert "background" in str(e.value)


def test_leaves_no_files_behind(badge_event, monkeypatch):
    with tempfile.TemporaryDirectory() as tmp:
        scratch, cache = os.path.join(tmp, "tmp"), os.path.join(tmp, "cache")
        os.mkdir(scratch)
        monkeypatch.setattr(tempfile, "tempdir", scratch)
        monkeypatch.setenv("XDG_CACHE_HOME", cache)
        pdf = run(LaminateBadgeExporter, badge_event)
        assert pdfcheck.pages(pdf) == len(badge_event.positions)
        # Photos were written to a temporary folder, and removed.
        assert os.listdir(scratch) == []
        assert not os.path.exists(cache)


def test_the_files_check_can_fail(badge_event, monkeypatch):
    # With temporary folders that are never removed, the same check finds
    # the photos the export wrote.
    class Kept(tempfile.TemporaryDirectory):
        def __exit__(self, *exc):
            self._finalizer.detach()

    with tempfile.TemporaryDirectory() as tmp:
        scratch = os.path.join(tmp, "tmp")
        os.mkdir(scratch)
        monkeypatch.setattr(tempfile, "tempdir", scratch)
        monkeypatch.setattr(tempfile, "TemporaryDirectory", Kept)
        run(LaminateBadgeExporter, badge_event)
        monkeypatch.undo()
        left = [name for _, _, names in os.walk(scratch) for name in names]
        assert left and all(n.startswith("C") for n in left), left


def test_the_rest_api_runs_it(badge_event, client):
    from pretix.base.models import Team

    team = Team.objects.create(
        organizer=badge_event.organizer,
        name="API",
        all_events=True,
        all_event_permissions=True,
        all_organizer_permissions=True,
    )
    token = team.tokens.create(name="test")
    auth = {"HTTP_AUTHORIZATION": f"Token {token.token}"}
    base = f"/api/v1/organizers/{badge_event.organizer.slug}/events/{badge_event.event.slug}/exporters/"
    listed = client.get(base, **auth)
    assert listed.status_code == 200
    ours = [e for e in listed.json()["results"] if e["identifier"] == "laminate_badges"]
    assert ours and ours[0]["verbose_name"] == "Attendee badges (laminate)"
    fields = {f["name"] for f in ours[0]["input_parameters"]}
    assert {
        "items",
        "include_pending",
        "rendering",
        "order_by",
        "date_from",
        "bleed",
        "crop_marks",
        "pdfx",
        "sheet",
    } <= fields
    r = client.post(
        base + "laminate_badges/run/",
        data={"items": [badge_event.speaker.pk], "rendering": "one", "bleed": "0", "order_by": "code"},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 202, r.content
    download = r.json()["download"].replace("http://example.com", "")
    r = client.get(download, **auth)
    assert r.status_code == 200, getattr(r, "content", r)
    pdf = b"".join(r.streaming_content) if r.streaming else r.content
    assert pdf.startswith(b"%PDF")
    assert pdfcheck.pages(pdf) == len(badge_event.positions) // 2


def test_the_control_panels_export_page_runs_it(badge_event, admin, client):
    client.login(email="admin@example.org", password="admin-password")
    page = f"/control/event/{badge_event.organizer.slug}/{badge_event.event.slug}/orders/export/"
    r = client.get(page)
    assert r.status_code == 200
    assert "Attendee badges (laminate)" in r.content.decode()
    r = client.get(page + "?identifier=laminate_badges")
    assert r.status_code == 200
    html = r.content.decode()
    assert "Paper or card stock (laminate)" in html and "Crop marks" in html and "Limit to products" in html
    r = client.post(
        page + "do",
        {
            "exporter": "laminate_badges",
            "laminate_badges-items": [badge_event.attendee.pk],
            "laminate_badges-rendering": "one",
            "laminate_badges-order_by": "name",
            "laminate_badges-bleed": "0",
        },
        follow=True,
    )
    assert r.status_code == 200
    # The export task ran (eagerly here); its file is offered for download.
    from pretix.base.models import CachedFile

    cf = CachedFile.objects.order_by("-date").first()
    assert cf is not None and cf.file, r.content.decode()[:2000]
    with cf.file.open("rb") as fh:
        pdf = fh.read()
    assert pdf.startswith(b"%PDF")
    assert pdfcheck.pages(pdf) == len(badge_event.positions) // 2


def test_pretixs_export_task_runs_it_with_form_data_as_a_worker_gets_it(badge_event, admin):
    # The control panel hands the form's cleaned data to pretix's Celery task
    # `export`; a worker gets it through Celery's JSON serializer (kombu).
    from django.utils.timezone import now
    from kombu.utils.json import dumps, loads
    from pretix.base.models import CachedFile
    from pretix.base.services.export import export
    from pretix.control.forms.orders import ExporterForm

    exporter = LaminateBadgeExporter(badge_event.event, badge_event.organizer)
    form = ExporterForm(
        data={
            "laminate_badges-items": [badge_event.speaker.pk],
            "laminate_badges-rendering": "a4_a6l",
            "laminate_badges-order_by": "name",
            "laminate_badges-bleed": "0",
            "laminate_badges-date_from": now().date().isoformat(),
        },
        prefix="laminate_badges",
    )
    form.fields = exporter.export_form_fields
    assert form.is_valid(), form.errors
    data = loads(dumps(form.cleaned_data))
    cf = CachedFile.objects.create(expires=now(), date=now())
    export.apply(
        args=(badge_event.event.id,),
        kwargs={
            "user": admin.pk,
            "device": None,
            "token": None,
            "fileid": str(cf.id),
            "provider": "laminate_badges",
            "form_data": data,
        },
    ).get()
    cf.refresh_from_db()
    with cf.file.open("rb") as fh:
        pdf = fh.read()
    assert pdfcheck.pages(pdf) == -(-(len(badge_event.positions) // 2) // 4)
    assert pdfcheck.qr_codes(pdf, 0) != []


def test_two_sided_layouts_print_each_front_then_its_back(badge_event):
    # tests/pretix/twosided: a background of two pages (turned by /Rotate),
    # the name on the front, event and company on the back. pretix prints
    # page 1 then page 2 of each badge; so does laminate, one badge a page.
    from conftest import ROOT

    layout = badge_event.speaker_layout
    layout.layout = (ROOT / "tests" / "pretix" / "twosided.json").read_text()
    layout.background.save("bg.pdf", ContentFile((ROOT / "tests" / "pretix" / "twosided.pdf").read_bytes()))
    layout.save()
    speakers = [(op, name) for op, _, name in badge_event.positions if op.item_id == badge_event.speaker.pk]
    pretix_pdf = run(BadgeExporter, badge_event, items=[badge_event.speaker.pk])
    laminate_pdf = run(LaminateBadgeExporter, badge_event, items=[badge_event.speaker.pk])
    assert pdfcheck.pages(pretix_pdf) == pdfcheck.pages(laminate_pdf) == 2 * len(speakers)
    for k, (op, name) in enumerate(speakers):
        front, back = pdfcheck.page_text(laminate_pdf, 2 * k), pdfcheck.page_text(laminate_pdf, 2 * k + 1)
        assert pdfcheck._plain(name) in pdfcheck._plain(front), (k, front)
        assert "Harbour Jazz Night 2026" in back, (k, back)
        if name:  # (the last has none)
            assert pdfcheck._plain(name) not in pdfcheck._plain(back), (k, back)
        assert pdfcheck.page_size_mm(laminate_pdf, 2 * k) == pytest.approx(
            pdfcheck.page_size_mm(pretix_pdf, 2 * k), abs=0.01
        )


def test_a_position_without_a_name_prints_no_name(badge_event, both):
    # The nameless attendee's badge on pretix's default layout (the name is
    # all it shows): empty in pretix's and in laminate's, which does not
    # print the position's code it names the pass by.
    pretix_pdf, laminate_pdf = both
    index = len(badge_event.positions) - 2
    op, script, name = badge_event.positions[index]
    assert (script, name, op.item_id) == ("no name", "", badge_event.attendee.pk)
    assert pdfcheck._plain(pdfcheck.page_text(pretix_pdf, index)) == ""
    assert pdfcheck._plain(pdfcheck.page_text(laminate_pdf, index)) == ""
    # The check sees a name where there is one: the badge before it.
    assert pdfcheck._plain(pdfcheck.page_text(laminate_pdf, index - 2)) != ""


def test_a_character_no_font_has_is_an_export_error_naming_the_badge(badge_event):
    op, _, _ = badge_event.positions[0]
    op.attendee_name_parts = {"_scheme": "given_family", "given_name": "Ana \U0001f600", "family_name": "Silva"}
    op.save()
    with pytest.raises(ExportError) as e:
        run(LaminateBadgeExporter, badge_event)
    assert str(e.value).startswith("laminate cannot print these badges:\n")
    assert f"{op.order.code}-{op.positionid}: no bundled font has '\U0001f600' (U+1F600)" in str(e.value)


def printable_names(badge_event, pdf):
    """The names on the pages of pretix's default layout (the name alone)
    that pretix can print (Latin, Cyrillic, Greek), page by page; None for
    the others."""
    printable = {pdfcheck._plain(n) for _, s, n in badge_event.positions if s in ("Latin", "Cyrillic", "Greek")}
    names = [pdfcheck._plain(pdfcheck.page_text(pdf, i)) for i in range(pdfcheck.pages(pdf))]
    return [n if n in printable else None for n in names]


@pytest.mark.parametrize("order_by", ["name", "name:family_name", "company", "code"])
def test_badges_come_in_pretixs_order(badge_event, order_by):
    form = {"items": [badge_event.attendee.pk], "order_by": order_by}
    theirs = printable_names(badge_event, run(BadgeExporter, badge_event, **form))
    ours = printable_names(badge_event, run(LaminateBadgeExporter, badge_event, **form))
    assert len([n for n in theirs if n]) == 6
    assert [n for n, t in zip(ours, theirs) if t] == [t for t in theirs if t]


def test_the_order_check_can_fail(badge_event):
    # laminate's badges by name against pretix's by order code: they differ.
    by_code = printable_names(badge_event, run(BadgeExporter, badge_event, items=[badge_event.attendee.pk]))
    by_name = printable_names(
        badge_event, run(LaminateBadgeExporter, badge_event, items=[badge_event.attendee.pk], order_by="name")
    )
    assert [n for n, t in zip(by_name, by_code) if t] != [t for t in by_code if t]


def test_pretix_finds_the_plugin_and_offers_the_export_only_where_it_is_enabled(badge_event, admin):
    from importlib.metadata import entry_points

    from pretix.base.plugins import get_all_plugins
    from pretix.base.services.export import init_event_exporters

    from pretix_laminate.apps import PluginApp

    (ep,) = [e for e in entry_points(group="pretix.plugin") if e.name == "pretix_laminate"]
    assert ep.load() is PluginApp.PretixPluginMeta
    assert "pretix_laminate" in {m.module for m in get_all_plugins()}

    def offered():
        return {e.identifier for e in init_event_exporters(badge_event.event, user=admin)}

    assert {"badges", "laminate_badges"} <= offered()
    badge_event.event.disable_plugin("pretix_laminate")
    badge_event.event.save()
    assert "laminate_badges" not in offered() and "badges" in offered()


def test_meta_data_and_variations_print_as_pretixs(badge_event, both):
    # The speakers' custom text: "{item} {variation}", "{meta:Room} /
    # {itemmeta:Level}" and "SPEAKER {nickname}", read back from both PDFs.
    pretix_pdf, laminate_pdf = both
    for i, (op, script, _) in enumerate(badge_event.positions):
        if op.item_id != badge_event.speaker.pk:
            continue
        ours = pdfcheck._plain(pdfcheck.page_text(laminate_pdf, i))
        assert pdfcheck._plain("Product: Speaker pass Keynote / order ") in ours
        # A {word} that is no pretix variable is printed as written.
        assert "SPEAKER{nickname}" in ours
        assert pdfcheck._plain(f"Team: Team {script} / Hall B / Gold") in ours
        if script == "Latin":
            theirs = pdfcheck._plain(pdfcheck.page_text(pretix_pdf, i))
            assert pdfcheck._plain(f"Team: Team {script} / Hall B / Gold") in theirs
            assert "SPEAKER{nickname}" in theirs


def test_the_queries_do_not_grow_with_the_badges(badge_event, django_assert_max_num_queries):
    # Settings, products, variations, dates and meta data are read once an
    # export, positions 500 at a time: 38 badges take the same few queries
    # as thousands would (32 when written; one a badge would be over 38).
    with django_assert_max_num_queries(36):
        run(LaminateBadgeExporter, badge_event)


def test_the_query_check_can_fail(badge_event, django_assert_max_num_queries):
    # pretix's own exporter reads meta data and settings for every badge.
    with pytest.raises(pytest.fail.Exception, match="queries or less but"):
        with django_assert_max_num_queries(36):
            run(BadgeExporter, badge_event)
