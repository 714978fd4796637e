//! Text from outside (typed, imported, stored by an older coach) on its way
//! in and out: the characters a one-line value refuses, and the escaping
//! that keeps every escape sequence away from the terminal.
//!
//! Refused in one-line values (names, titles, emails, settings, template
//! names) and escaped on the terminal: control characters (C0 such as CR,
//! LF, ESC and NUL, DEL, C1) and the invisible bidirectional controls
//! (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to U+2069), which
//! make text display in another order than it is stored. Multi-line texts
//! (notes) may hold line breaks and tabs.

use std::borrow::Cow;
use std::fmt::Write as _;

use unicode_normalization::UnicodeNormalization;

use crate::{Error, Result};

/// The longest member name, in characters.
pub const MAX_NAME: usize = 100;
/// The longest session title, in characters.
pub const MAX_TITLE: usize = 200;

/// A bidirectional control: invisible, it reorders what is displayed.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A character that a one-line value refuses.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// `text` trimmed, refused if it holds a line break, another control
/// character or a bidirectional control (they could forge email headers,
/// break a table, or hide what a terminal shows).
pub fn check_line(what: &str, text: &str) -> Result<String> {
    let text = text.trim();
    if text.chars().any(is_unsafe) {
        return Err(Error::input(format!(
            "the {what} \"{}\" contains a line break or a control character",
            escape(text)
        ))
        .with_hint("type it on one line, without control characters"));
    }
    Ok(text.to_string())
}

/// [`check_line`], normalised to NFC (so "José" typed with a combining
/// accent is the same name as with a precomposed "é"), at most `max`
/// characters.
pub fn check_name(what: &str, text: &str, max: usize) -> Result<String> {
    let text: String = check_line(what, text)?.nfc().collect();
    if text.chars().count() > max {
        return Err(Error::input(format!(
            "a {what} is at most {max} characters"
        )));
    }
    Ok(text)
}

/// `text` in NFC, lowercased: how two names are compared.
pub fn name_key(text: &str) -> String {
    text.nfc().collect::<String>().to_lowercase()
}

/// Text as a search compares it: lowercase, accents dropped, so "zoe"
/// finds "Zoë" and "angstrom" finds "Ångström".
pub fn fold(text: &str) -> String {
    use unicode_normalization::char::is_combining_mark;
    // ASCII has nothing to decompose: resolving a member folds every name.
    if text.is_ascii() {
        return text.to_ascii_lowercase();
    }
    text.nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// `text` for a terminal: every character [`is_unsafe`] except line
/// breaks and tabs shown escaped (`\e`, `\r`, `\0`, `\u{202e}`), so no
/// escape sequence in stored or typed text reaches the terminal.
pub fn escape_multiline(text: &str) -> Cow<'_, str> {
    escape_where(text, |c| is_unsafe(c) && c != '\n' && c != '\t')
}

/// [`escape_multiline`] for one-line values: line breaks and tabs escaped
/// too.
pub fn escape(text: &str) -> Cow<'_, str> {
    escape_where(text, is_unsafe)
}

fn escape_where(text: &str, unsafe_char: impl Fn(char) -> bool) -> Cow<'_, str> {
    let Some(at) = first_unsafe(text, &unsafe_char) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str(&text[..at]);
    for c in text[at..].chars() {
        if !unsafe_char(c) {
            out.push(c);
            continue;
        }
        match c {
            '\u{1b}' => out.push_str("\\e"),
            '\r' => out.push_str("\\r"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        }
    }
    Cow::Owned(out)
}

/// Where the first character of `text` that `unsafe_char` flags starts.
/// Printable ASCII, most of any text, is never unsafe: skipped sixteen
/// bytes at a time ([`printable_ascii_prefix`]); other ASCII bytes (line
/// breaks) are checked as they are, and characters decoded only where one
/// starts beyond ASCII. (Decoding every character of a 48 KB HTML
/// view was a tenth of `session show --format html`.)
fn first_unsafe(text: &str, unsafe_char: impl Fn(char) -> bool) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = 0;
    loop {
        at += printable_ascii_prefix(&bytes[at..]);
        if at == bytes.len() {
            return None;
        }
        // A line break, most often: no decoding needed.
        if bytes[at].is_ascii() {
            if unsafe_char(char::from(bytes[at])) {
                return Some(at);
            }
            at += 1;
            continue;
        }
        let c = text[at..].chars().next()?;
        if unsafe_char(c) {
            return Some(at);
        }
        at += c.len_utf8();
    }
}

/// How many bytes at the start of `bytes` are printable ASCII: sixteen
/// at a time while all are (a test of every byte that the compiler makes
/// a few vector instructions), then one at a time.
fn printable_ascii_prefix(bytes: &[u8]) -> usize {
    let printable = |b: &u8| (b' '..=b'~').contains(b);
    let whole = bytes
        .chunks_exact(16)
        .take_while(|chunk| chunk.iter().fold(true, |all, b| all & printable(b)))
        .count()
        * 16;
    whole
        + bytes[whole..]
            .iter()
            .position(|b| !printable(b))
            .unwrap_or(bytes.len() - whole)
}

/// JSON text for a terminal, as it is written: serde_json escapes C0
/// controls itself; this writer escapes the rest (DEL, C1, bidirectional
/// controls) as `\uXXXX`, which any JSON reader reads back as the same
/// string, on the way to `inner`. Nothing but a character cut between two
/// writes is held, so a long list's JSON is never in memory whole.
pub struct JsonEscaper<W: std::io::Write> {
    inner: W,
    /// The first bytes of a character cut by the end of the last write.
    pending: Vec<u8>,
}

impl<W: std::io::Write> JsonEscaper<W> {
    pub fn new(inner: W) -> JsonEscaper<W> {
        JsonEscaper {
            inner,
            pending: Vec::new(),
        }
    }

    fn write_char(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let unsafe_char =
            |c: char| c == '\u{7f}' || ('\u{80}'..='\u{9f}').contains(&c) || is_bidi_control(c);
        match std::str::from_utf8(bytes)
            .ok()
            .and_then(|s| s.chars().next())
        {
            Some(c) if unsafe_char(c) => write!(self.inner, "\\u{:04x}", c as u32),
            _ => self.inner.write_all(bytes),
        }
    }
}

/// The length of the UTF-8 sequence that begins with `lead`.
fn utf8_len(lead: u8) -> usize {
    match lead {
        0xf0.. => 4,
        0xe0.. => 3,
        0xc0.. => 2,
        _ => 1,
    }
}

impl<W: std::io::Write> std::io::Write for JsonEscaper<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, mut buf: &[u8]) -> std::io::Result<()> {
        if let Some(&lead) = self.pending.first() {
            let take = (utf8_len(lead) - self.pending.len()).min(buf.len());
            self.pending.extend_from_slice(&buf[..take]);
            buf = &buf[take..];
            if self.pending.len() < utf8_len(lead) {
                return Ok(());
            }
            let whole = std::mem::take(&mut self.pending);
            self.write_char(&whole)?;
        }
        // ASCII below DEL is safe: passed on as it is, characters decoded
        // only where one starts beyond it.
        while !buf.is_empty() {
            let safe = buf.iter().position(|&b| b >= 0x7f).unwrap_or(buf.len());
            self.inner.write_all(&buf[..safe])?;
            buf = &buf[safe..];
            let Some(&lead) = buf.first() else {
                break;
            };
            let len = utf8_len(lead);
            if buf.len() < len {
                self.pending.extend_from_slice(buf);
                break;
            }
            self.write_char(&buf[..len])?;
            buf = &buf[len..];
        }
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let cut = std::mem::take(&mut self.pending);
        self.inner.write_all(&cut)?;
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_unsafe_character_is_found_wherever_it_stands() {
        // Every position around the sixteen-byte steps, for each kind of
        // byte the scan treats apart: a control, a line break, a tab,
        // DEL, a C1 control, a bidirectional control and safe non-ASCII.
        let unsafe_multiline = |c: char| is_unsafe(c) && c != '\n' && c != '\t';
        for len in 0..40 {
            for at in 0..=len {
                for odd in [
                    '\u{1b}', '\n', '\t', '\u{7f}', '\u{85}', '\u{202e}', 'é', '🎉',
                ] {
                    let text: String = (0..len).map(|i| if i == at { odd } else { 'a' }).collect();
                    for rule in [&is_unsafe as &dyn Fn(char) -> bool, &unsafe_multiline] {
                        let expected = text.char_indices().find(|(_, c)| rule(*c)).map(|(i, _)| i);
                        assert_eq!(first_unsafe(&text, rule), expected, "{text:?}");
                    }
                }
            }
        }
        assert_eq!(escape_multiline("a\nb\u{1b}[2J"), "a\nb\\e[2J");
        assert_eq!(escape("a\nb"), "a\\nb");
    }

    #[test]
    fn folding_drops_case_and_accents_and_ascii_folds_as_the_rest() {
        assert_eq!(fold("Zoë ÅNGSTRÖM"), "zoe angstrom");
        assert_eq!(fold("Alex O'Brien"), "alex o'brien");
        // The ASCII shortcut gives what the general path gives.
        let ascii: String = (0u8..128).map(char::from).collect();
        let general: String = ascii
            .nfd()
            .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
            .flat_map(char::to_lowercase)
            .collect();
        assert_eq!(fold(&ascii), general);
    }

    #[test]
    fn one_line_values_refuse_controls_and_bidi_overrides() {
        for bad in [
            "a\rb",
            "a\nb",
            "a\u{1b}[2Jb",
            "a\0b",
            "a\u{202e}b",
            "a\u{2066}b",
            "a\u{9b}b",
        ] {
            let err = check_line("name", bad).unwrap_err();
            assert!(!err.message().contains('\u{1b}'), "{err}");
        }
        assert_eq!(check_line("name", " José ").unwrap(), "José");
    }

    #[test]
    fn names_are_nfc_and_bounded() {
        let decomposed = "Jose\u{301}";
        assert_eq!(
            check_name("name", decomposed, MAX_NAME).unwrap(),
            "Jos\u{e9}"
        );
        assert_eq!(name_key(decomposed), name_key("JOS\u{c9}"));
        assert!(check_name("name", &"x".repeat(MAX_NAME + 1), MAX_NAME).is_err());
    }

    #[test]
    fn escaping_shows_what_is_there() {
        assert_eq!(
            escape_multiline("a\u{1b}[2J\nb\u{202e}c\r"),
            "a\\e[2J\nb\\u{202e}c\\r"
        );
        assert_eq!(escape("a\nb"), "a\\nb");
        assert!(matches!(escape("plain"), Cow::Borrowed(_)));
        assert!(matches!(escape_multiline("é\n\t—"), Cow::Borrowed(_)));
        // Whatever comes first or last, after ASCII or not: as one
        // character at a time would escape it.
        let naive = |text: &str, multiline: bool| -> String {
            text.chars()
                .map(|c| match c {
                    '\n' | '\t' if multiline => c.to_string(),
                    c if is_unsafe(c) => escape(&c.to_string()).into_owned(),
                    c => c.to_string(),
                })
                .collect()
        };
        let pieces = [
            "a",
            "é",
            "\u{1b}",
            "\n",
            "\t",
            "\u{85}",
            "\u{202e}",
            "\u{7f}",
            "漢",
            "\u{1F600}",
        ];
        for x in pieces {
            for y in pieces {
                for z in pieces {
                    let text = format!("{x}{y}ab{z}");
                    assert_eq!(escape_multiline(&text), naive(&text, true), "{text:?}");
                    assert_eq!(escape(&text), naive(&text, false), "{text:?}");
                }
            }
        }
        let text = "a\u{202e}b\u{85}\u{7f}é\u{1F600}";
        let whole = serde_json::to_string(text).unwrap();
        assert_eq!(
            escaped_json(&[whole.as_bytes()]),
            "\"a\\u202eb\\u0085\\u007fé\u{1F600}\""
        );
        // Written a byte at a time, each character cut between writes:
        // the same text.
        let bytes: Vec<&[u8]> = whole.as_bytes().chunks(1).collect();
        let json = escaped_json(&bytes);
        assert_eq!(json, escaped_json(&[whole.as_bytes()]));
        let back: String = serde_json::from_str(&json).unwrap();
        assert_eq!(back, text);
    }

    fn escaped_json(writes: &[&[u8]]) -> String {
        use std::io::Write;
        let mut out = JsonEscaper::new(Vec::new());
        for bytes in writes {
            out.write_all(bytes).unwrap();
        }
        out.flush().unwrap();
        String::from_utf8(out.inner).unwrap()
    }
}
