//! JSON with places: turns JSON text into values that remember the line and
//! column they were written at, so that a layout's errors can point at them.
//!
//! RFC 8259 JSON, whole: objects keep their keys in the order written (a
//! key written twice is an error), numbers keep the text they were written
//! as, and strings are unescaped (`\uXXXX` surrogate pairs included).

use crate::diag::{FileId, Span};

/// A JSON value and where it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Json {
    /// Where the value starts (its length: one character, or the whole token).
    pub span: Span,
    /// The value.
    pub value: JsonValue,
}

/// A JSON value.
#[derive(Clone, Debug, PartialEq)]
pub enum JsonValue {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number and the text it was written as.
    Number(f64, String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object: each key, where it was written, and its value.
    Object(Vec<(String, Span, Json)>),
}

impl Json {
    /// The value of `key` in an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match &self.value {
            JsonValue::Object(pairs) => pairs.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| v),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            JsonValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// The name of the value's type as JSON Schema says it (`integer` is a `number`).
    pub fn kind(&self) -> &'static str {
        match self.value {
            JsonValue::Null => "null",
            JsonValue::Bool(_) => "boolean",
            JsonValue::Number(..) => "number",
            JsonValue::String(_) => "string",
            JsonValue::Array(_) => "array",
            JsonValue::Object(_) => "object",
        }
    }

    /// The value written briefly, for messages: `"abc"`, `12`, `true`, `an object`.
    pub fn brief(&self) -> String {
        match &self.value {
            JsonValue::Null => "null".into(),
            JsonValue::Bool(b) => b.to_string(),
            JsonValue::Number(_, text) => text.clone(),
            JsonValue::String(s) if s.chars().count() <= 40 => format!("{s:?}"),
            JsonValue::String(s) => format!("{:?}...", s.chars().take(37).collect::<String>()),
            JsonValue::Array(_) => "an array".into(),
            JsonValue::Object(_) => "an object".into(),
        }
    }
}

/// A syntax error: what was expected, and where.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntaxError {
    /// Where the parser stopped.
    pub span: Span,
    /// What is wrong.
    pub message: String,
}

/// Nesting deeper than this is refused (a layout is two levels deep).
const MAX_DEPTH: usize = 64;

/// Parses one JSON document (whitespace around it allowed, nothing else).
pub fn parse(text: &str, file: FileId) -> Result<Json, SyntaxError> {
    let mut p = Parser { chars: text.chars().collect(), pos: 0, line: 1, col: 0, file };
    p.skip_ws();
    let v = p.value(0)?;
    p.skip_ws();
    if p.pos < p.chars.len() {
        return Err(p.error("text after the end of the JSON value"));
    }
    Ok(v)
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    line: u32,
    col: u32,
    file: FileId,
}

impl Parser {
    fn span(&self, len: u32) -> Span {
        Span { file: self.file, line: self.line, col: self.col, len: len.max(1) }
    }

    fn error(&self, message: impl Into<String>) -> SyntaxError {
        SyntaxError { span: self.span(1), message: message.into() }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += 1;
        if c == '\n' {
            self.line += 1;
            self.col = 0;
        } else {
            self.col += 1;
        }
        Some(c)
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(' ' | '\t' | '\n' | '\r')) {
            self.bump();
        }
    }

    fn expect(&mut self, c: char, what: &str) -> Result<(), SyntaxError> {
        if self.peek() == Some(c) {
            self.bump();
            Ok(())
        } else {
            Err(self.error(format!("expected {what}")))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Json, SyntaxError> {
        if depth > MAX_DEPTH {
            return Err(self.error(format!("nested more than {MAX_DEPTH} levels deep")));
        }
        let start = self.span(1);
        let value = match self.peek() {
            Some('{') => self.object(depth)?,
            Some('[') => self.array(depth)?,
            Some('"') => JsonValue::String(self.string()?),
            Some('t') => self.word("true", JsonValue::Bool(true))?,
            Some('f') => self.word("false", JsonValue::Bool(false))?,
            Some('n') => self.word("null", JsonValue::Null)?,
            Some(c) if c == '-' || c.is_ascii_digit() => self.number()?,
            Some(c) => return Err(self.error(format!("unexpected {c:?}: expected a JSON value"))),
            None => return Err(self.error("the text ends where a JSON value was expected")),
        };
        let len = if start.line == self.line { self.col - start.col } else { 1 };
        Ok(Json { span: Span { len: len.max(1), ..start }, value })
    }

    fn word(&mut self, word: &str, value: JsonValue) -> Result<JsonValue, SyntaxError> {
        for expected in word.chars() {
            if self.peek() != Some(expected) {
                return Err(self.error(format!("expected `{word}`")));
            }
            self.bump();
        }
        Ok(value)
    }

    fn number(&mut self) -> Result<JsonValue, SyntaxError> {
        let from = self.pos;
        if self.peek() == Some('-') {
            self.bump();
        }
        match self.peek() {
            Some('0') => {
                self.bump();
            }
            Some(c) if c.is_ascii_digit() => {
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.bump();
                }
            }
            _ => return Err(self.error("expected a digit")),
        }
        if self.peek() == Some('.') {
            self.bump();
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return Err(self.error("expected a digit after the decimal point"));
            }
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.bump();
            }
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            self.bump();
            if matches!(self.peek(), Some('+' | '-')) {
                self.bump();
            }
            if !self.peek().is_some_and(|c| c.is_ascii_digit()) {
                return Err(self.error("expected a digit in the exponent"));
            }
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.bump();
            }
        }
        let text: String = self.chars[from..self.pos].iter().collect();
        match text.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(JsonValue::Number(v, text)),
            _ => Err(self.error(format!("the number {text} is out of range"))),
        }
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        self.expect('"', "a string")?;
        let mut s = String::new();
        loop {
            match self.bump() {
                Some('"') => return Ok(s),
                Some('\\') => match self.bump() {
                    Some('"') => s.push('"'),
                    Some('\\') => s.push('\\'),
                    Some('/') => s.push('/'),
                    Some('b') => s.push('\u{8}'),
                    Some('f') => s.push('\u{c}'),
                    Some('n') => s.push('\n'),
                    Some('r') => s.push('\r'),
                    Some('t') => s.push('\t'),
                    Some('u') => {
                        let hi = self.hex4()?;
                        let c = if (0xD800..0xDC00).contains(&hi) {
                            if self.bump() != Some('\\') || self.bump() != Some('u') {
                                return Err(self.error("a lone surrogate in a \\u escape"));
                            }
                            let lo = self.hex4()?;
                            if !(0xDC00..0xE000).contains(&lo) {
                                return Err(self.error("a lone surrogate in a \\u escape"));
                            }
                            char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                        } else {
                            char::from_u32(hi)
                        };
                        s.push(c.ok_or_else(|| self.error("a lone surrogate in a \\u escape"))?);
                    }
                    _ => return Err(self.error("an unknown escape in a string")),
                },
                Some(c) if (c as u32) < 0x20 => {
                    return Err(
                        self.error("a control character in a string (write \\n for a new line)")
                    )
                }
                Some(c) => s.push(c),
                None => return Err(self.error("a string is not closed")),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, SyntaxError> {
        let mut v = 0;
        for _ in 0..4 {
            let d = self.bump().and_then(|c| c.to_digit(16));
            v = v * 16 + d.ok_or_else(|| self.error("expected 4 hex digits after \\u"))?;
        }
        Ok(v)
    }

    fn array(&mut self, depth: usize) -> Result<JsonValue, SyntaxError> {
        self.expect('[', "`[`")?;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(']') {
            self.bump();
            return Ok(JsonValue::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.bump() {
                Some(',') => continue,
                Some(']') => return Ok(JsonValue::Array(items)),
                _ => return Err(self.error("expected `,` or `]` in an array")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<JsonValue, SyntaxError> {
        self.expect('{', "`{`")?;
        let mut pairs: Vec<(String, Span, Json)> = Vec::new();
        self.skip_ws();
        if self.peek() == Some('}') {
            self.bump();
            return Ok(JsonValue::Object(pairs));
        }
        loop {
            self.skip_ws();
            let at = self.span(1);
            let key = self.string()?;
            let key_span = Span { len: (self.col.saturating_sub(at.col)).max(1), ..at };
            if pairs.iter().any(|(k, _, _)| *k == key) {
                return Err(SyntaxError {
                    span: key_span,
                    message: format!("the key {key:?} is written twice in one object"),
                });
            }
            self.skip_ws();
            self.expect(':', "`:` after a key")?;
            self.skip_ws();
            let v = self.value(depth + 1)?;
            pairs.push((key, key_span, v));
            self.skip_ws();
            match self.bump() {
                Some(',') => continue,
                Some('}') => return Ok(JsonValue::Object(pairs)),
                _ => return Err(self.error("expected `,` or `}` in an object")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Json, SyntaxError> {
        parse(s, FileId(0))
    }

    #[test]
    fn values_keep_their_places() {
        let v = p("[\n  {\"left\": \"13.09\", \"bold\": true,\n   \"size\": -1.5e2}\n]").unwrap();
        let JsonValue::Array(items) = &v.value else { panic!("an array") };
        let el = &items[0];
        assert_eq!(el.span.line, 2);
        let left = el.get("left").unwrap();
        assert_eq!((left.span.line, left.span.col, left.as_str()), (2, 11, Some("13.09")));
        let size = el.get("size").unwrap();
        assert_eq!(size.value, JsonValue::Number(-150.0, "-1.5e2".into()));
        assert_eq!((size.span.line, size.span.col, size.span.len), (3, 11, 6));
    }

    #[test]
    fn strings_unescape_surrogate_pairs() {
        assert_eq!(p(r#""a\n\u00e9\ud83d\ude00""#).unwrap().as_str(), Some("a\né😀"));
    }

    #[test]
    fn errors_say_where() {
        let e = p("[1,\n 2,,]").unwrap_err();
        assert_eq!((e.span.line, e.span.col), (2, 3));
        assert!(p("{\"a\": 1, \"a\": 2}").unwrap_err().message.contains("twice"));
        assert!(p("[1] x").is_err());
        assert!(p("01").is_err());
        assert!(p("\"\\ud800\"").is_err());
        assert!(p(&"[".repeat(100)).unwrap_err().message.contains("nested"));
    }
}
