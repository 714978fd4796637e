//! Printing for people and for scripts: tables, `--json`, `--quiet`, colour.

use std::io::{IsTerminal, Write};

use anstyle::{AnsiColor, Style};
use serde::Serialize;
use tabled::builder::Builder;
use tabled::settings::Style as TableStyle;

use crate::{text, Error, Result};

/// When to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when printing to a terminal and NO_COLOR is not set.
    Auto,
    /// Always colour, even in a pipe
    Always,
    /// Never colour
    Never,
}

/// What a progress bar counts.
#[derive(Debug, Clone, Copy)]
pub enum Progress {
    /// Bytes of an input, out of its size when known (imports).
    Bytes(Option<u64>),
    /// Emails sent, out of this many.
    Sends(u64),
}

/// `1 session`, `3 sessions`: a count and a regular noun.
pub fn plural(n: u64, word: &str) -> String {
    counted(n, word, &format!("{word}s"))
}

/// `1 follow-up waits`, `3 follow-ups wait`: a count and the words for
/// one and for any other number (`kudos`, `actions agreed`).
pub fn counted(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Where a command prints, and how.
#[derive(Debug, Clone)]
pub struct Output {
    /// `--json`: print one JSON document.
    pub json: bool,
    /// `--quiet`: print only ids, one per line.
    pub quiet: bool,
    color: bool,
    err_color: bool,
}

/// The style of short ids (like jj: the part that identifies, highlighted).
pub const ID: Style = AnsiColor::Magenta.on_default().bold();
/// The style of headings.
pub const HEADING: Style = Style::new().bold();
/// The style of secondary text.
pub const DIM: Style = Style::new().dimmed();
/// The style of the private marker.
pub const PRIVATE: Style = AnsiColor::Yellow.on_default().bold();
/// The style of the words a search matched.
pub const MATCH: Style = AnsiColor::Green.on_default().bold();

impl Output {
    /// A progress bar on standard error, only for a person watching a
    /// terminal (never with `--json` or `--quiet`, never in a pipe).
    pub fn progress_bar(&self, progress: Progress) -> Option<indicatif::ProgressBar> {
        if !self.human() || !std::io::stderr().is_terminal() {
            return None;
        }
        let (bar, template) = match progress {
            Progress::Bytes(Some(size)) => (
                indicatif::ProgressBar::new(size),
                "{bar:40} {bytes}/{total_bytes} {bytes_per_sec} {eta} {msg}",
            ),
            Progress::Bytes(None) => (
                indicatif::ProgressBar::new_spinner(),
                "{spinner} {bytes} read, {bytes_per_sec} {msg}",
            ),
            Progress::Sends(len) => (
                indicatif::ProgressBar::new(len),
                "{spinner} sending {pos}/{len} {wide_bar}",
            ),
        };
        if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
            bar.set_style(style);
        }
        Some(bar)
    }

    /// Decides colour from `--color`, `NO_COLOR` and whether each stream
    /// is a terminal.
    pub fn new(json: bool, quiet: bool, choice: ColorChoice) -> Output {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let decide = |is_tty: bool| match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => is_tty && !no_color,
        };
        Output {
            json,
            quiet,
            color: decide(std::io::stdout().is_terminal()),
            err_color: decide(std::io::stderr().is_terminal()),
        }
    }

    /// Whether the output is for people (neither `--json` nor `--quiet`).
    pub fn human(&self) -> bool {
        !self.json && !self.quiet
    }

    /// `text` in `style` when colouring. The style's escape sequences are
    /// written as [`own_escape`] until printed, so that printing can tell
    /// them from an escape character in the text, which it shows escaped.
    pub fn paint(&self, text: &str, style: Style) -> String {
        if self.color {
            format!("{style}{text}{style:#}").replace('\u{1b}', own_escape())
        } else {
            text.to_string()
        }
    }

    /// Prints `text` and a newline on standard output, with every control
    /// character but line breaks and tabs escaped (see [`for_terminal`]).
    pub fn line(&self, text: impl AsRef<str>) -> Result<()> {
        let text = for_terminal(text.as_ref());
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{text}").map_err(|e| Error::io("cannot write the output", e))
    }

    /// Prints `value` as pretty JSON (with the control characters JSON
    /// leaves as they are escaped, [`text::JsonEscaper`]), written as it
    /// is made rather than held whole.
    pub fn print_json<T: Serialize + ?Sized>(&self, value: &T) -> Result<()> {
        let stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        let mut out = text::JsonEscaper::new(stdout);
        serde_json::to_writer_pretty(&mut out, value).map_err(|e| {
            if e.is_io() {
                Error::io("cannot write the output", e.into())
            } else {
                e.into()
            }
        })?;
        out.write_all(b"\n")
            .and_then(|()| out.flush())
            .map_err(|e| Error::io("cannot write the output", e))
    }

    /// [`Output::print_json`] of a list, each item made as it is written:
    /// a list of fifty thousand is never a `Vec` of them.
    pub fn print_json_list<T: Serialize>(&self, items: impl Iterator<Item = T>) -> Result<()> {
        struct List<I>(std::cell::Cell<Option<I>>);
        impl<T: Serialize, I: Iterator<Item = T>> Serialize for List<I> {
            fn serialize<S: serde::Serializer>(
                &self,
                s: S,
            ) -> std::result::Result<S::Ok, S::Error> {
                s.collect_seq(self.0.take().into_iter().flatten())
            }
        }
        self.print_json(&List(std::cell::Cell::new(Some(items))))
    }

    /// Prints one id per line.
    pub fn print_ids(&self, ids: impl IntoIterator<Item = impl AsRef<str>>) -> Result<()> {
        // Streamed: an import prints a million ids without holding them.
        let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        ids.into_iter()
            .try_for_each(|id| writeln!(stdout, "{}", id.as_ref()))
            .and_then(|()| stdout.flush())
            .map_err(|e| Error::io("cannot write the output", e))
    }

    /// Prints a table with a header row; an empty list prints `empty`
    /// (to standard error, so a pipe sees nothing).
    pub fn print_table(&self, header: &[&str], rows: Vec<Vec<String>>, empty: &str) -> Result<()> {
        let each = |row: &mut dyn FnMut(&[&str])| {
            for cells in &rows {
                row(&cells.iter().map(String::as_str).collect::<Vec<_>>());
            }
        };
        self.print_rows(header, each, empty)
    }

    /// Prints a table whose rows `each` makes, calling its argument with
    /// the cells of one row after another, as they are to be shown
    /// (escaped here). `each` is called twice, once to measure the
    /// columns and once to write them, so no copy of the cells is kept: a
    /// list of any length costs the memory of one line (`action list
    /// --done`, 53,000 rows at ten years). An empty list prints `empty` (to
    /// standard error, so a pipe sees nothing).
    pub fn print_rows(
        &self,
        header: &[&str],
        each: impl Fn(&mut dyn FnMut(&[&str])),
        empty: &str,
    ) -> Result<()> {
        let mut layout = Layout::new(header);
        each(&mut |cells| layout.measure(cells));
        if layout.rows == 0 {
            eprintln!("{empty}");
            return Ok(());
        }
        if !layout.plain {
            return self.line(tabled_text(header, &each));
        }
        let mut stdout = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
        layout
            .write(header, &each, &mut stdout)
            .and_then(|()| stdout.flush())
            .map_err(|e| Error::io("cannot write the output", e))
    }

    /// Prints an error (and its hint) on standard error; with `--json`, as
    /// one JSON object: `{"error", "hint", "code"}` (`code`: the exit code).
    pub fn report(&self, err: &Error) {
        if self.json {
            report_json(err.message(), err.hint(), err.kind().exit_code());
            return;
        }
        let paint = |text: &str, style: Style| {
            if self.err_color {
                format!("{style}{text}{style:#}")
            } else {
                text.to_string()
            }
        };
        let mut stderr = std::io::stderr().lock();
        let label = paint("error:", AnsiColor::Red.on_default().bold());
        let _ = writeln!(stderr, "{label} {}", text::escape_multiline(err.message()));
        if let Some(hint) = err.hint() {
            let label = paint("hint:", AnsiColor::Cyan.on_default().bold());
            let _ = writeln!(stderr, "{label} {}", text::escape_multiline(hint));
        }
    }

    /// Prints a remark for people on standard error (never mixed into
    /// what a script reads from standard output).
    pub fn note(&self, text: impl AsRef<str>) {
        let _ = writeln!(std::io::stderr().lock(), "{}", for_terminal(text.as_ref()));
    }
}

/// What stands for ESC in [`Output::paint`]'s own escape sequences until
/// they are printed: a Unicode noncharacter and a token drawn for this
/// process, so no stored or typed text can forge it.
fn own_escape() -> &'static str {
    OWN_ESCAPE.get_or_init(|| format!("\u{fdd0}{}\u{fdd1}", uuid::Uuid::new_v4().simple()))
}

/// [`own_escape`]'s token, drawn at the first paint.
static OWN_ESCAPE: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// `text` as it may reach a terminal: control characters (but line breaks
/// and tabs) and bidirectional controls escaped ([`text::escape_multiline`]),
/// then [`Output::paint`]'s own sequences made real.
pub fn for_terminal(text: &str) -> String {
    let escaped = text::escape_multiline(text);
    // Before the first paint there is no token, so nothing to look for
    // (an HTML view is 48 KB that nothing painted).
    match OWN_ESCAPE.get() {
        Some(mark) if escaped.contains(mark.as_str()) => escaped.replace(mark.as_str(), "\u{1b}"),
        _ => escaped.into_owned(),
    }
}

/// `text` on one line and safe for a terminal (a search snippet, a
/// command line): line breaks and tabs become spaces, and other unsafe
/// characters are escaped as [`text::escape`] does (`\e` for ESC).
pub fn one_line(text: &str) -> String {
    let spaced = text.replace(['\n', '\r', '\t'], " ");
    text::escape(&spaced).into_owned()
}

/// An error as `--json` reports it on standard error.
#[derive(Serialize)]
struct JsonError<'a> {
    error: &'a str,
    hint: Option<&'a str>,
    code: u8,
}

/// Prints `{"error": message, "hint": hint|null, "code": code}` and a
/// newline on standard error.
pub fn report_json(message: &str, hint: Option<&str>, code: u8) {
    let error = JsonError {
        error: message,
        hint,
        code,
    };
    if let Ok(text) = serde_json::to_string(&error) {
        let _ = writeln!(std::io::stderr().lock(), "{text}");
    }
}

/// The columns of a table ([`Output::print_rows`]), measured on a first
/// pass over its rows.
///
/// The table is drawn exactly as tabled draws it in its blank style when
/// every cell is one line without tabs (the common case): each cell between
/// single spaces, padded to its column's display width, columns one space
/// apart. tabled lays every cell out through its grid engine, which made
/// printing the bulk of `action list --open` with thousands of rows; this
/// is one pass to measure and one to write. Cells with line breaks or
/// tabs, or rows of another length, are left to tabled.
#[derive(Debug)]
struct Layout {
    widths: Vec<usize>,
    /// Whether every cell is one line without tabs and every row as long
    /// as the header.
    plain: bool,
    rows: usize,
}

impl Layout {
    fn new(header: &[&str]) -> Layout {
        Layout {
            widths: header.iter().map(|h| display_width(h)).collect(),
            plain: header.iter().all(|h| one_line_cell(h)),
            rows: 0,
        }
    }

    fn measure(&mut self, cells: &[&str]) {
        for (column, cell) in cells.iter().enumerate() {
            let width = match printable_ascii_width(cell) {
                Some(width) => width,
                None => {
                    let shown = for_terminal(cell);
                    self.plain &= one_line_cell(&shown);
                    display_width(&shown)
                }
            };
            if let Some(w) = self.widths.get_mut(column) {
                *w = (*w).max(width);
            }
        }
        self.plain &= cells.len() == self.widths.len();
        self.rows += 1;
    }

    /// Writes the table, a line at a time, when it is [`Layout::plain`].
    fn write(
        &self,
        header: &[&str],
        each: &impl Fn(&mut dyn FnMut(&[&str])),
        out: &mut impl Write,
    ) -> std::io::Result<()> {
        let mut line = String::with_capacity(self.widths.iter().map(|w| w + 3).sum());
        let push_cell = |line: &mut String, i: usize, cell: &str, width: usize| {
            if i > 0 {
                line.push(' ');
            }
            line.push(' ');
            line.push_str(cell);
            pad(line, self.widths[i] - width + 1);
        };
        for (i, h) in header.iter().enumerate() {
            push_cell(&mut line, i, h, display_width(h));
        }
        line.push('\n');
        let mut written = out.write_all(line.as_bytes());
        each(&mut |cells| {
            if written.is_err() {
                return;
            }
            line.clear();
            for (i, cell) in cells.iter().enumerate() {
                let (shown, width) = shown(cell);
                push_cell(&mut line, i, &shown, width);
            }
            line.push('\n');
            written = out.write_all(line.as_bytes());
        });
        written
    }
}

/// Pushes `n` spaces, a run at a time rather than a character at a time.
fn pad(line: &mut String, mut n: usize) {
    const SPACES: &str = "                                                                ";
    while n > 0 {
        let run = n.min(SPACES.len());
        line.push_str(&SPACES[..run]);
        n -= run;
    }
}

/// A cell as it is shown, escaped for the terminal, and its display width.
fn shown(cell: &str) -> (std::borrow::Cow<'_, str>, usize) {
    match printable_ascii_width(cell) {
        Some(width) => (cell.into(), width),
        None => {
            let escaped = for_terminal(cell);
            let width = display_width(&escaped);
            (escaped.into(), width)
        }
    }
}

/// The width of a cell of printable ASCII only (the common case): nothing
/// to escape, one line, one column a byte.
fn printable_ascii_width(cell: &str) -> Option<usize> {
    cell.bytes()
        .all(|b| (b' '..=b'~').contains(&b))
        .then_some(cell.len())
}

/// The table drawn by tabled, for cells that are not one line.
fn tabled_text(header: &[&str], each: &impl Fn(&mut dyn FnMut(&[&str]))) -> String {
    let mut builder = Builder::default();
    builder.push_record(header.iter().map(|h| h.to_string()));
    each(&mut |cells| builder.push_record(cells.iter().map(|c| for_terminal(c))));
    let mut table = builder.build();
    table.with(TableStyle::blank());
    table.to_string()
}

fn one_line_cell(cell: &str) -> bool {
    !cell.bytes().any(|b| matches!(b, b'\n' | b'\r' | b'\t'))
}

/// Printable ASCII is one column a byte; anything else is measured.
fn display_width(cell: &str) -> usize {
    use unicode_width::UnicodeWidthStr;
    printable_ascii_width(cell).unwrap_or_else(|| cell.width())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain_table(header: &[&str], rows: &[Vec<String>]) -> Option<String> {
        let each = |row: &mut dyn FnMut(&[&str])| {
            for cells in rows {
                row(&cells.iter().map(String::as_str).collect::<Vec<_>>());
            }
        };
        let mut layout = Layout::new(header);
        each(&mut |cells| layout.measure(cells));
        if !layout.plain {
            return None;
        }
        let mut text = Vec::new();
        layout
            .write(header, &each, &mut text)
            .expect("written to memory");
        String::from_utf8(text).ok()
    }

    fn tabled(header: &[&str], rows: &[Vec<String>]) -> String {
        let mut builder = Builder::default();
        builder.push_record(header.iter().map(|h| h.to_string()));
        for row in rows {
            builder.push_record(row.clone());
        }
        let mut table = builder.build();
        table.with(TableStyle::blank());
        table.to_string()
    }

    #[test]
    fn one_line_text_cannot_drive_the_terminal() {
        assert_eq!(one_line("a\nb\tc"), "a b c");
        assert_eq!(one_line("\u{1b}[31mred"), "\\e[31mred");
        assert_eq!(one_line("\u{9b}x\u{202e}"), "\\u{9b}x\\u{202e}");
        assert_eq!(one_line("Zoë 🎉"), "Zoë 🎉");
    }

    #[test]
    fn plain_tables_are_drawn_as_tabled_draws_them() {
        let header = ["ID", "NAME", "NOTE"];
        let rows: Vec<Vec<String>> = [
            [
                "3c4d",
                "Tomás Müller",
                "Celebrate the CSAT streak :tada: 🎉",
            ],
            ["a1b2c", "李小龙", ""],
            ["ff00", "Alex", "A long note, longer than the header"],
        ]
        .iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
        assert_eq!(
            plain_table(&header, &rows).as_deref(),
            Some(format!("{}\n", tabled(&header, &rows)).as_str())
        );
        let one = vec![vec!["x".to_string(), String::new(), "y".to_string()]];
        assert_eq!(
            plain_table(&header, &one).as_deref(),
            Some(format!("{}\n", tabled(&header, &one)).as_str())
        );
        let multiline = vec![vec!["x".to_string(), "a\nb".to_string(), "y".to_string()]];
        assert_eq!(plain_table(&header, &multiline), None);
    }
}
