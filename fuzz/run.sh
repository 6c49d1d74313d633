#!/usr/bin/env bash
# Runs one fuzz target for a while, seeded from the samples and test rosters.
#   fuzz/run.sh roster 300     # target (roster, template, render), seconds
# Needs a nightly toolchain and cargo-fuzz (cargo install cargo-fuzz). dict.txt
# adds roster and template keys, combining marks, bidi controls and long fields.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?target: roster, template or render}
seconds=${2:-60}
mkdir -p "corpus/$target"
case $target in
  template) for f in ../templates/*.yaml; do cp -f "$f" "corpus/$target/builtin-$(basename "$f")"; done
            for f in ../samples/conference/templates/*.yaml; do cp -f "$f" "corpus/$target/conference-$(basename "$f")"; done ;;
  *) cp -f ../samples/festival.yaml ../samples/world.yaml "corpus/$target/"
     cp -f ../samples/conference/roster.yaml "corpus/$target/conference.yaml"
     for f in ../tests/cases/*/roster.yaml; do cp -f "$f" "corpus/$target/$(basename "$(dirname "$f")").yaml"; done ;;
esac
exec cargo +nightly fuzz run "$target" "corpus/$target" -- -dict=dict.txt -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=1024
