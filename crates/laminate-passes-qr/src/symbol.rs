//! The symbol of a QR version: its function patterns, the path its
//! codeword bits take, its masks and format information (ISO/IEC 18004
//! clauses 6.3, 7.7 to 7.9), computed once per version, and the choice of
//! the mask with the lowest penalty.

use std::sync::OnceLock;

use crate::penalty::{fast_penalty, Word};
use crate::spec::{raw_modules, Level, FAST_MAX};

/// What every symbol of a version shares: function patterns, the data path
/// and the mask patterns.
pub(super) struct Layout {
    pub(super) size: usize,
    /// The dark function modules (finders, timing, alignment, version
    /// information, the dark module; format information is light).
    base: Vec<bool>,
    /// The same as bit sets: rows and columns (empty above [`FAST_MAX`]).
    base_bits: (Vec<u128>, Vec<u128>),
    /// Where the codeword bits go, in order (index y * size + x).
    pub(super) path: Vec<u16>,
    /// Per mask, the modules it flips, outside function modules: rows, columns.
    masks: Vec<(Vec<u128>, Vec<u128>)>,
}

fn mask_flips(mask: usize, x: usize, y: usize) -> bool {
    match mask {
        0 => (x + y) % 2 == 0,
        1 => y % 2 == 0,
        2 => x % 3 == 0,
        3 => (x + y) % 3 == 0,
        4 => (x / 3 + y / 2) % 2 == 0,
        5 => x * y % 2 + x * y % 3 == 0,
        6 => (x * y % 2 + x * y % 3) % 2 == 0,
        _ => ((x + y) % 2 + x * y % 3) % 2 == 0,
    }
}

/// The 15 format bits for a level and a mask, error-corrected and masked
/// (clause 7.9).
fn format_bits(mask: usize, level: Level) -> u32 {
    let data = level.bits() << 3 | mask as u32;
    let mut rem = data;
    for _ in 0..10 {
        rem = (rem << 1) ^ ((rem >> 9) * 0x537);
    }
    (data << 10 | rem) ^ 0x5412
}

/// Where the two copies of format bit i go, as (x, y) pairs.
fn format_positions(n: usize, i: usize) -> [(usize, usize); 2] {
    let first = match i {
        0..=5 => (8, i),
        6 => (8, 7),
        7 => (8, 8),
        8 => (7, 8),
        _ => (14 - i, 8),
    };
    let second = if i < 8 { (n - 1 - i, 8) } else { (8, n - 15 + i) };
    [first, second]
}

impl Layout {
    pub(super) fn get(version: usize) -> &'static Layout {
        static LAYOUTS: [OnceLock<Layout>; 40] = [const { OnceLock::new() }; 40];
        LAYOUTS[version - 1].get_or_init(|| Layout::new(version))
    }

    fn new(version: usize) -> Layout {
        let n = version * 4 + 17;
        let mut dark = vec![false; n * n];
        let mut function = vec![false; n * n];
        let mut set = |x: usize, y: usize, d: bool| {
            dark[y * n + x] = d;
            function[y * n + x] = true;
        };
        for i in 0..n {
            set(6, i, i % 2 == 0);
            set(i, 6, i % 2 == 0);
        }
        for (cx, cy) in [(3, 3), (n - 4, 3), (3, n - 4)] {
            for dy in -4i32..=4 {
                for dx in -4i32..=4 {
                    let (x, y) = (cx as i32 + dx, cy as i32 + dy);
                    if (0..n as i32).contains(&x) && (0..n as i32).contains(&y) {
                        let d = dx.abs().max(dy.abs());
                        set(x as usize, y as usize, d != 2 && d != 4);
                    }
                }
            }
        }
        let centres = alignment_centres(version);
        for &cy in &centres {
            for &cx in &centres {
                // The three corners hold finder patterns instead.
                let corner =
                    cx.min(cy) == 6 && cx.max(cy) >= 6 && (cx == cy || cx.max(cy) == n - 7);
                if corner {
                    continue;
                }
                for dy in -2i32..=2 {
                    for dx in -2i32..=2 {
                        let d = dx.abs().max(dy.abs());
                        set((cx as i32 + dx) as usize, (cy as i32 + dy) as usize, d != 1);
                    }
                }
            }
        }
        for i in 0..15 {
            for (x, y) in format_positions(n, i) {
                set(x, y, false);
            }
        }
        set(8, n - 8, true);
        if version >= 7 {
            let mut rem = version as u32;
            for _ in 0..12 {
                rem = (rem << 1) ^ ((rem >> 11) * 0x1F25);
            }
            let bits = (version as u32) << 12 | rem;
            for i in 0..18 {
                let d = bits >> i & 1 == 1;
                let (a, b) = (n - 11 + i % 3, i / 3);
                set(a, b, d);
                set(b, a, d);
            }
        }

        // The data path: two-module columns from the right, up then down,
        // stepping over the vertical timing pattern (clause 7.7.3).
        let mut path = Vec::with_capacity(raw_modules(version));
        let mut right = n - 1;
        while right >= 1 {
            if right == 6 {
                right = 5;
            }
            let upward = (right + 1) & 2 == 0;
            for vert in 0..n {
                let y = if upward { n - 1 - vert } else { vert };
                for x in [right, right - 1] {
                    if !function[y * n + x] {
                        path.push((y * n + x) as u16);
                    }
                }
            }
            if right < 2 {
                break;
            }
            right -= 2;
        }

        let bits = |pick: &dyn Fn(usize, usize) -> bool| {
            if n <= FAST_MAX {
                bit_sets(n, pick)
            } else {
                (Vec::new(), Vec::new())
            }
        };
        let base_bits = bits(&|x, y| dark[y * n + x]);
        let masks =
            (0..8).map(|m| bits(&|x, y| !function[y * n + x] && mask_flips(m, x, y))).collect();
        Layout { size: n, base: dark, base_bits, path, masks }
    }

    /// The mask of least penalty for the data modules, scored with rows
    /// and columns as words of type `W` (wide enough for the symbol plus
    /// four modules either side).
    pub(super) fn best_mask<W: Word>(&self, data: &[bool], level: Level) -> usize {
        let n = self.size;
        // The dark data modules as bit sets, from the data path alone.
        let (mut rows, mut cols) = (vec![0u128; n], vec![0u128; n]);
        for &at in &self.path {
            if data[at as usize] {
                let (y, x) = (at as usize / n, at as usize % n);
                rows[y] |= 1 << x;
                cols[x] |= 1 << y;
            }
        }
        let mut r = [W::ZERO; FAST_MAX];
        let mut c = [W::ZERO; FAST_MAX];
        (0..8)
            .min_by_key(|&m| {
                self.masked(&rows, &cols, (m, level), &mut r[..n], &mut c[..n]);
                fast_penalty(&r[..n], &c[..n], n)
            })
            .expect("eight masks")
    }

    /// The whole symbol for data rows and a mask, as bit rows and columns
    /// (fast path, sizes up to [`FAST_MAX`]).
    fn masked<W: Word>(
        &self,
        rows: &[u128],
        cols: &[u128],
        (mask, level): (usize, Level),
        r: &mut [W],
        c: &mut [W],
    ) {
        let n = self.size;
        let (mr, mc) = &self.masks[mask];
        let (br, bc) = &self.base_bits;
        // Data, mask and function modules never share a module.
        for y in 0..n {
            r[y] = W::from_u128(rows[y] ^ mr[y] | br[y]);
            c[y] = W::from_u128(cols[y] ^ mc[y] | bc[y]);
        }
        let format = format_bits(mask, level);
        for i in 0..15 {
            if format >> i & 1 == 1 {
                for (x, y) in format_positions(n, i) {
                    r[y] = r[y] | W::ONE << x as u32;
                    c[x] = c[x] | W::ONE << y as u32;
                }
            }
        }
    }

    /// The whole symbol for the data modules and a mask, module by module.
    pub(super) fn modules(&self, data: &[bool], mask: usize, level: Level) -> Vec<bool> {
        let n = self.size;
        let mut dark = self.base.clone();
        for &at in &self.path {
            let (y, x) = (at as usize / n, at as usize % n);
            dark[at as usize] = data[at as usize] ^ mask_flips(mask, x, y);
        }
        let format = format_bits(mask, level);
        for i in 0..15 {
            for (x, y) in format_positions(n, i) {
                dark[y * n + x] = format >> i & 1 == 1;
            }
        }
        dark
    }
}

/// The modules `pick` says are dark as bit sets: rows (bit x of row y is the
/// module at column x) and columns.
fn bit_sets(n: usize, pick: impl Fn(usize, usize) -> bool) -> (Vec<u128>, Vec<u128>) {
    let mut rows = vec![0u128; n];
    let mut cols = vec![0u128; n];
    for (y, row) in rows.iter_mut().enumerate() {
        for (x, col) in cols.iter_mut().enumerate() {
            if pick(x, y) {
                *row |= 1 << x;
                *col |= 1 << y;
            }
        }
    }
    (rows, cols)
}

/// Centres of the alignment patterns on each axis (clause 6.3.6, annex E).
fn alignment_centres(version: usize) -> Vec<usize> {
    if version == 1 {
        return Vec::new();
    }
    let count = version / 7 + 2;
    let n = version * 4 + 17;
    let step = if version == 32 { 26 } else { (version * 4 + count * 2 + 1) / (count * 2 - 2) * 2 };
    let mut out: Vec<usize> = (0..count - 1).map(|i| n - 7 - i * step).collect();
    out.push(6);
    out.reverse();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference_penalty;

    #[test]
    fn the_fast_penalty_is_the_reference_penalty() {
        let mut seed = 12345u64;
        for version in [1, 2, 5, 7, 10, 20, 25] {
            let layout = Layout::get(version);
            let n = layout.size;
            for _ in 0..4 {
                let mut data = vec![false; n * n];
                for &at in &layout.path {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    // Runs and blocks need some clumping: dark three times in four.
                    data[at as usize] = seed >> 62 != 0;
                }
                let (rows, cols) = bit_sets(n, |x, y| data[y * n + x]);
                for mask in 0..8 {
                    let (mut r, mut c) = (vec![0u128; n], vec![0u128; n]);
                    layout.masked(&rows, &cols, (mask, Level::M), &mut r, &mut c);
                    let modules = layout.modules(&data, mask, Level::M);
                    if n <= 56 {
                        let (mut r64, mut c64) = (vec![0u64; n], vec![0u64; n]);
                        layout.masked(&rows, &cols, (mask, Level::M), &mut r64, &mut c64);
                        assert_eq!(fast_penalty(&r64, &c64, n), fast_penalty(&r, &c, n));
                    }
                    assert_eq!(
                        fast_penalty(&r, &c, n),
                        reference_penalty(&modules, n),
                        "version {version} mask {mask}"
                    );
                }
            }
        }
    }
}
