//! Security art: turns a pass's id into guilloche curves, and a template's
//! colours into the hologram patch; all of it simulated, printed artwork.
//!
//! Trigonometry goes through `libm` so that every machine computes the same
//! curves, and coordinates are rounded to 0.01 pt so the bytes are the same.

use sha2::{Digest, Sha256};

use crate::frame::{Clip, Item, Paint, Point, Seg};
use laminate_passes_pdf::colour::Colour;

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

/// Width of guilloche lines in pt: 0.1 mm, the fine line of security printing.
pub const LINE: f64 = 0.1 * crate::units::PT_PER_MM;

/// A smooth curve through `pieces` + 1 samples of `f` over `t0..t1`, as
/// cubic Béziers: `f(t)` gives the point and its derivative (x, y, dx/dt,
/// dy/dt), and each piece's control points lie a third of the way along
/// the tangents at its ends (Hermite interpolation). Three pieces a wave
/// are smooth at any size, in far fewer bytes than a polyline.
fn smooth(
    segs: &mut Vec<Seg>,
    pieces: usize,
    t0: f64,
    t1: f64,
    f: impl Fn(f64) -> (f64, f64, f64, f64),
) {
    let dt = (t1 - t0) / pieces as f64;
    let (mut x, mut y, mut dx, mut dy) = f(t0);
    segs.push(Seg::Move(r(x), r(y)));
    for i in 1..=pieces {
        let (nx, ny, ndx, ndy) = f(t0 + dt * i as f64);
        let k = dt / 3.0;
        segs.push(Seg::Cubic(
            r(x + dx * k),
            r(y + dy * k),
            r(nx - ndx * k),
            r(ny - ndy * k),
            r(nx),
            r(ny),
        ));
        (x, y, dx, dy) = (nx, ny, ndx, ndy);
    }
}

/// The shared rosette around (0, 0), radius up to `radius` pt: bands of
/// interlaced wavy rings (each band several rings with the same lobes, out
/// of phase, so they braid like the rope of a banknote's rosette) and a
/// scalloped rim, in 0.1 mm lines. Passes draw it turned and shifted by
/// their own seed.
pub fn rosette(radius: f64, colour: Colour) -> Vec<(Point, Item)> {
    let mut segs = Vec::new();
    // (radius, wave amplitude, both as a share of `radius`; lobes; rings)
    let bands = [
        (0.14, 0.05, 8.0, 4),
        (0.34, 0.06, 14.0, 4),
        (0.58, 0.06, 22.0, 5),
        (0.84, 0.05, 30.0, 5),
        (0.97, 0.015, 60.0, 2),
    ];
    for (base, amp, lobes, rings) in bands {
        for k in 0..rings {
            let phase = k as f64 * std::f64::consts::TAU / rings as f64;
            let ring = |t: f64| {
                let rr = radius * (base + amp * libm::sin(lobes * t + phase));
                let dr = radius * amp * lobes * libm::cos(lobes * t + phase);
                let (c, s) = (libm::cos(t), libm::sin(t));
                (rr * c, rr * s, dr * c - rr * s, dr * s + rr * c)
            };
            smooth(&mut segs, lobes as usize * 3, 0.0, std::f64::consts::TAU, ring);
        }
    }
    vec![(Point::default(), Item::Path { segs, paint: Paint::Stroke(colour, LINE) })]
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

/// How many shapes the family of unique ribbons has: 4 wavelengths x 3
/// strand counts. Each is drawn once per document as shared art; a pass
/// draws one of them shifted and mirrored by its seed (see
/// [`unique_curve`]), which keeps its content stream small.
pub const CURVE_SHAPES: u32 = 12;

/// Wavelength of a ribbon shape in pt.
fn wavelength(shape: u32) -> f64 {
    [3.2, 3.7, 4.2, 4.7][(shape % 4) as usize] * crate::units::PT_PER_MM
}

/// One shape of the ribbon family: guilloche ribbons along the top and
/// bottom edges of the `w` x `h` box, each a braid of 3 to 5 sine waves of
/// one wavelength, out of phase and swelling and narrowing along the edge,
/// drawn one wavelength beyond both ends (the box clips them) so that a
/// shifted copy still spans the box.
pub fn curve_shape(shape: u32, w: f64, h: f64, colour: Colour) -> Item {
    let mm = crate::units::PT_PER_MM;
    let lambda = wavelength(shape);
    let strands = 3 + shape / 4 % 3;
    let (x0, x1) = (-lambda, w + lambda);
    let waves = ((x1 - x0) / lambda).ceil() as usize;
    let mut segs = Vec::new();
    for centre in [h - 1.0 * mm, 2.9 * mm] {
        for k in 0..strands {
            let phase = k as f64 * std::f64::consts::TAU / strands as f64;
            let kw = std::f64::consts::TAU / lambda;
            // The swell: the braid's height varies slowly along the edge.
            let ks = std::f64::consts::TAU / (lambda * (5.0 + (shape % 3) as f64 * 2.0));
            let wave = |x: f64| {
                let amp = 0.75 * mm * (0.7 + 0.3 * libm::cos(ks * x));
                let damp = -0.75 * mm * 0.3 * ks * libm::sin(ks * x);
                let s = libm::sin(kw * x + phase);
                let ds = kw * libm::cos(kw * x + phase);
                (x, centre + amp * s, 1.0, damp * s + amp * ds)
            };
            smooth(&mut segs, waves * 3, x0, x0 + waves as f64 * lambda, wave);
        }
    }
    Item::Path { segs, paint: Paint::Stroke(colour, LINE) }
}

/// The ribbons that only this pass has, in a `w` x `h` box: which shape of
/// the family (see [`curve_shape`]) and the matrix that places it, mirrored
/// or not and shifted along the edge by up to a wavelength, from the seed.
pub fn unique_curve(seed: &[u8; 32], w: f64, h: f64) -> (u32, [f64; 6]) {
    let _ = h;
    let shape = u32::from(u16::from_be_bytes([seed[8], seed[9]])) % CURVE_SHAPES;
    let shift = r((f64::from(seed[10]) / 255.0 - 0.5) * 2.0 * wavelength(shape));
    if seed[12] & 1 == 1 {
        (shape, [-1.0, 0.0, 0.0, 1.0, r(w + shift), 0.0])
    } else {
        (shape, [1.0, 0.0, 0.0, 1.0, shift, 0.0])
    }
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
        assert_ne!(shape(0), shape(4));
    }
}
