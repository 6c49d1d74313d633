//! Security art: turns a pass's id into guilloche curves, and a template's
//! colours into the hologram patch; all of it simulated, printed artwork.
//!
//! Trigonometry goes through `libm` so that every machine computes the same
//! curves, and coordinates are rounded to 0.01 pt so the bytes are the same.

use sha2::{Digest, Sha256};

use crate::colour::Colour;
use crate::frame::{Clip, Item, Paint, Point, Seg};

fn r(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// 32 bytes derived from a pass's identity, the seed of its unique art.
pub fn seed(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

/// A short fingerprint of the art seed, printed by `laminate verify --art`.
pub fn fingerprint(payload: &str) -> String {
    seed(payload)[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// What `laminate verify --art` says about comparing the printed art.
pub const ART_HELP: &str = "\
The guilloche on a laminate pass is computed from the whole QR payload,
signature included (its seed is printed above). To check a pass, render the
same payload's pass again (laminate render ROSTER --only ID) and lay the
print over the new one: the curves must match exactly. Artwork copied from
another pass belongs to another payload and does not match.
This is a simulated security layer: printed artwork, not a physical
hologram or foil. It makes casual copying visible; the signature is what
proves a pass genuine.";

/// The shared rosette: concentric wavy rings around (0, 0), radius up to
/// `radius` pt. Passes draw it turned and shifted by their own seed.
pub fn rosette(radius: f64, colour: Colour) -> Vec<(Point, Item)> {
    let mut segs = Vec::new();
    let rings = 14;
    let steps = 192;
    for k in 0..rings {
        let base = radius * (0.25 + 0.75 * k as f64 / (rings - 1) as f64);
        let amp = radius * 0.035;
        let lobes = 18.0 + (k % 3) as f64 * 6.0;
        let phase = k as f64 * 0.37;
        for i in 0..=steps {
            let t = i as f64 / steps as f64 * std::f64::consts::TAU;
            let rr = base + amp * libm::sin(lobes * t + phase);
            let (x, y) = (r(rr * libm::cos(t)), r(rr * libm::sin(t)));
            segs.push(if i == 0 { Seg::Move(x, y) } else { Seg::Line(x, y) });
        }
    }
    vec![(Point::default(), Item::Path { segs, paint: Paint::Stroke(colour, 0.2) })]
}

/// Where the two rosette copies of a pass go inside a `w` x `h` box, with
/// their turn: (x, y, angle in radians, scale), from the seed.
pub fn rosette_placements(seed: &[u8; 32], w: f64, h: f64) -> [(f64, f64, f64, f64); 2] {
    let u = |i: usize| seed[i] as f64 / 255.0;
    [
        (
            r(w * (0.15 + 0.3 * u(0))),
            r(h * (0.2 + 0.6 * u(1))),
            r(u(2) * std::f64::consts::TAU),
            r(0.8 + 0.4 * u(3)),
        ),
        (
            r(w * (0.55 + 0.3 * u(4))),
            r(h * (0.2 + 0.6 * u(5))),
            r(u(6) * std::f64::consts::TAU),
            r(0.8 + 0.4 * u(7)),
        ),
    ]
}

/// How many shapes the family of unique curves has: 5 x 7 frequency pairs,
/// each at 4 phases.
pub const CURVE_SHAPES: u32 = 140;

/// One shape of the unique-curve family: a Lissajous figure spanning the
/// `w` x `h` box. Each shape is drawn once per document as shared art; a
/// pass draws one of them turned, scaled, mirrored and shifted by its seed
/// (see [`unique_curve`]), which keeps its content stream small.
pub fn curve_shape(shape: u32, w: f64, h: f64, colour: Colour) -> Item {
    let p = 3.0 + (shape % 5) as f64;
    let q = 2.0 + (shape / 5 % 7) as f64;
    let k = shape / 35 % 4;
    // Phases inside (0, pi): at 0 some frequency pairs retrace themselves.
    let phase = (k as f64 + 0.5) * std::f64::consts::FRAC_PI_4;
    let skew = [0.3, 0.6, 0.45, 0.75][k as usize];
    let steps = 120;
    let mut segs = Vec::with_capacity(steps + 1);
    for i in 0..=steps {
        let t = i as f64 / steps as f64 * std::f64::consts::TAU;
        let x = w / 2.0 + w * 0.46 * libm::sin(p * t + phase);
        let y = h / 2.0
            + h * 0.42 * (libm::sin(q * t) * (1.0 - skew) + libm::sin((q + 1.0) * t) * skew);
        segs.push(if i == 0 { Seg::Move(r(x), r(y)) } else { Seg::Line(r(x), r(y)) });
    }
    Item::Path { segs, paint: Paint::Stroke(colour, 0.25) }
}

/// The curve that only this pass has, in a `w` x `h` box: which shape of the
/// family (see [`curve_shape`]) and the matrix that places it, turned by up
/// to 14 degrees about the box centre, scaled by 0.85 to 1.15, mirrored or
/// not, and shifted by up to 6 % of the box, all from the seed.
pub fn unique_curve(seed: &[u8; 32], w: f64, h: f64) -> (u32, [f64; 6]) {
    let u = |i: usize| seed[i] as f64 / 255.0;
    let shape = u32::from(u16::from_be_bytes([seed[8], seed[9]])) % CURVE_SHAPES;
    let angle = (u(10) - 0.5) * 0.5;
    let scale = 0.85 + 0.3 * u(11);
    let mirror = if seed[12] & 1 == 1 { -1.0 } else { 1.0 };
    let (cx, cy) = (w / 2.0, h / 2.0);
    let (dx, dy) = ((u(13) - 0.5) * 0.12 * w, (u(14) - 0.5) * 0.12 * h);
    let fine = |v: f64| (v * 10_000.0).round() / 10_000.0;
    let (cos, sin) = (libm::cos(angle) * scale, libm::sin(angle) * scale);
    let (a, b, c, d) = (fine(cos * mirror), fine(sin * mirror), fine(-sin), fine(cos));
    let e = r(cx + dx - (a * cx + c * cy));
    let f = r(cy + dy - (b * cx + d * cy));
    (shape, [a, b, c, d, e, f])
}

/// The hologram patch: an iridescent gradient in a rounded box, overlaid with
/// fine white rings and waves that catch the eye like a foil would.
pub fn hologram(w: f64, h: f64) -> Vec<(Point, Item)> {
    let stops = vec![
        Colour::Rgb(0.95, 0.75, 0.85),
        Colour::Rgb(0.75, 0.85, 0.98),
        Colour::Rgb(0.78, 0.97, 0.85),
        Colour::Rgb(0.99, 0.95, 0.70),
        Colour::Rgb(0.88, 0.78, 0.98),
        Colour::Rgb(0.72, 0.92, 0.96),
    ];
    let radius = h.min(w) * 0.18;
    let mut items = vec![(
        Point::default(),
        Item::Group {
            layer: None,
            transform: None,
            clip: Some(Clip::rect(w, h)),
            items: vec![(Point::default(), Item::Gradient { w, h, stops })],
        },
    )];
    let mut segs = Vec::new();
    let (cx, cy) = (w / 2.0, h / 2.0);
    for k in 1..=6 {
        let rr = h.min(w) * 0.07 * k as f64;
        for i in 0..=72 {
            let t = i as f64 / 72.0 * std::f64::consts::TAU;
            let (x, y) = (r(cx + rr * 1.3 * libm::cos(t)), r(cy + rr * libm::sin(t)));
            segs.push(if i == 0 { Seg::Move(x, y) } else { Seg::Line(x, y) });
        }
    }
    for k in 0..7 {
        let y0 = h * (k as f64 + 0.5) / 7.0;
        for i in 0..=48 {
            let x = w * i as f64 / 48.0;
            let y = r(y0 + h * 0.04 * libm::sin(x / w * 12.566 + k as f64));
            segs.push(if i == 0 { Seg::Move(r(x), y) } else { Seg::Line(r(x), y) });
        }
    }
    items.push((
        Point::default(),
        Item::Group {
            layer: None,
            transform: None,
            clip: Some(Clip::rect(w, h)),
            items: vec![(
                Point::default(),
                Item::Path { segs, paint: Paint::Stroke(Colour::WHITE, 0.3) },
            )],
        },
    ));
    items.push((
        Point::default(),
        Item::Path {
            segs: rounded_rect(w, h, radius),
            paint: Paint::Stroke(Colour::Rgb(0.7, 0.7, 0.75), 0.3),
        },
    ));
    items
}

/// A rectangle with rounded corners from (0, 0) to (w, h), as cubic segments.
pub fn rounded_rect(w: f64, h: f64, radius: f64) -> Vec<Seg> {
    let rr = radius.min(w / 2.0).min(h / 2.0);
    let k = rr * 0.552_284_75; // circle approximation constant 4/3 (sqrt 2 - 1)
    vec![
        Seg::Move(rr, 0.0),
        Seg::Line(w - rr, 0.0),
        Seg::Cubic(w - rr + k, 0.0, w, rr - k, w, rr),
        Seg::Line(w, h - rr),
        Seg::Cubic(w, h - rr + k, w - rr + k, h, w - rr, h),
        Seg::Line(rr, h),
        Seg::Cubic(rr - k, h, 0.0, h - rr + k, 0.0, h - rr),
        Seg::Line(0.0, rr),
        Seg::Cubic(0.0, rr - k, rr - k, 0.0, rr, 0.0),
        Seg::Close,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pass_gets_its_own_curve() {
        let a = unique_curve(&seed("NLF-0001"), 100.0, 50.0);
        let b = unique_curve(&seed("NLF-0002"), 100.0, 50.0);
        let a2 = unique_curve(&seed("NLF-0001"), 100.0, 50.0);
        assert_ne!(a, b);
        assert_eq!(a, a2);
        assert!(a.0 < CURVE_SHAPES && b.0 < CURVE_SHAPES);
        assert_ne!(
            rosette_placements(&seed("A"), 10.0, 10.0),
            rosette_placements(&seed("B"), 10.0, 10.0)
        );
    }

    #[test]
    fn the_family_spreads_over_its_shapes() {
        let mut used = std::collections::BTreeSet::new();
        for i in 0..3000 {
            used.insert(unique_curve(&seed(&format!("NLF-{i:04}")), 100.0, 50.0).0);
        }
        assert_eq!(used.len(), CURVE_SHAPES as usize);
        let shape = |n| curve_shape(n, 100.0, 50.0, Colour::BLACK);
        assert_ne!(shape(0), shape(1));
        assert_ne!(shape(0), shape(35));
    }
}
