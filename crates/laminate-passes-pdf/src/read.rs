//! Reading PDFs that laminate wrote: turns the bytes of an object into the
//! values merging needs to look at (dictionaries, arrays, references) and
//! finds every reference in them, so an object can be copied into another
//! file with its references renumbered and its stream data untouched.
//!
//! This reads the PDF syntax of ISO 32000 7.3 as far as laminate's own
//! writer uses it (see `super`): objects one after another, a classic
//! cross-reference table, no object streams, no encryption. Anything else
//! is refused, not guessed at.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::ops::Range;

/// A PDF value (ISO 32000 7.3), numbers kept as written.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`, `true`, `false` and other keywords.
    Keyword(Vec<u8>),
    /// A number, as written.
    Num(Vec<u8>),
    /// A name, without its slash (escapes `#xx` left as written).
    Name(Vec<u8>),
    /// A string's bytes.
    Str(Vec<u8>),
    /// An array.
    Array(Vec<Value>),
    /// A dictionary, in the order written.
    Dict(Vec<(Vec<u8>, Value)>),
    /// An indirect reference `N G R` (the object number).
    Ref(u32),
}

impl Value {
    /// The value of `key` in a dictionary.
    pub fn get(&self, key: &[u8]) -> Option<&Value> {
        match self {
            Value::Dict(d) => d.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A string as text: UTF-16BE with its byte-order mark, else one byte a
    /// character (PDFDocEncoding agrees with Latin-1 in ASCII, all laminate
    /// writes that way).
    pub fn text(&self) -> Option<String> {
        let Value::Str(b) = self else { return None };
        if let Some(rest) = b.strip_prefix(&[0xFE, 0xFF]) {
            let units: Vec<u16> =
                rest.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            return String::from_utf16(&units).ok();
        }
        Some(b.iter().map(|&c| c as char).collect())
    }

    /// Writes the value in PDF syntax, each reference through `map`.
    pub fn write(&self, out: &mut Vec<u8>, map: &dyn Fn(u32) -> u32) {
        match self {
            Value::Keyword(k) | Value::Num(k) => out.extend_from_slice(k),
            Value::Name(n) => {
                out.push(b'/');
                out.extend_from_slice(n);
            }
            Value::Str(s) => {
                out.push(b'<');
                for b in s {
                    out.extend_from_slice(format!("{b:02X}").as_bytes());
                }
                out.push(b'>');
            }
            Value::Array(items) => {
                out.push(b'[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b' ');
                    }
                    v.write(out, map);
                }
                out.push(b']');
            }
            Value::Dict(pairs) => {
                out.extend_from_slice(b"<<");
                for (k, v) in pairs {
                    out.push(b'/');
                    out.extend_from_slice(k);
                    out.push(b' ');
                    v.write(out, map);
                }
                out.extend_from_slice(b">>");
            }
            Value::Ref(r) => out.extend_from_slice(format!("{} 0 R", map(*r)).as_bytes()),
        }
    }
}

/// A PDF that is not as laminate writes them.
pub fn malformed(why: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, why.into())
}

fn is_white(b: u8) -> bool {
    matches!(b, b' ' | b'\n' | b'\r' | b'\t' | 0 | 0x0C)
}

fn is_delim(b: u8) -> bool {
    matches!(b, b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%')
}

/// Parses one value from `b` at `*i`, recording where each reference is.
pub struct Parser<'a> {
    b: &'a [u8],
    /// Where the parser stands.
    pub i: usize,
    /// Every reference read: its bytes (`N G R`) and its object number.
    pub refs: Vec<(Range<usize>, u32)>,
}

impl<'a> Parser<'a> {
    /// A parser at the start of `b`.
    pub fn new(b: &'a [u8]) -> Self {
        Parser { b, i: 0, refs: Vec::new() }
    }

    fn skip_white(&mut self) {
        while self.i < self.b.len() {
            if is_white(self.b[self.i]) {
                self.i += 1;
            } else if self.b[self.i] == b'%' {
                while self.i < self.b.len() && !matches!(self.b[self.i], b'\n' | b'\r') {
                    self.i += 1;
                }
            } else {
                break;
            }
        }
    }

    fn regular(&mut self) -> &'a [u8] {
        let start = self.i;
        while self.i < self.b.len() && !is_white(self.b[self.i]) && !is_delim(self.b[self.i]) {
            self.i += 1;
        }
        &self.b[start..self.i]
    }

    fn unsigned_at(&self, at: usize) -> Option<(u32, usize)> {
        let end = at + self.b[at..].iter().take_while(|c| c.is_ascii_digit()).count();
        if end == at {
            return None;
        }
        std::str::from_utf8(&self.b[at..end]).ok()?.parse().ok().map(|n| (n, end))
    }

    /// The next value.
    pub fn value(&mut self) -> io::Result<Value> {
        self.skip_white();
        let Some(&c) = self.b.get(self.i) else {
            return Err(malformed("a value ends early"));
        };
        match c {
            b'/' => {
                self.i += 1;
                Ok(Value::Name(self.regular().to_vec()))
            }
            b'(' => self.literal(),
            b'<' if self.b.get(self.i + 1) == Some(&b'<') => {
                self.i += 2;
                let mut pairs = Vec::new();
                loop {
                    self.skip_white();
                    if self.b[self.i..].starts_with(b">>") {
                        self.i += 2;
                        return Ok(Value::Dict(pairs));
                    }
                    let Value::Name(key) = self.value()? else {
                        return Err(malformed("a dictionary key is not a name"));
                    };
                    let v = self.value()?;
                    pairs.push((key, v));
                }
            }
            b'<' => {
                self.i += 1;
                let end = self.b[self.i..]
                    .iter()
                    .position(|&c| c == b'>')
                    .ok_or_else(|| malformed("a hex string has no end"))?;
                let digits: Vec<u8> = self.b[self.i..self.i + end]
                    .iter()
                    .copied()
                    .filter(|c| !is_white(*c))
                    .collect();
                self.i += end + 1;
                let nibble = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
                let mut out = Vec::with_capacity(digits.len() / 2 + 1);
                for pair in digits.chunks(2) {
                    let hi = nibble(pair[0]).ok_or_else(|| malformed("a bad hex string"))?;
                    let lo = match pair.get(1) {
                        Some(&c) => nibble(c).ok_or_else(|| malformed("a bad hex string"))?,
                        None => 0,
                    };
                    out.push(hi << 4 | lo);
                }
                Ok(Value::Str(out))
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_white();
                    if self.b.get(self.i) == Some(&b']') {
                        self.i += 1;
                        return Ok(Value::Array(items));
                    }
                    items.push(self.value()?);
                }
            }
            b'0'..=b'9' => {
                // `N G R` is a reference; otherwise a number.
                let start = self.i;
                if let Some((n, end)) = self.unsigned_at(start) {
                    let mut j = end;
                    let white = |j: usize| j < self.b.len() && is_white(self.b[j]);
                    if white(j) {
                        while white(j) {
                            j += 1;
                        }
                        if let Some((_, gen_end)) = self.unsigned_at(j) {
                            let mut k = gen_end;
                            if white(k) {
                                while white(k) {
                                    k += 1;
                                }
                                let after = self.b.get(k + 1).copied();
                                if self.b.get(k) == Some(&b'R')
                                    && after.is_none_or(|a| is_white(a) || is_delim(a))
                                {
                                    self.i = k + 1;
                                    self.refs.push((start..self.i, n));
                                    return Ok(Value::Ref(n));
                                }
                            }
                        }
                    }
                }
                Ok(Value::Num(self.regular().to_vec()))
            }
            b'+' | b'-' | b'.' => Ok(Value::Num(self.regular().to_vec())),
            _ => {
                let word = self.regular();
                if word.is_empty() {
                    return Err(malformed(format!("unexpected {:?}", c as char)));
                }
                Ok(Value::Keyword(word.to_vec()))
            }
        }
    }

    fn literal(&mut self) -> io::Result<Value> {
        self.i += 1;
        let mut out = Vec::new();
        let mut depth = 0;
        while let Some(&c) = self.b.get(self.i) {
            self.i += 1;
            match c {
                b'\\' => {
                    let Some(&e) = self.b.get(self.i) else { break };
                    self.i += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.b.get(self.i) {
                                    Some(&d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.i += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push(v as u8);
                        }
                        b'\n' => {}
                        b'\r' => {
                            if self.b.get(self.i) == Some(&b'\n') {
                                self.i += 1;
                            }
                        }
                        other => out.push(other),
                    }
                }
                b'(' => {
                    depth += 1;
                    out.push(c);
                }
                b')' if depth == 0 => return Ok(Value::Str(out)),
                b')' => {
                    depth -= 1;
                    out.push(c);
                }
                _ => out.push(c),
            }
        }
        Err(malformed("a string has no end"))
    }
}

/// One indirect object as read from the file.
pub struct Object {
    /// The object's number.
    pub num: u32,
    /// Its bytes from the value to the end of its stream data (without
    /// `N G obj` and `endobj`).
    pub body: Vec<u8>,
    /// Its value (for a stream, the stream's dictionary).
    pub value: Value,
    /// Where each reference is in `body`, with its object number.
    pub refs: Vec<(Range<usize>, u32)>,
}

/// A laminate PDF's cross-reference table and trailer: where each object
/// starts and ends.
pub struct Layout {
    /// Each object in use: number, first byte and end, in file order.
    pub objects: Vec<(u32, u64, u64)>,
    /// By object number: its index in `objects`.
    pub index: Vec<Option<usize>>,
    /// The trailer dictionary.
    pub trailer: Value,
}

/// Reads the cross-reference table (ISO 32000 7.5.4) and trailer of `file`.
pub fn layout(file: &mut File) -> io::Result<Layout> {
    let len = file.seek(SeekFrom::End(0))?;
    let tail_len = len.min(4096);
    file.seek(SeekFrom::Start(len - tail_len))?;
    let mut tail = vec![0; tail_len as usize];
    file.read_exact(&mut tail)?;
    let at = find_last(&tail, b"startxref").ok_or_else(|| {
        malformed("no startxref: the file is cut short, or not a PDF laminate wrote")
    })?;
    let mut p = Parser::new(&tail[at + 9..]);
    let Value::Num(n) = p.value()? else { return Err(malformed("startxref is not a number")) };
    let xref_at: u64 = std::str::from_utf8(&n)
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|&x| x < len)
        .ok_or_else(|| malformed("startxref is not an offset in the file"))?;
    file.seek(SeekFrom::Start(xref_at))?;
    let mut rest = Vec::new();
    file.read_to_end(&mut rest)?;
    if !rest.starts_with(b"xref") {
        return Err(malformed("no cross-reference table (laminate writes a classic one)"));
    }
    let mut p = Parser::new(&rest[4..]);
    let mut starts: Vec<(u32, u64)> = Vec::new();
    let mut size = 0usize;
    let trailer = loop {
        match p.value()? {
            Value::Num(first) => {
                let first: usize = parse_num(&first)?;
                let Value::Num(count) = p.value()? else {
                    return Err(malformed("a bad cross-reference subsection"));
                };
                let count: usize = parse_num(&count)?;
                p.skip_white();
                for k in 0..count {
                    let line = rest
                        .get(4 + p.i..4 + p.i + 20)
                        .ok_or_else(|| malformed("the cross-reference table ends early"))?;
                    p.i += 20;
                    if line[17] == b'n' {
                        let off: u64 = parse_num(&line[..10])?;
                        starts.push(((first + k) as u32, off));
                    }
                }
                size = size.max(first + count);
            }
            Value::Keyword(k) if k == b"trailer" => break p.value()?,
            _ => return Err(malformed("a bad cross-reference table")),
        }
    };
    starts.sort_by_key(|&(_, off)| off);
    let mut objects = Vec::with_capacity(starts.len());
    for (i, &(num, off)) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(xref_at, |s| s.1);
        objects.push((num, off, end));
    }
    let mut index = vec![None; size];
    for (i, &(num, _, _)) in objects.iter().enumerate() {
        *index.get_mut(num as usize).ok_or_else(|| malformed("an object beyond /Size"))? = Some(i);
    }
    Ok(Layout { objects, index, trailer })
}

fn parse_num<T: std::str::FromStr>(b: &[u8]) -> io::Result<T> {
    std::str::from_utf8(b)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .ok_or_else(|| malformed("a bad number"))
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// Reads the object that spans `start..end` of `file`.
pub fn object(file: &mut File, start: u64, end: u64) -> io::Result<Object> {
    file.seek(SeekFrom::Start(start))?;
    let mut bytes = vec![0; (end - start) as usize];
    file.read_exact(&mut bytes)?;
    let mut p = Parser::new(&bytes);
    let (Value::Num(num), Value::Num(_), Value::Keyword(obj)) =
        (p.value()?, p.value()?, p.value()?)
    else {
        return Err(malformed(format!("no object at byte {start}")));
    };
    if obj != b"obj" {
        return Err(malformed(format!("no object at byte {start}")));
    }
    let num: u32 = parse_num(&num)?;
    p.skip_white();
    let body_start = p.i;
    let value = p.value()?;
    let end_obj = find_last(&bytes, b"endobj")
        .filter(|&e| e >= p.i)
        .ok_or_else(|| malformed(format!("object {num} has no endobj")))?;
    let refs = p.refs.iter().map(|(r, n)| (r.start - body_start..r.end - body_start, *n)).collect();
    let mut body = bytes;
    body.truncate(end_obj);
    while body.last().is_some_and(|&b| is_white(b)) {
        body.pop();
    }
    body.drain(..body_start);
    Ok(Object { num, body, value, refs })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_found_and_strings_are_not_read_as_references() {
        let src = b"<</A 12 0 R/T(1 0 R \\) (x))/K[3 0 R 4 0 R]/N 5/H<4142>>>";
        let mut p = Parser::new(src);
        let v = p.value().unwrap();
        let found: Vec<u32> = p.refs.iter().map(|(_, n)| *n).collect();
        assert_eq!(found, [12, 3, 4]);
        assert_eq!(&src[p.refs[0].0.clone()], b"12 0 R");
        assert_eq!(v.get(b"T").and_then(Value::text).unwrap(), "1 0 R ) (x)");
        assert_eq!(v.get(b"H"), Some(&Value::Str(b"AB".to_vec())));
        assert_eq!(v.get(b"N"), Some(&Value::Num(b"5".to_vec())));
        let mut out = Vec::new();
        v.write(&mut out, &|n| n + 100);
        let mut again = Parser::new(&out);
        let w = again.value().unwrap();
        assert_eq!(again.refs.iter().map(|(_, n)| *n).collect::<Vec<_>>(), [112, 103, 104]);
        assert_eq!(w.get(b"T"), v.get(b"T"));
    }
}
