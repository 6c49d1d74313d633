//! The facts of ISO/IEC 18004 that the encoder and the symbol layout both
//! use: error correction levels, and the modules a version has for data.

/// Error correction levels: about 7, 15, 25 and 30 % of the codewords can
/// be restored (clause 7.5.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// About 7 %: the smallest symbol.
    L,
    /// About 15 %: laminate's own payloads.
    M,
    /// About 25 %.
    Q,
    /// About 30 %.
    H,
}

impl Level {
    /// Row of the tables below.
    pub(crate) fn row(self) -> usize {
        match self {
            Level::L => 0,
            Level::M => 1,
            Level::Q => 2,
            Level::H => 3,
        }
    }

    /// The two format-information bits (table 12): L 01, M 00, Q 11, H 10.
    pub(crate) fn bits(self) -> u32 {
        match self {
            Level::L => 0b01,
            Level::M => 0b00,
            Level::Q => 0b11,
            Level::H => 0b10,
        }
    }
}

/// Widest symbol scored with bit sets: its rows plus four light modules on
/// each side must fit in 128 bits.
pub const FAST_MAX: usize = 120;

/// Modules that carry codewords (and remainder bits) in a version.
pub(crate) fn raw_modules(v: usize) -> usize {
    let mut n = (16 * v + 128) * v + 64;
    if v >= 2 {
        let align = v / 7 + 2;
        n -= (25 * align - 10) * align - 55;
        if v >= 7 {
            n -= 36;
        }
    }
    n
}
