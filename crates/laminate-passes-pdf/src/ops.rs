//! Content-stream operators (ISO 32000-1 8 and 9), written straight into a
//! byte buffer.
//!
//! pdf-writer's `Content` writes every number with `ryu` as the shortest
//! `f32` and every string of glyph ids in hex; a sheet of passes is mostly
//! numbers and glyph ids, so this writer rounds numbers to a fixed 1/10,000
//! (0.035 µm on paper, exact for every value laminate computes to that
//! precision) and writes glyph ids as literal strings of their two bytes:
//! half the bytes of hex for the deflater to work through.

/// A content stream being written.
pub struct Ops {
    buf: Vec<u8>,
}

impl Default for Ops {
    fn default() -> Self {
        Ops::new()
    }
}

impl Ops {
    pub fn new() -> Self {
        // A sheet of eight passes is about 40 KB: room for it without regrowing.
        Ops { buf: Vec::with_capacity(64 * 1024) }
    }

    pub fn finish(self) -> Vec<u8> {
        self.buf
    }

    /// A number rounded to 4 decimals, without trailing zeros.
    fn num(&mut self, v: f64) -> &mut Self {
        // Small whole numbers (QR modules, glyph counts) are most of them.
        if (0.0..100.0).contains(&v) && v == (v as u8) as f64 {
            let i = v as u8;
            if i >= 10 {
                self.buf.push(b'0' + i / 10);
            }
            self.buf.extend_from_slice(&[b'0' + i % 10, b' ']);
            return self;
        }
        // Half away from zero, as f64::round, without its libm call;
        // out-of-range values cannot come from a card layout, and are
        // clamped rather than written as something that is not a number.
        let s = (v * 10_000.0).clamp(-1e15, 1e15);
        let scaled = if s >= 0.0 { (s + 0.5) as i64 } else { (s - 0.5) as i64 };
        if scaled < 0 {
            self.buf.push(b'-');
        }
        let abs = scaled.unsigned_abs();
        let (int, mut frac) = (abs / 10_000, abs % 10_000);
        self.uint(int);
        if frac != 0 {
            let mut digits = 4;
            while frac % 10 == 0 {
                frac /= 10;
                digits -= 1;
            }
            self.buf.push(b'.');
            let start = self.buf.len();
            self.uint(frac);
            // Leading zeros of the fraction.
            let written = self.buf.len() - start;
            for _ in written..digits {
                self.buf.insert(start, b'0');
            }
        }
        self.buf.push(b' ');
        self
    }

    fn uint(&mut self, mut v: u64) {
        let mut tmp = [0u8; 20];
        let mut i = tmp.len();
        loop {
            i -= 1;
            tmp[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        self.buf.extend_from_slice(&tmp[i..]);
    }

    fn nums(&mut self, vs: &[f64]) -> &mut Self {
        for &v in vs {
            self.num(v);
        }
        self
    }

    fn op(&mut self, op: &str) {
        self.buf.extend_from_slice(op.as_bytes());
        self.buf.push(b'\n');
    }

    fn name(&mut self, name: &str) -> &mut Self {
        self.buf.push(b'/');
        self.buf.extend_from_slice(name.as_bytes());
        self.buf.push(b' ');
        self
    }

    /// A literal string of raw bytes: only the delimiters, the escape
    /// character and carriage return (which a reader would turn into a line
    /// feed) are escaped (7.3.4.2).
    fn literal(&mut self, bytes: impl IntoIterator<Item = u8>) -> &mut Self {
        self.buf.push(b'(');
        for b in bytes {
            match b {
                b'(' | b')' | b'\\' => self.buf.extend_from_slice(&[b'\\', b]),
                b'\r' => self.buf.extend_from_slice(b"\\r"),
                _ => self.buf.push(b),
            }
        }
        self.buf.extend_from_slice(b") ");
        self
    }

    pub fn save(&mut self) {
        self.op("q");
    }

    pub fn restore(&mut self) {
        self.op("Q");
    }

    pub fn transform(&mut self, m: [f64; 6]) {
        self.nums(&m).op("cm");
    }

    pub fn translate(&mut self, x: f64, y: f64) {
        self.transform([1.0, 0.0, 0.0, 1.0, x, y]);
    }

    /// `/tag /name BDC`: marked content with named properties (the layer).
    pub fn begin_marked_named(&mut self, tag: &str, properties: &str) {
        self.name(tag).name(properties).op("BDC");
    }

    pub fn end_marked(&mut self) {
        self.op("EMC");
    }

    pub fn rect(&mut self, x: f64, y: f64, w: f64, h: f64) {
        self.nums(&[x, y, w, h]).op("re");
    }

    pub fn move_to(&mut self, x: f64, y: f64) {
        self.nums(&[x, y]).op("m");
    }

    pub fn line_to(&mut self, x: f64, y: f64) {
        self.nums(&[x, y]).op("l");
    }

    pub fn cubic_to(&mut self, p: [f64; 6]) {
        self.nums(&p).op("c");
    }

    pub fn close_path(&mut self) {
        self.op("h");
    }

    pub fn clip(&mut self) {
        self.op("W");
        self.op("n");
    }

    pub fn fill(&mut self) {
        self.op("f");
    }

    pub fn fill_even_odd(&mut self) {
        self.op("f*");
    }

    pub fn stroke(&mut self) {
        self.op("S");
    }

    pub fn line_width(&mut self, w: f64) {
        self.num(w).op("w");
    }

    pub fn fill_cmyk(&mut self, cmyk: [f32; 4]) {
        self.nums(&cmyk.map(f64::from)).op("k");
    }

    pub fn stroke_cmyk(&mut self, cmyk: [f32; 4]) {
        self.nums(&cmyk.map(f64::from)).op("K");
    }

    /// Fill in a named four-component colour space (an ICCBased CMYK).
    pub fn fill_in(&mut self, space: &str, comps: [f32; 4]) {
        self.name(space).op("cs");
        self.nums(&comps.map(f64::from)).op("sc");
    }

    /// Stroke in a named four-component colour space (an ICCBased CMYK).
    pub fn stroke_in(&mut self, space: &str, comps: [f32; 4]) {
        self.name(space).op("CS");
        self.nums(&comps.map(f64::from)).op("SC");
    }

    /// Fill in a one-component colour space (a spot ink) at `tint`.
    pub fn fill_tint(&mut self, space: &str, tint: f32) {
        self.name(space).op("cs");
        self.num(f64::from(tint)).op("sc");
    }

    /// Stroke in a one-component colour space at `tint`.
    pub fn stroke_tint(&mut self, space: &str, tint: f32) {
        self.name(space).op("CS");
        self.num(f64::from(tint)).op("SC");
    }

    /// `/name gs`: a graphics state parameter dictionary (ISO 32000 8.4.5).
    pub fn ext_g_state(&mut self, name: &str) {
        self.name(name).op("gs");
    }

    pub fn x_object(&mut self, name: &str) {
        self.name(name).op("Do");
    }

    pub fn shading(&mut self, name: &str) {
        self.name(name).op("sh");
    }

    pub fn begin_text(&mut self, font: &str, size: f64, x: f64, y: f64) {
        self.op("BT");
        self.name(font).num(size).op("Tf");
        self.nums(&[x, y]).op("Td");
    }

    /// `Td`: the next line starts (x, y) from this line's start.
    pub fn next_line(&mut self, x: f64, y: f64) {
        self.nums(&[x, y]).op("Td");
    }

    /// `Tf` inside a text object: the same glyphs read through another font
    /// dictionary (see `glyphs`).
    pub fn font(&mut self, font: &str, size: f64) {
        self.name(font).num(size).op("Tf");
    }

    /// `BT 3 Tr`: a text object whose glyphs are not painted (ISO 32000
    /// 9.3.6); the caller restores the render mode with `Q`.
    pub fn invisible_text(&mut self) {
        self.op("BT");
        self.num(3.0).op("Tr");
    }

    /// `Tz`: horizontal scaling in percent (ISO 32000 9.3.4).
    pub fn horizontal_scale(&mut self, percent: f64) {
        self.num(percent).op("Tz");
    }

    /// `Tm`: the text matrix (ISO 32000 9.4.2).
    pub fn text_matrix(&mut self, m: [f64; 6]) {
        self.nums(&m).op("Tm");
    }

    pub fn end_text(&mut self) {
        self.op("ET");
    }

    /// `Tj` of two-byte glyph ids.
    pub fn show(&mut self, ids: impl Iterator<Item = u16>) {
        self.literal(ids.flat_map(u16::to_be_bytes)).op("Tj");
    }

    /// `TJ`: glyph ids with pen adjustments in thousandths of an em (a
    /// positive one moves the pen back).
    pub fn show_positioned(&mut self, parts: &[Positioned]) {
        self.buf.push(b'[');
        for p in parts {
            match *p {
                Positioned::Glyph(id) => {
                    self.literal(id.to_be_bytes());
                }
                Positioned::Adjust(v) => {
                    self.num(f64::from(v));
                }
            }
        }
        self.buf.extend_from_slice(b"] ");
        self.op("TJ");
    }
}

/// One item of a `TJ` array.
pub enum Positioned {
    Glyph(u16),
    Adjust(f32),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(f: impl FnOnce(&mut Ops)) -> String {
        let mut o = Ops::new();
        f(&mut o);
        String::from_utf8_lossy(&o.finish()).into_owned()
    }

    #[test]
    fn numbers_round_to_four_decimals() {
        assert_eq!(text(|o| o.rect(0.0, -1.5, 36.566929, 0.00004)), "0 -1.5 36.5669 0 re\n");
        assert_eq!(text(|o| o.line_width(0.05)), "0.05 w\n");
        assert_eq!(text(|o| o.line_width(-0.0071)), "-0.0071 w\n");
        assert_eq!(text(|o| o.line_width(1234567.0)), "1234567 w\n");
        assert_eq!(text(|o| o.line_width(2.99999)), "3 w\n");
        assert_eq!(text(|o| o.rect(7.0, 10.0, 99.0, 100.0)), "7 10 99 100 re\n");
        assert_eq!(text(|o| o.rect(-0.0, 0.5, 99.5, 100.5)), "0 0.5 99.5 100.5 re\n");
    }

    #[test]
    fn glyph_strings_escape_only_what_they_must() {
        let s = text(|o| o.show([0x0028, 0x5C29, 0x000D, 0x0A41].into_iter()));
        assert_eq!(s.as_bytes(), b"(\x00\\(\\\\\\)\x00\\r\nA) Tj\n");
    }
}
