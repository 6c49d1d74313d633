#!/usr/bin/env bash
# Makes the bundled Korean fonts: Noto Sans CJK KR (Debian's fonts-noto-cjk),
# cut down to the 2,350 Hangul syllables of KS X 1001 (the set nearly every
# Korean name is written with) and the Hangul jamo, regular and bold.
# Needs: apt-get install fonts-noto-cjk; pip install fonttools.
# The outlines are converted to TrueType (otf2ttf.py).
set -euo pipefail
cd "$(dirname "$0")"
python3 -c "
chars = set()
for hi in range(0xB0, 0xC9):
    for lo in range(0xA1, 0xFF):
        try:
            c = bytes([hi, lo]).decode('euc_kr')
        except UnicodeDecodeError:
            continue
        if '\uac00' <= c <= '\ud7a3':
            chars.add(c)
open('/tmp/ksx1001-hangul.txt', 'w').write(''.join(sorted(chars)))
"
for w in Regular Bold; do
  pyftsubset /usr/share/fonts/opentype/noto/NotoSansCJK-$w.ttc --font-number=1 \
    --text-file=/tmp/ksx1001-hangul.txt --unicodes="U+0020,U+1100-11FF,U+3130-318F" \
    --layout-features='*' --output-file=/tmp/NotoSansKR-Hangul-$w.otf
  # TrueType outlines, like every other bundled font.
  python3 otf2ttf.py /tmp/NotoSansKR-Hangul-$w.otf NotoSansKR-Hangul-$w.ttf
done
