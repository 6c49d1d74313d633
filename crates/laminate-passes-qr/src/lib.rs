//! QR codes (ISO/IEC 18004:2015, model 2, error correction level M, or
//! any level for a ticket shop's codes): turns a payload into the dark and
//! light modules of its symbol.
//!
//! Written here rather than taken from a crate because of speed: every pass
//! has its own code, and the crates measured (qrcode 1.1 ms, qrcodegen
//! 0.36 ms, fast_qr 0.16 ms a code on this project's payloads) were slow,
//! fast_qr mostly in choosing the mask: scoring eight whole symbols module
//! by module. Here a symbol's rows and columns are bit sets (`u64` up to 56
//! modules, else `u128`), a mask is
//! an XOR of precomputed rows, and the four penalty rules are word
//! operations; the function patterns and the data path of each version are
//! computed once. Symbols wider than [`FAST_MAX`] modules (version 26 and
//! up, payloads of over about 1,000 bytes) are scored module by module with
//! [`reference_penalty`], which the tests also use to check the fast scorer.
//!
//! This file turns data into codewords (modes, segments, Reed-Solomon error
//! correction) and picks the version and mask; `symbol` lays out each
//! version's symbol and masks, and `penalty` scores a masked symbol.

use std::sync::OnceLock;

mod penalty;
mod spec;
mod symbol;

pub use penalty::reference_penalty;
use spec::raw_modules;
pub use spec::{Level, FAST_MAX};
use symbol::Layout;

/// A QR symbol.
#[derive(Clone, Debug, PartialEq)]
pub struct Code {
    /// Modules on a side.
    pub size: usize,
    /// Dark modules, row by row from the top left.
    pub dark: Vec<bool>,
    /// The version, 1 to 40.
    pub version: usize,
    /// The mask pattern chosen, 0 to 7.
    pub mask: usize,
    /// The error correction level.
    pub level: Level,
}

/// Widest symbol a ticket code gets more error correction in: 45 modules
/// (version 7), about 0.45 mm a module in a 20 mm box.
pub const TICKET_MAX_VERSION: usize = 7;

/// The level for a ticket shop's code (put in the QR as it is): the
/// strongest level whose symbol stays at version [`TICKET_MAX_VERSION`] or
/// below; a longer code (pretix's signed secrets are 100 characters and
/// more) takes level L, the smallest symbol, so its modules stay as large
/// as they can in the template's box.
pub fn ticket_level(data: &[u8]) -> Level {
    let mode = Mode::of(data);
    [Level::H, Level::Q, Level::M]
        .into_iter()
        .find(|&l| {
            (1..=TICKET_MAX_VERSION).any(|v| mode.bits(data.len(), v) <= data_codewords(v, l) * 8)
        })
        .unwrap_or(Level::L)
}

/// Error correction codewords per block by level (L, M, Q, H) and version
/// (ISO/IEC 18004:2015 table 9).
const ECC_PER_BLOCK: [[usize; 41]; 4] = [
    [
        0, 7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28, 28, 28,
        30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
    ],
    [
        0, 10, 16, 26, 18, 24, 16, 18, 22, 22, 26, 30, 22, 22, 24, 24, 28, 28, 26, 26, 26, 26, 28,
        28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
    ],
    [
        0, 13, 22, 18, 26, 18, 24, 18, 22, 20, 24, 28, 26, 24, 20, 30, 24, 28, 28, 26, 30, 28, 30,
        30, 30, 30, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
    ],
    [
        0, 17, 28, 22, 16, 22, 28, 26, 26, 24, 28, 24, 28, 22, 24, 24, 30, 28, 28, 26, 28, 30, 24,
        30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
    ],
];

/// Error correction blocks by level (L, M, Q, H) and version (table 9).
const BLOCKS: [[usize; 41]; 4] = [
    [
        0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8, 8, 9, 9, 10, 12, 12, 12, 13,
        14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25,
    ],
    [
        0, 1, 1, 1, 2, 2, 4, 4, 4, 5, 5, 5, 8, 9, 9, 10, 10, 11, 13, 14, 16, 17, 17, 18, 20, 21,
        23, 25, 26, 28, 29, 31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
    ],
    [
        0, 1, 1, 2, 2, 4, 4, 6, 6, 8, 8, 8, 10, 12, 16, 12, 17, 16, 18, 21, 20, 23, 23, 25, 27, 29,
        34, 34, 35, 38, 40, 43, 45, 48, 51, 53, 56, 59, 62, 65, 68,
    ],
    [
        0, 1, 1, 2, 4, 4, 4, 5, 6, 8, 8, 11, 11, 16, 16, 18, 16, 19, 21, 25, 25, 25, 34, 30, 32,
        35, 37, 40, 42, 45, 48, 51, 54, 57, 60, 63, 66, 70, 74, 77, 81,
    ],
];

/// The symbol for `data` at the smallest version that holds it, with the
/// mask of least penalty; `None` when even version 40 is too small.
pub fn encode(data: &[u8]) -> Option<Code> {
    encode_with(data, None)
}

/// True when `data` fits a QR code (at level M, version 40 at most).
pub fn fits(data: &[u8]) -> bool {
    fits_at(data, Level::M)
}

/// True when `data` fits a QR code at `level` (version 40 at most).
pub fn fits_at(data: &[u8], level: Level) -> bool {
    let mode = Mode::of(data);
    mode.bits(data.len(), 40) <= data_codewords(40, level) * 8
}

/// As [`encode`], with the mask forced when `mask` is given.
pub fn encode_with(data: &[u8], mask: Option<usize>) -> Option<Code> {
    encode_at(data, Level::M, mask)
}

/// As [`encode_with`], at error correction level `level`.
pub fn encode_at(data: &[u8], level: Level, mask: Option<usize>) -> Option<Code> {
    let mode = Mode::of(data);
    let version = (1..=40).find(|&v| mode.bits(data.len(), v) <= data_codewords(v, level) * 8)?;
    let codewords = add_ecc(&segment(data, mode, version, level), version, level);
    let layout = Layout::get(version);
    let n = layout.size;

    // The data modules, unmasked (remainder bits stay light).
    let mut data = vec![false; n * n];
    for (i, &at) in layout.path.iter().enumerate() {
        let byte = codewords.get(i / 8).copied().unwrap_or(0);
        data[at as usize] = byte >> (7 - i % 8) & 1 == 1;
    }
    let mask = match mask {
        Some(m) => m,
        None if n <= 56 => layout.best_mask::<u64>(&data, level),
        None if n <= FAST_MAX => layout.best_mask::<u128>(&data, level),
        None => (0..8)
            .min_by_key(|&m| reference_penalty(&layout.modules(&data, m, level), n))
            .expect("eight masks"),
    };
    Some(Code { size: n, dark: layout.modules(&data, mask, level), version, mask, level })
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Mode {
    Numeric,
    Alphanumeric,
    Byte,
}

const ALPHANUMERIC: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";

impl Mode {
    /// The densest mode that can carry all of `data`, one segment.
    fn of(data: &[u8]) -> Mode {
        if data.iter().all(u8::is_ascii_digit) {
            Mode::Numeric
        } else if data.iter().all(|b| ALPHANUMERIC.contains(b)) {
            Mode::Alphanumeric
        } else {
            Mode::Byte
        }
    }

    fn indicator(self) -> u32 {
        match self {
            Mode::Numeric => 0b0001,
            Mode::Alphanumeric => 0b0010,
            Mode::Byte => 0b0100,
        }
    }

    /// Bits of the character count (table 3).
    fn count_bits(self, version: usize) -> usize {
        let band = match version {
            1..=9 => 0,
            10..=26 => 1,
            _ => 2,
        };
        match self {
            Mode::Numeric => [10, 12, 14][band],
            Mode::Alphanumeric => [9, 11, 13][band],
            Mode::Byte => [8, 16, 16][band],
        }
    }

    /// Bits of a segment of `len` characters.
    fn bits(self, len: usize, version: usize) -> usize {
        let payload = match self {
            Mode::Numeric => len / 3 * 10 + [0, 4, 7][len % 3],
            Mode::Alphanumeric => len / 2 * 11 + len % 2 * 6,
            Mode::Byte => len * 8,
        };
        4 + self.count_bits(version) + payload
    }
}

fn data_codewords(v: usize, level: Level) -> usize {
    raw_modules(v) / 8 - ECC_PER_BLOCK[level.row()][v] * BLOCKS[level.row()][v]
}

/// Appends bits, most significant first.
struct Bits {
    bytes: Vec<u8>,
    len: usize,
}

impl Bits {
    fn push(&mut self, value: u32, count: usize) {
        for i in (0..count).rev() {
            if self.len % 8 == 0 {
                self.bytes.push(0);
            }
            if value >> i & 1 == 1 {
                *self.bytes.last_mut().expect("pushed above") |= 0x80 >> (self.len % 8);
            }
            self.len += 1;
        }
    }
}

/// The data codewords: one segment, terminator, padding (clause 7.4).
fn segment(data: &[u8], mode: Mode, version: usize, level: Level) -> Vec<u8> {
    let capacity = data_codewords(version, level) * 8;
    let mut b = Bits { bytes: Vec::with_capacity(capacity / 8), len: 0 };
    b.push(mode.indicator(), 4);
    b.push(data.len() as u32, mode.count_bits(version));
    match mode {
        Mode::Numeric => {
            for chunk in data.chunks(3) {
                let value = chunk.iter().fold(0, |v, d| v * 10 + u32::from(d - b'0'));
                b.push(value, [0, 4, 7, 10][chunk.len()]);
            }
        }
        Mode::Alphanumeric => {
            let code = |c: &u8| ALPHANUMERIC.iter().position(|a| a == c).expect("checked") as u32;
            for pair in data.chunks(2) {
                match pair {
                    [a, c] => b.push(code(a) * 45 + code(c), 11),
                    [a] => b.push(code(a), 6),
                    _ => unreachable!("chunks of two"),
                }
            }
        }
        Mode::Byte => {
            for &byte in data {
                b.push(u32::from(byte), 8);
            }
        }
    }
    b.push(0, (capacity - b.len).min(4));
    b.push(0, (8 - b.len % 8) % 8);
    for pad in [0xEC, 0x11].into_iter().cycle().take(capacity / 8 - b.bytes.len()) {
        b.bytes.push(pad);
    }
    b.bytes
}

/// GF(256) with the QR polynomial x^8 + x^4 + x^3 + x^2 + 1: antilogarithms
/// (doubled, so sums of two logarithms need no reduction) and logarithms.
struct Field {
    exp: [u8; 512],
    log: [u8; 256],
}

fn field() -> &'static Field {
    static FIELD: OnceLock<Field> = OnceLock::new();
    FIELD.get_or_init(|| {
        let mut f = Field { exp: [0; 512], log: [0; 256] };
        let mut x: u16 = 1;
        for i in 0..255 {
            f.exp[i] = x as u8;
            f.exp[i + 255] = x as u8;
            f.log[x as usize] = i as u8;
            x <<= 1;
            if x & 0x100 != 0 {
                x ^= 0x11D;
            }
        }
        f
    })
}

/// The logarithms of the coefficients of the Reed-Solomon generator of
/// `degree`, highest first, without the leading 1.
fn generator(degree: usize) -> Vec<u8> {
    let f = field();
    let mut poly = vec![1u8];
    for i in 0..degree {
        // poly * (x + a^i)
        let root = f.exp[i];
        let mut next = vec![0u8; poly.len() + 1];
        for (j, &c) in poly.iter().enumerate() {
            next[j] ^= c;
            if c != 0 {
                next[j + 1] ^= f.exp[f.log[c as usize] as usize + f.log[root as usize] as usize];
            }
        }
        poly = next;
    }
    poly[1..].iter().map(|&c| f.log[c as usize]).collect()
}

/// Splits the data codewords into blocks, adds each block's error
/// correction and interleaves them (clause 7.5, 7.6).
fn add_ecc(data: &[u8], version: usize, level: Level) -> Vec<u8> {
    let f = field();
    let blocks = BLOCKS[level.row()][version];
    let ecc_len = ECC_PER_BLOCK[level.row()][version];
    let raw = raw_modules(version) / 8;
    let short = blocks - raw % blocks;
    let short_data = raw / blocks - ecc_len;
    let gen = generator(ecc_len);

    let mut parts: Vec<(&[u8], Vec<u8>)> = Vec::with_capacity(blocks);
    let mut rest = data;
    for i in 0..blocks {
        let (block, tail) = rest.split_at(short_data + usize::from(i >= short));
        rest = tail;
        let mut rem = vec![0u8; ecc_len];
        for &byte in block {
            let factor = byte ^ rem[0];
            rem.rotate_left(1);
            rem[ecc_len - 1] = 0;
            if factor != 0 {
                let lf = f.log[factor as usize] as usize;
                for (r, &g) in rem.iter_mut().zip(&gen) {
                    *r ^= f.exp[g as usize + lf];
                }
            }
        }
        parts.push((block, rem));
    }
    let mut out = Vec::with_capacity(raw);
    for i in 0..=short_data {
        out.extend(parts.iter().filter_map(|(d, _)| d.get(i)));
    }
    for i in 0..ecc_len {
        out.extend(parts.iter().map(|(_, e)| e[i]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fast_qr_modules(data: &[u8], mask: usize) -> (usize, Vec<bool>) {
        fast_qr_at(data, fast_qr::ECL::M, mask)
    }

    fn fast_qr_at(data: &[u8], ecl: fast_qr::ECL, mask: usize) -> (usize, Vec<bool>) {
        let masks = [
            fast_qr::Mask::Checkerboard,
            fast_qr::Mask::HorizontalLines,
            fast_qr::Mask::VerticalLines,
            fast_qr::Mask::DiagonalLines,
            fast_qr::Mask::LargeCheckerboard,
            fast_qr::Mask::Fields,
            fast_qr::Mask::Diamonds,
            fast_qr::Mask::Meadow,
        ];
        let code = fast_qr::QRBuilder::new(data).ecl(ecl).mask(masks[mask]).build().unwrap();
        (code.size, code.data[..code.size * code.size].iter().map(|m| m.value()).collect())
    }

    /// Every version and mode, every mask: the same modules as an
    /// independent encoder given the same mask.
    #[test]
    fn matches_an_independent_encoder() {
        let mut inputs: Vec<Vec<u8>> = vec![
            b"L1:NLF2026:NLF-0001:CREW:20260709:20260713:STAGE+BACKSTAGE:0:U".to_vec(),
            b"0123456789012".to_vec(),
            b"L1:nlf:Jos%C3%A9 M%C3%BCller".to_vec(),
            "Zoë Ødegård".as_bytes().to_vec(),
        ];
        // Lengths that land on every version in each mode.
        // (Version 40 holds 5,596 digits, 3,391 alphanumeric or 2,331 bytes.)
        for len in (1..120).step_by(7).chain((120..5600).step_by(97)) {
            inputs.push((0..len).map(|i| b"0123456789"[i % 10]).collect());
            inputs.push((0..len.min(3391)).map(|i| ALPHANUMERIC[i * 7 % 45]).collect());
            inputs.push((0..len.min(2331)).map(|i| (i * 31 % 251) as u8).collect());
        }
        let mut versions = std::collections::BTreeSet::new();
        for data in &inputs {
            for mask in 0..8 {
                let Some(ours) = encode_with(data, Some(mask)) else { continue };
                versions.insert(ours.version);
                let (size, theirs) = fast_qr_modules(data, mask);
                assert_eq!(ours.size, size, "{} bytes", data.len());
                assert!(
                    ours.dark == theirs,
                    "{} bytes, mask {mask}, version {}",
                    data.len(),
                    ours.version
                );
            }
        }
        assert_eq!(versions.len(), 40, "every version was tried: {versions:?}");
    }

    /// The tables of levels L, Q and H: every version, the same modules as
    /// the independent encoder.
    #[test]
    fn every_level_matches_an_independent_encoder() {
        let levels =
            [(Level::L, fast_qr::ECL::L), (Level::Q, fast_qr::ECL::Q), (Level::H, fast_qr::ECL::H)];
        for (ours_level, theirs_level) in levels {
            let mut versions = std::collections::BTreeSet::new();
            for len in (1..2960).step_by(5) {
                let data: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
                let Some(ours) = encode_at(&data, ours_level, Some(len % 8)) else { continue };
                versions.insert(ours.version);
                let (size, theirs) = fast_qr_at(&data, theirs_level, len % 8);
                assert_eq!(ours.size, size, "{ours_level:?}, {len} bytes");
                assert!(ours.dark == theirs, "{ours_level:?}, {len} bytes, v{}", ours.version);
            }
            assert_eq!(versions.len(), 40, "{ours_level:?}: every version was tried");
        }
    }

    #[test]
    fn ticket_codes_get_the_strongest_level_that_keeps_the_symbol_small() {
        // pretix's random secrets: 32 lower-case letters and digits.
        assert_eq!(ticket_level(b"ueb4kq3n7tsmzx2frwd9h8pc6ayg5vj1"), Level::H);
        // Eventbrite's barcodes: 21 digits.
        assert_eq!(ticket_level(b"501234567812345678001"), Level::H);
        // pretix's signed secrets: base64, 100 characters and more.
        let signed = b"E4BibyTSylQOgeKjuMPiTDxi5HXPuTVsx1qCli3IL0143gj0EZXOB9iQInANxRFJTt4Pf9nXnHdB91Qk/RN0L9AIBABBKHlzY8/2Hl2aGB2dd3TgBgmT8H/dJ1Sl62LH3TDkBKYmthX6NeE9M4GBGXkwAQ==";
        assert_eq!(ticket_level(signed), Level::L);
        let code = encode_at(signed, ticket_level(signed), None).unwrap();
        assert!(code.version < encode(signed).unwrap().version);
    }

    #[test]
    fn too_long_for_version_40_is_none() {
        assert!(encode(&vec![b'a'; 2331]).is_some() && fits(&[b'a'; 2331]));
        assert!(encode(&vec![b'a'; 2332]).is_none() && !fits(&[b'a'; 2332]));
    }
}
