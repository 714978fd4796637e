//! What every bulk import shares (`save feedback|qa --from`, `metric
//! import`): how its input is read. The input is a stream: a UTF-8 byte
//! order mark (spreadsheets write one) is dropped, an empty input is an
//! error, and no line may be longer than [`MAX_LINE`], so memory stays
//! bounded whatever the input is (one 300 MB line, `/dev/zero`). Its
//! format is decided one way ([`Format::detect`]: a JSON array is refused
//! by every import), a JSON Lines object is read one way ([`json_fields`]:
//! keys ignore case, an unknown or repeated key makes the row bad), and bad
//! rows are reported one way ([`BadRow`], the first [`MAX_BAD_LISTED`]).

use std::borrow::Cow;
use std::fmt;
use std::io::{self, BufRead, Read};
use std::path::Path;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::Serialize;

use crate::{Error, Result};

/// The format of an import's input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Comma-separated values with a header line.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

impl Format {
    /// The format a file name says: `.csv`, or `.jsonl` / `.ndjson` /
    /// `.json`; `None` for anything else.
    pub fn from_path(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "jsonl" | "ndjson" | "json" => Some(Format::Jsonl),
            _ => None,
        }
    }

    /// The format of `input`: `given` (`--format`, or the file name's),
    /// else JSON Lines when the first byte that is not blank is `{`, else
    /// CSV. A JSON array is refused with the way to turn it into JSON
    /// Lines, unless the format is CSV by name.
    pub fn detect(
        given: Option<Format>,
        input: &mut Input<impl BufRead>,
        source: &str,
    ) -> Result<Format> {
        let head = input
            .fill_buf()
            .map_err(|e| Error::io(format!("cannot read {source}"), e))?;
        let first = head.iter().copied().find(|b| !b.is_ascii_whitespace());
        if first == Some(b'[') && given != Some(Format::Csv) {
            return Err(Error::input(format!(
                "{source} holds a JSON array, not JSON Lines (one object per line)"
            ))
            .with_hint("convert it first, e.g. with: jq -c '.[]' FILE"));
        }
        Ok(given.unwrap_or(match first {
            Some(b'{') => Format::Jsonl,
            _ => Format::Csv,
        }))
    }
}

/// How many bad rows an import lists; the rest are only counted.
pub const MAX_BAD_LISTED: usize = 100;

/// A row that cannot be imported, and why.
#[derive(Debug, Clone, Serialize)]
pub struct BadRow {
    /// The line of the input where the row starts (1 is the first line).
    pub line: u64,
    pub reason: String,
}

/// The value of a field of a JSON Lines object.
#[derive(Debug, Clone, PartialEq)]
pub enum JsonValue<'a> {
    /// A string (borrowed from the line when it has no escapes).
    Text(Cow<'a, str>),
    Int(i64),
    UInt(u64),
    Float(f64),
}

impl<'a> JsonValue<'a> {
    /// The value as text: a number as written in the shortest form.
    pub fn into_text(self) -> Cow<'a, str> {
        match self {
            JsonValue::Text(text) => text,
            JsonValue::Int(n) => Cow::Owned(n.to_string()),
            JsonValue::UInt(n) => Cow::Owned(n.to_string()),
            JsonValue::Float(n) => Cow::Owned(n.to_string()),
        }
    }
}

/// Reads one JSON Lines object whose keys are `columns`, ignoring case:
/// the value of `columns[i]` goes to `out[i]` (`null` leaves it `None`).
/// An unknown or repeated key, or a value that is neither a string nor a
/// number, is an error (serde's `Data` category: a bad row).
pub fn json_fields<'a>(
    text: &'a str,
    columns: &[&str],
    out: &mut [Option<JsonValue<'a>>],
) -> std::result::Result<(), serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    Fields { columns, out }.deserialize(&mut deserializer)?;
    deserializer.end()
}

struct Fields<'c, 'o, 'a> {
    columns: &'c [&'c str],
    out: &'o mut [Option<JsonValue<'a>>],
}

impl<'de> DeserializeSeed<'de> for Fields<'_, '_, 'de> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Fields<'_, '_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of fields")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = vec![false; self.columns.len()];
        while let Some(key) = map.next_key::<Value<'de>>()? {
            let key = key.0.map(JsonValue::into_text).unwrap_or_default();
            let Some(i) = self
                .columns
                .iter()
                .position(|c| c.eq_ignore_ascii_case(&key))
            else {
                return Err(de::Error::custom(format!(
                    "unknown field \"{}\"",
                    key.escape_debug()
                )));
            };
            if std::mem::replace(&mut seen[i], true) {
                return Err(de::Error::custom(format!(
                    "the field \"{}\" appears twice",
                    self.columns[i]
                )));
            }
            self.out[i] = map.next_value::<Value<'de>>()?.0;
        }
        Ok(())
    }
}

/// A JSON string, number or null.
struct Value<'de>(Option<JsonValue<'de>>);

impl<'de> de::Deserialize<'de> for Value<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or a number")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Value(Some(JsonValue::Text(Cow::Borrowed(v)))))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Value(Some(JsonValue::Text(Cow::Owned(v.to_string())))))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Value(Some(JsonValue::Text(Cow::Owned(v)))))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Value(Some(JsonValue::Int(v))))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Value(Some(JsonValue::UInt(v))))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Value(Some(JsonValue::Float(v))))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Value(None))
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Value(None))
    }
}

/// The longest line an import reads, in bytes.
pub const MAX_LINE: usize = 1 << 20;

/// An import's input, checked line by line against [`MAX_LINE`].
pub struct Input<R> {
    inner: R,
    /// Bytes of the current line consumed so far.
    line_bytes: usize,
    /// The current line's number, from 1.
    line: u64,
}

/// A line longer than [`MAX_LINE`]: an input error.
#[derive(Debug)]
pub struct LineTooLong {
    pub line: u64,
}

impl fmt::Display for LineTooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {} is longer than 1 MiB", self.line)
    }
}

impl std::error::Error for LineTooLong {}

/// Opens `inner` for an import from `source` (a path or "standard
/// input"): drops a byte order mark; an empty input is an error.
pub fn open<R: BufRead>(mut inner: R, source: &str) -> Result<Input<R>> {
    let read_error = |e| Error::io(format!("cannot read {source}"), e);
    if inner
        .fill_buf()
        .map_err(read_error)?
        .starts_with(b"\xEF\xBB\xBF")
    {
        inner.consume(3);
    }
    if inner.fill_buf().map_err(read_error)?.is_empty() {
        return Err(Error::input(format!(
            "{source} is empty: there is nothing to import"
        )));
    }
    Ok(Input {
        inner,
        line_bytes: 0,
        line: 1,
    })
}

impl<R: BufRead> BufRead for Input<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.line_bytes > MAX_LINE {
            return Err(io::Error::other(LineTooLong { line: self.line }));
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        if let Ok(buf) = self.inner.fill_buf() {
            let taken = &buf[..amount.min(buf.len())];
            match taken.iter().rposition(|b| *b == b'\n') {
                Some(last) => {
                    self.line += taken.iter().filter(|b| **b == b'\n').count() as u64;
                    self.line_bytes = taken.len() - last - 1;
                }
                None => self.line_bytes += taken.len(),
            }
        }
        self.inner.consume(amount);
    }
}

impl<R: BufRead> Read for Input<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let buf = self.fill_buf()?;
        let n = buf.len().min(out.len());
        out[..n].copy_from_slice(&buf[..n]);
        self.consume(n);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bom_is_dropped_and_an_empty_input_refused() {
        let mut input = open(&b"\xEF\xBB\xBFa,b\n"[..], "x.csv").expect("open");
        let mut text = String::new();
        input.read_to_string(&mut text).expect("read");
        assert_eq!(text, "a,b\n");
        let err = open(&b""[..], "x.csv").err().expect("empty");
        assert_eq!(err.message(), "x.csv is empty: there is nothing to import");
        assert!(open(&b"\xEF\xBB\xBF"[..], "x.csv").is_err());
    }

    #[test]
    fn the_format_comes_from_the_name_or_the_first_byte_and_an_array_is_refused() {
        let detect = |name: &str, text: &str| {
            let mut input = open(text.as_bytes(), "x")?;
            Format::detect(Format::from_path(Path::new(name)), &mut input, "x")
        };
        assert_eq!(detect("-", "  \n{\"member\":1}").ok(), Some(Format::Jsonl));
        assert_eq!(detect("-", "member,comment").ok(), Some(Format::Csv));
        assert_eq!(detect("-", "\u{feff}{}").ok(), Some(Format::Jsonl));
        assert_eq!(detect("a.CSV", "{").ok(), Some(Format::Csv));
        assert_eq!(detect("a.ndjson", "m").ok(), Some(Format::Jsonl));
        assert_eq!(detect("a.txt", "m").ok(), Some(Format::Csv));
        assert!(detect("a.jsonl", "").is_err(), "an empty input");
        for name in ["-", "a.json", "a.jsonl"] {
            let err = detect(name, " [{}]").expect_err(name);
            assert_eq!(
                err.message(),
                "x holds a JSON array, not JSON Lines (one object per line)"
            );
        }
    }

    #[test]
    fn json_keys_ignore_case_and_unknown_or_repeated_ones_are_refused() {
        let columns = ["member", "value"];
        let mut out: [Option<JsonValue<'_>>; 2] = Default::default();
        json_fields(r#"{"MEMBER": "alex", "Value": 4.5}"#, &columns, &mut out).expect("read");
        assert_eq!(out[0], Some(JsonValue::Text("alex".into())));
        assert_eq!(out[1], Some(JsonValue::Float(4.5)));
        let mut out: [Option<JsonValue<'_>>; 2] = Default::default();
        json_fields(r#"{"member": null, "value": 5}"#, &columns, &mut out).expect("read");
        assert_eq!(out[0], None);
        assert_eq!(out[1].clone().map(JsonValue::into_text), Some("5".into()));
        for (text, reason) in [
            (
                r#"{"member": "a", "colour": "red"}"#,
                "unknown field \"colour\"",
            ),
            (r#"{"member": "a", "Member": "b"}"#, "appears twice"),
            (r#"{"member": ["a"]}"#, "expected a string or a number"),
        ] {
            let mut out: [Option<JsonValue<'_>>; 2] = Default::default();
            let err = json_fields(text, &columns, &mut out).expect_err(text);
            assert!(err.to_string().contains(reason), "{text}: {err}");
        }
    }

    #[test]
    fn a_line_past_the_limit_stops_the_read_naming_it() {
        let mut long = b"short\n".to_vec();
        long.extend(std::iter::repeat_n(b'x', MAX_LINE + 10));
        let input = open(io::BufReader::with_capacity(4096, &long[..]), "x").expect("open");
        let err = io::copy(&mut { input }, &mut io::sink()).expect_err("too long");
        let err = Error::io("cannot read x", err);
        assert_eq!(err.kind(), crate::ErrorKind::Input);
        assert_eq!(err.message(), "cannot read x: line 2 is longer than 1 MiB");

        let fits = [vec![b'y'; MAX_LINE], b"\n".to_vec()].concat().repeat(3);
        let input = open(io::BufReader::with_capacity(4096, &fits[..]), "x").expect("open");
        assert_eq!(
            io::copy(&mut { input }, &mut io::sink()).expect("fits"),
            fits.len() as u64
        );
    }
}
