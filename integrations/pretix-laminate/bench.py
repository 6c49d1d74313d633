"""Benchmark: pretix's badge exporter against laminate_badges, on one event.

    pip install pretix==2026.8.0 ./crates/laminate-passes-python ./integrations/pretix-laminate
    python integrations/pretix-laminate/bench.py [N] [--memory-sizes 250,1000,4000]

Build laminate-passes with the release profile for figures worth printing
(`pip install` does; `MATURIN_PEP517_ARGS="--profile dev"`, as scripts/test
uses, does not optimise laminate's own crates).

Prints two tables:
- speed: N positions rendered one badge a page, in this one process, by
  pretix's `badges` exporter and by `laminate_badges` (the same form), wall
  and CPU time, best of 3; on pretix's default layout, and on a mix with a
  richer layout;
- memory: a fresh child process per run builds an event of 250, 1,000 and
  4,000 positions and runs one exporter once: its resident set before the
  export, the peak during it (Linux's VmHWM, reset just before), the growth,
  and the process's peak over its whole life (getrusage's ru_maxrss, which
  pretix's own start-up dominates).

The events are built in a throw-away SQLite database with pretix's test
settings, attendees named in 18 scripts; the memory table uses the mix.
"""

import os
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "tests"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pretix.testutils.settings")


def setup_django():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)


def build_event(n: int, layouts: str = "mixed"):
    """An event with n paid positions, as the tests build it (conftest.py):
    with layouts "mixed", every other one on the speakers' layout; with
    "default", all on pretix's default layout."""
    import json
    from datetime import timedelta
    from decimal import Decimal

    from conftest import BACKGROUND, NAMES, paid_order, speaker_layout
    from django.core.files.base import ContentFile
    from django.db import transaction
    from django.utils.timezone import now
    from django_scopes import scopes_disabled
    from pretix.base.models import Event, Item, OrderPosition, Organizer, Question
    from pretix.plugins.badges.models import BadgeItem, BadgeLayout

    with scopes_disabled():
        org = Organizer.objects.create(name="Bench", slug=f"bench-{layouts}")
        ev = Event.objects.create(
            organizer=org,
            name="Harbour Jazz Night 2026",
            slug="bench",
            date_from=now() + timedelta(days=30),
            plugins="pretix.plugins.badges,pretix_laminate",
        )
        ev.settings.name_scheme = "given_family"
        day = Item.objects.create(event=ev, name="Day ticket", default_price=10, admission=True)
        speaker = Item.objects.create(event=ev, name="Speaker pass", default_price=0, admission=True)
        Question.objects.create(event=ev, question="Photo", type=Question.TYPE_FILE, identifier="PHOTO")
        Question.objects.create(event=ev, question="Team", type=Question.TYPE_STRING, identifier="TEAM")
        BadgeLayout.objects.create(event=ev, name="Default", default=True)
        special = BadgeLayout.objects.create(
            event=ev, name="Speakers", layout=json.dumps(speaker_layout("question_PHOTO", "question_TEAM"))
        )
        with open(BACKGROUND, "rb") as f:
            special.background.save("bg.pdf", ContentFile(f.read()))
        BadgeItem.objects.create(item=speaker, layout=special)
        web = org.sales_channels.get(identifier="web")
        for i in range(n):
            _script, given, family, company = NAMES[i % len(NAMES)]
            with transaction.atomic():
                order = paid_order(ev, web, f"B{i:05d}", 10)
                OrderPosition.objects.create(
                    order=order,
                    item=speaker if layouts == "mixed" and i % 2 == 0 else day,
                    price=Decimal(10),
                    positionid=1,
                    attendee_name_parts={"_scheme": "given_family", "given_name": given, "family_name": family},
                    company=company,
                    secret=f"b{i:05d}abcdefghkmnpqrstuvwxyz23456",
                )
                order.create_transactions()
    return org, ev, [day.pk, speaker.pk]


def export(which: str, org, ev, items):
    from django_scopes import scopes_disabled
    from pretix.plugins.badges.exporters import BadgeExporter

    from pretix_laminate.exporters import LaminateBadgeExporter

    cls = {"pretix": BadgeExporter, "laminate": LaminateBadgeExporter}[which]
    form = {"items": items, "include_pending": False, "include_addons": False, "rendering": "one", "order_by": "code"}
    with scopes_disabled():
        _, _, pdf = cls(ev, org).render(form)
    return pdf


def timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, out


def speed(n: int):
    setup_django()
    print(f"speed: {n} positions, one badge a page, in this one process (best of 3)")
    print("| layouts | exporter | wall s | CPU s | PDF MB |")
    print("|---|---|---|---|---|")
    for layouts in ("default", "mixed"):
        org, ev, items = build_event(n, layouts)
        rows = {}
        for which in ("pretix", "laminate"):
            best = None
            for _ in range(3):
                wall, cpu, pdf = timed(lambda: export(which, org, ev, items))
                if best is None or wall < best[0]:
                    best = (wall, cpu, len(pdf))
            rows[which] = best
            wall, cpu, size = best
            print(f"| {layouts} | {which} | {wall:.2f} | {cpu:.2f} | {size / 1e6:.1f} |", flush=True)
        print(
            f"| {layouts} | ratio | {rows['pretix'][0] / rows['laminate'][0]:.1f} x | "
            f"{rows['pretix'][1] / rows['laminate'][1]:.1f} x | |",
            flush=True,
        )
    print(
        "(layouts: default = pretix's default layout on every badge; mixed = every other badge on a layout "
        "with autoresize, rotation, a QR code, custom text and the logo on a background PDF)"
    )


def _status_mb(key: str) -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    raise KeyError(key)


def child(which: str, n: int):
    """In a fresh process: build the event, then export once. Prints, in MB:
    the resident set before the export, the peak resident set during it
    (Linux's VmHWM, reset before the export through /proc/self/clear_refs),
    and the whole process's peak (getrusage's ru_maxrss); then the export's
    wall time in s."""
    import gc

    setup_django()
    org, ev, items = build_event(n)
    gc.collect()
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # resets the peak resident set size (proc(5))
    before = _status_mb("VmRSS")
    wall, cpu, pdf = timed(lambda: export(which, org, ev, items))
    during = _status_mb("VmHWM")
    whole = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{before:.0f} {during:.0f} {whole:.0f} {wall:.2f}")


def memory(sizes):
    print("memory: a fresh process per run; MB of resident memory (RSS)")
    print(
        "| positions | exporter | before the export | peak during it | growth | process peak (ru_maxrss) | export s |"
    )
    print("|---|---|---|---|---|---|---|")
    for n in sizes:
        for which in ("pretix", "laminate"):
            # A database of its own: not the DATA_DIR that pretix's test
            # settings put into this process's environment.
            env = {k: v for k, v in os.environ.items() if k != "DATA_DIR"}
            out = subprocess.run(
                [sys.executable, __file__, "--child", which, str(n)],
                check=True,
                capture_output=True,
                text=True,
                env=env,
            ).stdout.split()
            before, during, whole, wall = float(out[0]), float(out[1]), float(out[2]), out[3]
            print(
                f"| {n} | {which} | {before:.0f} | {during:.0f} | {during - before:.0f} | {whole:.0f} | {wall} |",
                flush=True,
            )


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--child":
        child(sys.argv[2], int(sys.argv[3]))
        sys.exit()
    import argparse

    parser = argparse.ArgumentParser(description="pretix's badge exporter against laminate_badges")
    parser.add_argument("n", nargs="?", type=int, default=1000, help="positions for the speed table")
    parser.add_argument("--memory-sizes", default="250,1000,4000", help="positions for the memory table")
    args = parser.parse_args()
    speed(args.n)
    print()
    memory([int(s) for s in args.memory_sizes.split(",")])
