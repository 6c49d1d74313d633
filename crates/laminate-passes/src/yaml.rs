//! Spanned YAML: turns YAML text into nodes that remember their line and column,
//! one node at a time so that a long roster never sits in memory as a tree.

use std::collections::HashMap;
use std::str::Chars;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use crate::diag::{Diagnostic, FileId, Span};

/// How deep lists and mappings may nest. Rosters and templates need four or
/// five levels; the limit stops hostile input from exhausting the stack or memory.
pub const MAX_DEPTH: usize = 32;

/// How many nodes alias expansion may create in one file, so that a
/// "billion laughs" file fails fast instead of eating memory.
pub const MAX_ALIAS_NODES: usize = 10_000;

/// A YAML value with the place it was written.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Where the node starts.
    pub span: Span,
    /// What it holds.
    pub value: Value,
}

/// The shape of a node.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// An empty value, `~` or `null`.
    Null,
    /// A scalar, as text (YAML's numbers and booleans stay text until the
    /// reader of a key decides what it wants).
    Scalar(String),
    /// A list.
    Seq(Vec<Node>),
    /// A mapping, in the order written.
    Map(Vec<(Node, Node)>),
}

impl Node {
    /// The text of a scalar node.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar(s) => Some(s),
            _ => None,
        }
    }

    /// True for `~`, `null` and empty values.
    pub fn is_null(&self) -> bool {
        self.value == Value::Null
    }

    /// The pairs of a mapping node. Anything else is an error, "`what` must
    /// be a mapping, not ..." (with `hint`, if given), and `None`.
    pub fn expect_map(
        &self,
        what: &str,
        hint: Option<&str>,
        out: &mut Vec<Diagnostic>,
    ) -> Option<&[(Node, Node)]> {
        if let Value::Map(pairs) = &self.value {
            return Some(pairs);
        }
        let mut d =
            Diagnostic::error(self.span, format!("{what} must be a mapping, not {}", self.kind()));
        if let Some(hint) = hint {
            d = d.hint(hint);
        }
        out.push(d);
        None
    }

    /// What the node is, for messages: "a list", "a mapping"...
    pub fn kind(&self) -> &'static str {
        match self.value {
            Value::Null => "an empty value",
            Value::Scalar(_) => "a single value",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    fn count(&self) -> usize {
        match &self.value {
            Value::Null | Value::Scalar(_) => 1,
            Value::Seq(items) => 1 + items.iter().map(Node::count).sum::<usize>(),
            Value::Map(pairs) => {
                1 + pairs.iter().map(|(k, v)| k.count() + v.count()).sum::<usize>()
            }
        }
    }
}

/// A pull reader over YAML events that builds nodes on request.
pub struct Reader<'a> {
    parser: Parser<Chars<'a>>,
    file: FileId,
    text: &'a str,
    anchors: HashMap<usize, Node>,
    alias_nodes: usize,
    peeked: Option<(Event, Span)>,
}

/// Errors of the YAML layer are diagnostics already: they have a place.
pub type YamlResult<T> = Result<T, Diagnostic>;

impl<'a> Reader<'a> {
    /// A reader over `text`, which was registered as `file`.
    pub fn new(text: &'a str, file: FileId) -> Self {
        Reader {
            parser: Parser::new_from_str(text),
            file,
            text,
            anchors: HashMap::new(),
            alias_nodes: 0,
            peeked: None,
        }
    }

    fn span(&self, m: &Marker, len: usize) -> Span {
        Span { file: self.file, line: m.line() as u32, col: m.col() as u32, len: len.max(1) as u32 }
    }

    fn next(&mut self) -> YamlResult<(Event, Span)> {
        if let Some(p) = self.peeked.take() {
            return Ok(p);
        }
        match self.parser.next_token() {
            Ok((event, marker)) => {
                let len = match &event {
                    Event::Scalar(s, style, ..) => {
                        let quotes = matches!(
                            style,
                            TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted
                        );
                        let first_line = s.lines().next().unwrap_or("");
                        first_line.chars().count() + if quotes { 2 } else { 0 }
                    }
                    _ => 1,
                };
                Ok((event, self.span(&marker, len)))
            }
            Err(e) => {
                let m = e.marker();
                let mut span = self.span(m, 1);
                if e.info().contains("tab") {
                    // The scanner reports where the value began; point at
                    // the first line from there that is indented with a tab.
                    if let Some(line) = self
                        .text
                        .lines()
                        .enumerate()
                        .skip(m.line().saturating_sub(1))
                        .find(|(_, l)| {
                            l.chars().take_while(|c| c.is_whitespace()).any(|c| c == '\t')
                        })
                        .map(|(i, _)| i as u32 + 1)
                    {
                        span = Span { line, col: 0, len: 1, ..span };
                    }
                }
                let mut d = Diagnostic::error(span, format!("YAML syntax: {}", e.info()));
                if e.info().contains("tab") {
                    d = d.hint("YAML indents with spaces only; replace the tabs at the start of this line with spaces");
                } else if e.info().contains("recursion limit") {
                    d = d.hint("brackets nest too deep here; a roster needs at most four levels");
                }
                Err(d)
            }
        }
    }

    fn peek(&mut self) -> YamlResult<&(Event, Span)> {
        if self.peeked.is_none() {
            let p = self.next()?;
            self.peeked = Some(p);
        }
        Ok(self.peeked.as_ref().expect("just filled"))
    }

    /// Moves past the stream and document start. Returns false for an empty
    /// stream (a file with nothing but comments or whitespace).
    pub fn start_document(&mut self) -> YamlResult<bool> {
        loop {
            match self.peek()?.0 {
                Event::StreamStart | Event::DocumentStart => {
                    self.next()?;
                }
                Event::StreamEnd => return Ok(false),
                _ => return Ok(true),
            }
        }
    }

    /// Reads the whole document as one node (for small files: templates).
    pub fn read_document(&mut self) -> YamlResult<Option<Node>> {
        if !self.start_document()? {
            return Ok(None);
        }
        self.read_node().map(Some)
    }

    /// If the next node starts a mapping, consumes its start and returns its span.
    pub fn enter_map(&mut self) -> YamlResult<Option<Span>> {
        if matches!(self.peek()?.0, Event::MappingStart(..)) {
            let (_, span) = self.next()?;
            return Ok(Some(span));
        }
        Ok(None)
    }

    /// If the next node starts a list, consumes its start and returns its span.
    pub fn enter_seq(&mut self) -> YamlResult<Option<Span>> {
        if matches!(self.peek()?.0, Event::SequenceStart(..)) {
            let (_, span) = self.next()?;
            return Ok(Some(span));
        }
        Ok(None)
    }

    /// Inside a mapping or list: true (and consumed) when it ends here.
    pub fn at_end(&mut self) -> YamlResult<bool> {
        if matches!(self.peek()?.0, Event::MappingEnd | Event::SequenceEnd) {
            self.next()?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Reads one complete node: a scalar, or a list or mapping with all it holds.
    /// Iterative, with a depth limit, so deep nesting cannot overflow the stack.
    pub fn read_node(&mut self) -> YamlResult<Node> {
        enum Open {
            Seq(Span, usize, Vec<Node>),
            Map(Span, usize, Vec<(Node, Node)>, Option<Node>),
        }
        let mut stack: Vec<Open> = Vec::new();
        loop {
            let (event, span) = self.next()?;
            let done = match event {
                Event::Scalar(text, style, anchor, _) => {
                    let plain = style == TScalarStyle::Plain;
                    let value =
                        if plain && matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL") {
                            Value::Null
                        } else {
                            Value::Scalar(text)
                        };
                    let node = Node { span, value };
                    self.remember(anchor, &node);
                    Some(node)
                }
                Event::Alias(id) => Some(self.expand_alias(id, span)?),
                Event::SequenceStart(anchor, _) => {
                    stack.push(Open::Seq(span, anchor, Vec::new()));
                    None
                }
                Event::MappingStart(anchor, _) => {
                    stack.push(Open::Map(span, anchor, Vec::new(), None));
                    None
                }
                Event::SequenceEnd => match stack.pop() {
                    Some(Open::Seq(span, anchor, items)) => {
                        let node = Node { span, value: Value::Seq(items) };
                        self.remember(anchor, &node);
                        Some(node)
                    }
                    _ => {
                        return Err(Diagnostic::error(span, "YAML syntax: unexpected end of list"))
                    }
                },
                Event::MappingEnd => match stack.pop() {
                    Some(Open::Map(span, anchor, pairs, _)) => {
                        // A block mapping inside a list reports its start after
                        // the first key; point at the first key instead.
                        let span = pairs
                            .first()
                            .map(|(k, _)| k.span)
                            .filter(|k| (k.line, k.col) < (span.line, span.col))
                            .map_or(span, |k| Span { len: 1, ..k });
                        let node = Node { span, value: Value::Map(pairs) };
                        self.remember(anchor, &node);
                        Some(node)
                    }
                    _ => {
                        return Err(Diagnostic::error(
                            span,
                            "YAML syntax: unexpected end of mapping",
                        ))
                    }
                },
                Event::StreamEnd
                | Event::DocumentEnd
                | Event::DocumentStart
                | Event::StreamStart
                | Event::Nothing => {
                    return Err(Diagnostic::error(span, "YAML syntax: the document ends too early"))
                }
            };
            if stack.len() > MAX_DEPTH {
                return Err(Diagnostic::error(
                    span,
                    format!("lists and mappings nest deeper than {MAX_DEPTH} levels here"),
                )
                .hint("a roster needs at most four levels; check the indentation"));
            }
            if let Some(node) = done {
                match stack.last_mut() {
                    None => return Ok(node),
                    Some(Open::Seq(_, _, items)) => items.push(node),
                    Some(Open::Map(_, _, pairs, pending)) => match pending.take() {
                        Some(key) => pairs.push((key, node)),
                        None => *pending = Some(node),
                    },
                }
            }
        }
    }

    fn remember(&mut self, anchor: usize, node: &Node) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
    }

    fn expand_alias(&mut self, id: usize, span: Span) -> YamlResult<Node> {
        let Some(node) = self.anchors.get(&id) else {
            return Err(Diagnostic::error(span, "YAML alias refers to an unknown anchor"));
        };
        self.alias_nodes += node.count();
        if self.alias_nodes > MAX_ALIAS_NODES {
            return Err(Diagnostic::error(
                span,
                format!("YAML aliases here expand to more than {MAX_ALIAS_NODES} values"),
            )
            .hint(
                "this looks like an alias bomb; write the values out instead of nesting aliases",
            ));
        }
        Ok(Node { span, ..node.clone() })
    }
}

/// The keys of a mapping node, checked against the keys a reader knows.
/// Unknown keys, duplicate keys and non-text keys become diagnostics (with
/// the nearest known key as a hint); the known pairs are returned in order.
pub fn known_keys<'n>(
    pairs: &'n [(Node, Node)],
    known: &[&str],
    what: &str,
    entry: Option<&str>,
    out: &mut Vec<Diagnostic>,
) -> Vec<(&'n str, &'n Node, &'n Node)> {
    let mut seen: Vec<&str> = Vec::new();
    let mut result = Vec::new();
    for (k, v) in pairs {
        let with_entry = |d: Diagnostic| match entry {
            Some(id) => d.entry(id),
            None => d,
        };
        let Some(key) = k.as_str() else {
            out.push(with_entry(Diagnostic::error(
                k.span,
                format!("a key of {what} must be text"),
            )));
            continue;
        };
        if seen.contains(&key) {
            out.push(with_entry(Diagnostic::error(
                k.span,
                format!("key \"{key}\" appears twice in {what}"),
            )));
            continue;
        }
        seen.push(key);
        if known.contains(&key) {
            result.push((key, k, v));
        } else {
            let mut d = Diagnostic::error(k.span, format!("unknown key \"{key}\" in {what}"));
            d = match nearest(key, known) {
                Some(near) => d.hint(format!("did you mean \"{near}\"?")),
                None => d.hint(format!("known keys: {}", known.join(", "))),
            };
            out.push(with_entry(d));
        }
    }
    result
}

/// The known word closest to `word`, if it is close enough to be a typo.
pub fn nearest<'k>(word: &str, known: &[&'k str]) -> Option<&'k str> {
    let lower = word.to_lowercase();
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(&lower, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// The value of `key` in a map node (`None` for other nodes and absent keys).
pub fn map_get<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    match &node.value {
        Value::Map(pairs) => pairs.iter().find(|(k, _)| k.as_str() == Some(key)).map(|(_, v)| v),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> YamlResult<Option<Node>> {
        Reader::new(text, FileId(0)).read_document()
    }

    #[test]
    fn spans_are_lines_and_columns() {
        let node = read("a: 1\nlist:\n  - id: x\n    name: \"Zoë\"\n").unwrap().unwrap();
        let Value::Map(pairs) = &node.value else { panic!("not a map") };
        let (_, list) = &pairs[1];
        let Value::Seq(items) = &list.value else { panic!("not a list") };
        // The entry points at its first key, line 3, column 4 (0-based).
        assert_eq!((items[0].span.line, items[0].span.col), (3, 4));
        let Value::Map(entry) = &items[0].value else { panic!("not a map") };
        assert_eq!(entry[1].1.as_str(), Some("Zoë"));
        assert_eq!((entry[1].1.span.line, entry[1].1.span.len), (4, 5));
    }

    #[test]
    fn empty_and_null() {
        assert_eq!(read("# only a comment\n").unwrap(), None);
        let node = read("a: ~\nb:\nc: 'null'\n").unwrap().unwrap();
        let Value::Map(pairs) = node.value else { panic!() };
        assert!(pairs[0].1.is_null() && pairs[1].1.is_null());
        assert_eq!(pairs[2].1.as_str(), Some("null"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep: String = (0..2000).map(|i| format!("{}- \n", " ".repeat(i))).collect();
        let err = read(&deep).unwrap_err();
        assert!(err.message.contains("deeper than"), "{}", err.message);
        let flow = "[".repeat(20_000);
        assert!(read(&flow).is_err());
    }

    #[test]
    fn alias_bomb_is_stopped() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let p = i - 1;
            text.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let err = read(&text).unwrap_err();
        assert!(err.message.contains("aliases"), "{}", err.message);
    }

    #[test]
    fn tabs_get_a_hint() {
        let err = read("a:\n\tb: 1\n").unwrap_err();
        assert_eq!(err.span.unwrap().line, 2);
        assert!(err.hints[0].contains("spaces"));
    }

    #[test]
    fn unknown_keys_suggest_the_nearest() {
        let node = read("nmae: x\nid: y\nid: z\nzzzzzz: 1\n").unwrap().unwrap();
        let Value::Map(pairs) = node.value else { panic!() };
        let mut out = vec![];
        let ok = known_keys(&pairs, &["id", "name"], "a pass", Some("y"), &mut out);
        assert_eq!(ok.len(), 1);
        assert_eq!(out.len(), 3);
        assert_eq!(out[0].hints, ["did you mean \"name\"?"]);
        assert!(out[1].message.contains("appears twice"));
        assert_eq!(out[2].hints, ["known keys: id, name"]);
    }
}
