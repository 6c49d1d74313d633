#!/bin/sh
# Remakes the sample holder photos: stylised head-and-shoulders portraits,
# 300 x 375 px JPEG, drawn in PostScript and rendered with Ghostscript.
#   sh samples/conference/photos/make-photos.sh
# Colours are "r g b" in 0..1.
set -eu
cd "$(dirname "$0")"
command -v gs >/dev/null || { echo "make-photos.sh: needs Ghostscript (gs)" >&2; exit 1; }

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

# portrait FILE BACKGROUND SHIRT SKIN HAIR STYLE GLASSES BEARD
#   STYLE: short | long | bun | bald; GLASSES, BEARD: 0 or 1
portrait() {
  cat >"$tmp" <<PS
%!PS
<< /PageSize [300 375] >> setpagedevice
/bg [$2] def /shirt [$3] def /skin [$4] def /hair [$5] def
/style /$6 def /glasses $7 def /beard $8 def
/rgb { aload pop setrgbcolor } def
/shade { % [r g b] f -> colour scaled by f
  /f exch def aload pop f mul 3 1 roll f mul 3 1 roll f mul 3 1 roll setrgbcolor } def
/ellipse { % x y rx ry -> path
  /ry exch def /rx exch def /y exch def /x exch def
  matrix currentmatrix x y translate rx ry scale 0 0 1 0 360 arc setmatrix } def

% Background: lighter at the top, with a soft halo behind the head.
0 5 370 { /i exch def bg 0.80 i 375 div 0.25 mul add shade 0 i 300 5 rectfill } for
10 -1 1 { /k exch def bg 1.05 k 0.012 mul add shade
  newpath 150 225 k 14 mul 20 add dup ellipse fill } for

% Long hair falls behind the shoulders.
style /long eq { hair rgb newpath 150 190 78 112 ellipse fill } if

% Neck and shoulders, with a V collar.
skin 0.88 shade 124 95 52 80 rectfill
shirt rgb newpath 150 -20 150 135 ellipse fill
shirt 0.8 shade newpath 150 -20 150 135 ellipse 4 setlinewidth stroke
skin 0.88 shade newpath 126 112 moveto 150 70 lineto 174 112 lineto closepath fill
shirt 0.75 shade 3 setlinewidth newpath 122 115 moveto 150 66 lineto 178 115 lineto stroke

% Hair behind the head, then ears and face.
style /short eq style /bun eq or { hair rgb newpath 150 232 62 64 ellipse fill } if
style /bun eq { hair rgb newpath 150 306 28 24 ellipse fill } if
skin 0.92 shade newpath 94 212 10 15 ellipse fill newpath 206 212 10 15 ellipse fill
skin rgb newpath 150 212 56 70 ellipse fill
style /bald eq { skin 1.08 shade newpath 130 258 16 9 ellipse fill } if

% Fringe: the hair over the forehead, clipped to the face.
style /bald ne {
  gsave newpath 150 212 56 70 ellipse clip
  hair rgb newpath 168 318 108 74 ellipse fill grestore } if

% Beard, clipped to the lower face.
beard 1 eq {
  gsave newpath 150 212 56 70 ellipse clip
  hair rgb newpath 150 150 70 52 ellipse fill
  skin rgb newpath 150 178 22 9 ellipse fill grestore } if

% Eyes, brows, nose and mouth.
0.15 0.12 0.1 setrgbcolor
newpath 128 222 5 6 ellipse fill newpath 172 222 5 6 ellipse fill
hair 0.8 shade 3.5 setlinewidth 1 setlinecap
newpath 116 236 moveto 128 240 lineto 140 237 lineto stroke
newpath 160 237 moveto 172 240 lineto 184 236 lineto stroke
skin 0.78 shade 2.5 setlinewidth
newpath 150 214 moveto 145 194 lineto 152 192 lineto stroke
0.55 0.25 0.25 setrgbcolor 3 setlinewidth
newpath 150 196 20 235 305 arc stroke

glasses 1 eq {
  0.12 0.12 0.14 setrgbcolor 3 setlinewidth
  newpath 128 222 15 13 ellipse stroke newpath 172 222 15 13 ellipse stroke
  newpath 143 224 moveto 157 224 lineto stroke
  newpath 113 226 moveto 95 230 lineto stroke newpath 187 226 moveto 205 230 lineto stroke } if

showpage
PS
  gs -q -dSAFER -dBATCH -dNOPAUSE -sDEVICE=jpeg -dJPEGQ=85 -r72 -g300x375 \
    -sOutputFile="$1" "$tmp"
}

#         file        background         shirt              skin               hair               style glasses beard
portrait ohs-001.jpg "0.30 0.55 0.80"   "0.85 0.20 0.25"   "0.87 0.68 0.55"   "0.20 0.12 0.08"   long  0 0
portrait ohs-002.jpg "0.95 0.75 0.35"   "0.20 0.25 0.40"   "0.80 0.60 0.45"   "0.12 0.10 0.10"   short 1 1
portrait ohs-003.jpg "0.55 0.78 0.60"   "0.35 0.20 0.50"   "0.96 0.82 0.72"   "0.85 0.65 0.30"   bun   0 0
portrait ohs-004.jpg "0.85 0.45 0.40"   "0.15 0.45 0.45"   "0.93 0.76 0.64"   "0.45 0.28 0.15"   short 0 0
portrait ohs-005.jpg "0.65 0.60 0.85"   "0.95 0.65 0.15"   "0.98 0.86 0.78"   "0.92 0.80 0.55"   long  1 0
portrait ohs-006.jpg "0.40 0.70 0.75"   "0.70 0.15 0.35"   "0.62 0.42 0.30"   "0.08 0.06 0.06"   long  0 0
portrait ohs-007.jpg "0.90 0.60 0.70"   "0.25 0.40 0.25"   "0.90 0.72 0.60"   "0.55 0.50 0.48"   bald  1 1
portrait ohs-008.jpg "0.50 0.62 0.72"   "0.90 0.88 0.82"   "0.45 0.30 0.22"   "0.10 0.08 0.08"   short 0 0
