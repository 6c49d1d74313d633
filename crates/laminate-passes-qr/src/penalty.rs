//! The mask penalty of a QR symbol (ISO/IEC 18004 clause 7.8.3.1): the
//! fast scorer on rows and columns as bit sets, and the module-by-module
//! reference the tests check it against.

/// The mask penalty of a symbol (clause 7.8.3.1) from its rows and columns
/// as bit sets (bit x of row y is the module at column x).
pub(super) fn fast_penalty<W: Word>(rows: &[W], cols: &[W], n: usize) -> u32 {
    let full = W::low(n);
    let mut score = 0;
    for lines in [rows, cols] {
        for &line in lines {
            score += runs(line) + runs(!line & full) + finder_like(line, n);
        }
    }
    let pairs = W::low(n - 1);
    for w in rows.windows(2) {
        let dark = w[0] & w[1];
        let light = !(w[0] | w[1]) & full;
        score += 3 * ((dark & dark >> 1 & pairs).ones() + (light & light >> 1 & pairs).ones());
    }
    let dark: u32 = rows.iter().map(|r| r.ones()).sum();
    score + balance(dark as usize, n * n)
}

/// A row or column of modules as bits (bit x is module x): `u64` for
/// symbols up to 56 modules (versions 1 to 9, which hold every ordinary
/// payload), `u128` up to [`FAST_MAX`](crate::FAST_MAX).
pub(super) trait Word:
    Copy
    + std::ops::BitAnd<Output = Self>
    + std::ops::BitOr<Output = Self>
    + std::ops::Not<Output = Self>
    + std::ops::Shl<u32, Output = Self>
    + std::ops::Shr<u32, Output = Self>
{
    const ZERO: Self;
    const ONE: Self;
    fn ones(self) -> u32;
    fn from_u128(v: u128) -> Self;
    /// The lowest `n` bits set.
    fn low(n: usize) -> Self {
        !(!Self::ZERO << n as u32)
    }
}

impl Word for u64 {
    const ZERO: Self = 0;
    const ONE: Self = 1;
    fn ones(self) -> u32 {
        self.count_ones()
    }
    fn from_u128(v: u128) -> Self {
        v as u64
    }
}

impl Word for u128 {
    const ZERO: Self = 0;
    const ONE: Self = 1;
    fn ones(self) -> u32 {
        self.count_ones()
    }
    fn from_u128(v: u128) -> Self {
        v
    }
}

/// Rule 1 for one colour: a run of 5 + i modules scores 3 + i.
fn runs<W: Word>(set: W) -> u32 {
    let five = set & set >> 1 & set >> 2 & set >> 3 & set >> 4;
    let starts = five & !(five << 1);
    five.ones() + 2 * starts.ones()
}

/// Rule 3: 1:1:3:1:1 dark-light-dark-light-dark with four light modules
/// before or after it, counting the quiet zone around the symbol as light.
fn finder_like<W: Word>(line: W, n: usize) -> u32 {
    // Four light modules before column 0; beyond the symbol all light.
    let w = line << 4;
    let (d, l) = (|k: u32| w >> k, |k: u32| !(w >> k));
    // Bit s: modules s..s+7 of the padded line are 1011101; bit s of
    // `light`: modules s..s+4 are light.
    let core = d(0) & l(1) & d(2) & d(3) & d(4) & l(5) & d(6);
    let light = l(0) & l(1) & l(2) & l(3);
    let starts = W::low(n - 2);
    let before = light & core >> 4 & starts;
    let after = core & light >> 7 & starts;
    40 * (before.ones() + after.ones())
}

/// Rule 4: 10 points for each full 5 % that dark modules are off 50 %.
fn balance(dark: usize, total: usize) -> u32 {
    let off = (dark * 20).abs_diff(total * 10);
    (off.div_ceil(total).saturating_sub(1)) as u32 * 10
}

/// The mask penalty of a symbol, module by module (clause 7.8.3.1): the
/// plain statement of the rules that [`fast_penalty`] computes with words.
pub fn reference_penalty(dark: &[bool], n: usize) -> u32 {
    let at = |x: usize, y: usize, transpose: bool| {
        if transpose {
            dark[x * n + y]
        } else {
            dark[y * n + x]
        }
    };
    let mut score = 0;
    for transpose in [false, true] {
        for y in 0..n {
            let line: Vec<bool> = (0..n).map(|x| at(x, y, transpose)).collect();
            let mut x = 0;
            while x < n {
                let run = line[x..].iter().take_while(|&&d| d == line[x]).count();
                if run >= 5 {
                    score += run as u32 - 2;
                }
                x += run;
            }
            // Pad with the quiet zone and look for the finder-like patterns.
            let padded: Vec<bool> = std::iter::repeat_n(false, 4)
                .take(4)
                .chain(line)
                .chain(std::iter::repeat_n(false, 4))
                .collect();
            for window in padded.windows(11) {
                let bits: Vec<u8> = window.iter().map(|&d| u8::from(d)).collect();
                if bits == [0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1] {
                    score += 40;
                }
                if bits == [1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0] {
                    score += 40;
                }
            }
        }
    }
    for y in 0..n - 1 {
        for x in 0..n - 1 {
            let c = dark[y * n + x];
            if dark[y * n + x + 1] == c
                && dark[(y + 1) * n + x] == c
                && dark[(y + 1) * n + x + 1] == c
            {
                score += 3;
            }
        }
    }
    score + balance(dark.iter().filter(|&&d| d).count(), n * n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn penalty_rules_by_hand() {
        // A run of 7 scores 3 + 2; two runs of 5 score 3 each.
        assert_eq!(runs(0b111_1111u64), 5);
        assert_eq!(runs(0b111_1101_1111u128), 6);
        assert_eq!(runs(0b1111u64), 0);
        // 1011101 at the start of an 11-module line: light before (the
        // quiet zone) and after.
        assert_eq!(finder_like(0b1011101u64, 11), 80);
        assert_eq!(finder_like(0b1011101u128, 11), 80);
        assert_eq!(balance(50, 100), 0);
        assert_eq!(balance(55, 100), 0);
        assert_eq!(balance(56, 100), 10);
        assert_eq!(balance(39, 100), 20);
    }
}
