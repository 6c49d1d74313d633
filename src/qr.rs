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

use std::sync::OnceLock;

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
    fn row(self) -> usize {
        match self {
            Level::L => 0,
            Level::M => 1,
            Level::Q => 2,
            Level::H => 3,
        }
    }

    /// The two format-information bits (table 12): L 01, M 00, Q 11, H 10.
    fn bits(self) -> u32 {
        match self {
            Level::L => 0b01,
            Level::M => 0b00,
            Level::Q => 0b11,
            Level::H => 0b10,
        }
    }
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

/// Widest symbol scored with bit sets: its rows plus four light modules on
/// each side must fit in 128 bits.
pub const FAST_MAX: usize = 120;

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

/// Modules that carry codewords (and remainder bits) in a version.
fn raw_modules(v: usize) -> usize {
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

/// What every symbol of a version shares: function patterns, the data path
/// and the mask patterns.
struct Layout {
    size: usize,
    /// The dark function modules (finders, timing, alignment, version
    /// information, the dark module; format information is light).
    base: Vec<bool>,
    /// The same as bit sets: rows and columns (empty above [`FAST_MAX`]).
    base_bits: (Vec<u128>, Vec<u128>),
    /// Where the codeword bits go, in order (index y * size + x).
    path: Vec<u16>,
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
    fn get(version: usize) -> &'static Layout {
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
    fn best_mask<W: Word>(&self, data: &[bool], level: Level) -> usize {
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
    fn modules(&self, data: &[bool], mask: usize, level: Level) -> Vec<bool> {
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

/// The mask penalty of a symbol (clause 7.8.3.1) from its rows and columns
/// as bit sets (bit x of row y is the module at column x).
fn fast_penalty<W: Word>(rows: &[W], cols: &[W], n: usize) -> u32 {
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
/// payload), `u128` up to [`FAST_MAX`].
trait Word:
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
