"""Benchmark: the Python module against the command line, on the same
machine and roster (issue 26's targets).

    maturin develop --release -m crates/laminate-passes-python/Cargo.toml   # in a venv
    cargo build --release
    python benches/python.py [N]                                           # N passes, default 100000

Prints, best of three runs each:
- `laminate render` (the release binary) on a YAML roster of N passes;
- `render()` on the same file, and on the same roster as a mapping;
- `validate()` on the file and on the mapping, which is all reading and
  checking (no PDF): the mapping must be read at least as fast as the file.
"""

import os
import pathlib
import subprocess
import sys
import tempfile
import time

import laminate_passes as laminate

ROOT = pathlib.Path(__file__).resolve().parents[1]
BINARY = ROOT / "target" / "release" / "laminate"
TYPES = ["crew", "all-access", "day", "limited", "sticky"]


def roster(n: int) -> dict:
    return {
        "event": {"name": "Northern Lights Festival 2026", "starts": "2026-07-10", "ends": "2026-07-12"},
        "passes": [
            {
                "id": f"NLF-{i:06}",
                "name": f"Holder Number {i}",
                "role": "Rigger",
                "pass": TYPES[i % len(TYPES)],
                **({"valid_from": "2026-07-11"} if TYPES[i % len(TYPES)] == "day" else {}),
            }
            for i in range(n)
        ],
    }


def as_yaml(r: dict) -> str:
    e = r["event"]
    lines = ["event:", f"  name: {e['name']}", f"  starts: {e['starts']}", f"  ends: {e['ends']}", "passes:"]
    for p in r["passes"]:
        lines.append(f"  - id: {p['id']}")
        for k in ("name", "role", "pass", "valid_from"):
            if k in p:
                lines.append(f"    {k}: {p[k]}")
    return "\n".join(lines) + "\n"


def best(f, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        f()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    if not BINARY.exists():
        sys.exit(f"build the command first: cargo build --release ({BINARY} is missing)")
    mapping = roster(n)
    with tempfile.TemporaryDirectory() as d:
        d = pathlib.Path(d)
        path = d / "roster.yaml"
        path.write_text(as_yaml(mapping))
        env = dict(os.environ, SOURCE_DATE_EPOCH="0")
        cli = best(lambda: subprocess.run([str(BINARY), "render", str(path), "-o", str(d / "cli.pdf"), "--quiet"], check=True, env=env))
        py_file = best(lambda: laminate.render(path, d / "py.pdf"))
        py_map = best(lambda: laminate.render(mapping, d / "map.pdf"))
        same = (d / "cli.pdf").read_bytes() == (d / "py.pdf").read_bytes()
        v_file = best(lambda: laminate.validate(path))
        v_map = best(lambda: laminate.validate(mapping))
    print(f"{n} passes, best of 3, {os.cpu_count()} cores")
    print(f"| run | seconds | vs command |")
    print(f"|---|---:|---:|")
    print(f"| laminate render (command) | {cli:.2f} | 1.00 |")
    print(f"| render(path) | {py_file:.2f} | {py_file / cli:.2f} |")
    print(f"| render(mapping) | {py_map:.2f} | {py_map / cli:.2f} |")
    print(f"| validate(path): read and check | {v_file:.2f} | |")
    print(f"| validate(mapping): read and check | {v_map:.2f} | {v_map / v_file:.2f} of the file's |")
    print(f"same PDF bytes from the command and render(path): {same}")


if __name__ == "__main__":
    main()
