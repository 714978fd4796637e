//! What a team member's reply says: the new text they wrote, without the
//! quoted email, the "On … wrote:" line or their signature, and the
//! check-off lines (`[x] 3f2a`, `done 3f2a`, `reopen 3f2a`).
//!
//! Mail clients quote in a few ways, each rule below covering one
//! (fixtures in `tests/fixtures/replies/`):
//!
//! - quoted lines start with `>` (every client's plain text); in an inline
//!   reply the member's answers sit between them and are kept;
//! - an attribution line before the quote: Gmail and Thunderbird
//!   `On <date> <name> wrote:` (Gmail wraps it over two lines when long),
//!   Apple Mail `On <date>, at <time>, <name> wrote:`, and the same in a few
//!   other languages;
//! - Outlook quotes without `>`, under a `From:` / `Sent:` / `To:` /
//!   `Subject:` block or `-----Original Message-----`, or a line of
//!   underscores: everything from there on is the earlier email;
//! - a signature follows `-- ` on its own line; "Sent from my iPhone" and
//!   "Get Outlook for iOS" lines are dropped;
//! - an HTML-only reply is turned into text first, its `<blockquote>`s
//!   into `>` lines, Outlook's `divRplyFwdMsg` block cut, Gmail's and
//!   Thunderbird's signature blocks removed.

/// A check-off line of a reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckOff {
    /// `[x] 3f2a` or `done 3f2a`: the action is done.
    Done(String),
    /// `reopen 3f2a`: the action is open again.
    Reopen(String),
}

impl CheckOff {
    /// The id prefix as written (lowercase hex).
    pub fn id(&self) -> &str {
        match self {
            CheckOff::Done(id) | CheckOff::Reopen(id) => id,
        }
    }
}

/// What a reply says.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Said {
    /// The new text, without check-off lines; empty when there is none.
    pub text: String,
    /// The check-off lines, in order.
    pub check_offs: Vec<CheckOff>,
}

/// Reads a reply's plain-text body: its new text and its check-offs.
pub fn read_text(body: &str) -> Said {
    split_check_offs(&new_text(body))
}

/// Reads a reply that has only an HTML body.
pub fn read_html(html: &str) -> Said {
    read_text(&html_to_text(html))
}

/// The new text of a plain-text reply: above the quote, plus the answers
/// between quoted lines of an inline reply; no signature.
pub fn new_text(body: &str) -> String {
    let body = body.replace("\r\n", "\n").replace('\u{a0}', " ");
    let lines: Vec<&str> = body.lines().map(str::trim_end).collect();
    let mut kept: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if let Some(len) = attribution(&lines, i) {
            i += len;
            continue;
        }
        if starts_earlier_email(&lines, i) {
            break;
        }
        if !is_quoted(lines[i]) {
            kept.push(lines[i]);
        }
        i += 1;
    }
    let kept = without_signature(&kept);
    tidy(&kept)
}

fn is_quoted(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

/// Words an attribution line starts with, and words it ends with, in the
/// languages the major clients are used in most.
const ATTRIBUTION_STARTS: &[&str] = &["on ", "le ", "am ", "el ", "il ", "op ", "em "];
const ATTRIBUTION_VERBS: &[&str] = &[
    "wrote",
    "a écrit",
    "schrieb",
    "escribió",
    "ha scritto",
    "schreef",
    "escreveu",
];

/// Whether line `i` starts an attribution (`On … wrote:`), and how many
/// lines it takes (Gmail wraps a long one).
fn attribution(lines: &[&str], i: usize) -> Option<usize> {
    let first = lines[i].trim();
    let lower = first.to_lowercase();
    if first.len() > 300 || !ATTRIBUTION_STARTS.iter().any(|s| lower.starts_with(s)) {
        return None;
    }
    if is_attribution_end(&lower) {
        return Some(1);
    }
    let next = lines.get(i + 1)?.trim().to_lowercase();
    (next.len() < 200 && is_attribution_end(&format!("{lower} {next}"))).then_some(2)
}

fn is_attribution_end(lower: &str) -> bool {
    let Some(head) = lower.trim_end().strip_suffix(':') else {
        return false;
    };
    ATTRIBUTION_VERBS.iter().any(|verb| head.contains(verb))
}

/// Whether line `i` starts an earlier email quoted without `>` (Outlook):
/// everything from it on is not the member's new text.
fn starts_earlier_email(lines: &[&str], i: usize) -> bool {
    let line = lines[i].trim();
    let lower = line.to_lowercase();
    let marker = lower.contains("original message") && line.starts_with("-----")
        || lower.starts_with("begin forwarded message")
        || lower.contains("forwarded message") && line.starts_with("----------")
        || line.len() >= 20 && line.chars().all(|c| c == '_');
    marker || header_block(lines, i)
}

/// An Outlook header block: `From:` then, within a few lines, `Sent:` or
/// `Date:` and `To:` or `Subject:` (bold in converted HTML: `*From:*`).
fn header_block(lines: &[&str], i: usize) -> bool {
    if !header_field(lines[i], &["from"]) {
        return false;
    }
    let next = &lines[i + 1..lines.len().min(i + 6)];
    next.iter().any(|l| header_field(l, &["sent", "date"]))
        && next.iter().any(|l| header_field(l, &["to", "subject"]))
}

fn header_field(line: &str, names: &[&str]) -> bool {
    let line = line.trim().trim_start_matches('*').to_lowercase();
    names.iter().any(|name| {
        line.strip_prefix(name)
            .is_some_and(|rest| rest.trim_start_matches('*').starts_with(':'))
    })
}

/// Lines a phone or a mail app adds under every message.
const SENT_FROM: &[&str] = &[
    "sent from my ",
    "sent from mail for ",
    "sent from outlook for ",
    "sent from yahoo mail",
    "get outlook for ",
    "envoyé de mon ",
    "von meinem ",
    "enviado desde mi ",
];

/// The lines before the signature (`-- ` on its own line), without the
/// "Sent from my iPhone" lines.
fn without_signature<'a>(lines: &[&'a str]) -> Vec<&'a str> {
    lines
        .iter()
        .take_while(|line| !matches!(**line, "--" | "-- "))
        .filter(|line| {
            let lower = line.trim().to_lowercase();
            !SENT_FROM.iter().any(|s| lower.starts_with(s))
        })
        .copied()
        .collect()
}

/// Joins lines, without blank lines at either end or two in a row.
fn tidy(lines: &[&str]) -> String {
    let mut out = String::new();
    let mut blank = false;
    for line in lines {
        if line.trim().is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if blank {
            out.push('\n');
            blank = false;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out
}

/// Takes the check-off lines out of `text`. An unchecked `[ ] 3f2a …` line
/// (copied from the email, left as it was) is taken out too, and changes
/// nothing.
fn split_check_offs(text: &str) -> Said {
    let mut check_offs = Vec::new();
    let mut rest: Vec<&str> = Vec::new();
    for line in text.lines() {
        match check_off(line) {
            Some(Some(found)) => check_offs.push(found),
            Some(None) => {}
            None => rest.push(line),
        }
    }
    Said {
        text: tidy(&rest),
        check_offs,
    }
}

/// `Some(Some(..))` for a check-off line, `Some(None)` for an unchecked
/// action line, `None` for any other line.
fn check_off(line: &str) -> Option<Option<CheckOff>> {
    let line = line.trim();
    let line = line
        .strip_prefix("- ")
        .or_else(|| line.strip_prefix("* "))
        .unwrap_or(line)
        .trim_start();
    let lower = line.to_ascii_lowercase();
    let (rest, done) = if let Some(rest) = lower.strip_prefix("[x]") {
        (rest, Some(true))
    } else if let Some(rest) = lower.strip_prefix("[ ]") {
        (rest, None)
    } else if let Some(rest) = lower.strip_prefix("done ") {
        (rest, Some(true))
    } else if let Some(rest) = lower.strip_prefix("reopen ") {
        (rest, Some(false))
    } else {
        return None;
    };
    let id = rest.split_whitespace().next()?;
    let id = id.trim_end_matches([':', '.', ',']);
    if !(4..=32).contains(&id.len()) || !id.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    Some(done.map(|done| {
        if done {
            CheckOff::Done(id.to_string())
        } else {
            CheckOff::Reopen(id.to_string())
        }
    }))
}

// ---------------------------------------------------------------------------
// HTML-only replies

/// Elements that are a signature, removed whole.
const SIGNATURE_MARKERS: &[&str] = &[
    "class=\"gmail_signature\"",
    "class=\"moz-signature\"",
    "id=\"signature\"",
];

/// Where Outlook's quote of the earlier email begins: cut there.
const OUTLOOK_MARKERS: &[&str] = &["id=\"divrplyfwdmsg\"", "id=\"appendonsend\""];

/// An HTML body as text: `<blockquote>` content as `>` lines, Outlook's
/// quote cut, signature blocks removed, one line per block element.
pub fn html_to_text(html: &str) -> String {
    let mut html = html.to_string();
    for marker in SIGNATURE_MARKERS {
        html = remove_elements(&html, marker);
    }
    if let Some(cut) = OUTLOOK_MARKERS
        .iter()
        .filter_map(|m| tag_start_of(&html, m))
        .min()
    {
        html.truncate(cut);
    }
    let lower = html.to_ascii_lowercase();
    let mut out = String::new();
    let mut depth = 0usize;
    let mut at = 0;
    while at < html.len() {
        let open = lower[at..].find("<blockquote").map(|i| at + i);
        let close = lower[at..].find("</blockquote").map(|i| at + i);
        let (cut, delta) = match (open, close) {
            (Some(o), Some(c)) if o < c => (o, 1isize),
            (Some(o), None) => (o, 1),
            (_, Some(c)) => (c, -1),
            (None, None) => (html.len(), 0),
        };
        push_segment(&mut out, &html[at..cut], depth);
        if delta == 0 {
            break;
        }
        depth = depth.saturating_add_signed(delta);
        at = lower[cut..].find('>').map_or(html.len(), |e| cut + e + 1);
    }
    out
}

/// Appends an HTML fragment as text, each line prefixed with `depth` `>`.
fn push_segment(out: &mut String, fragment: &str, depth: usize) {
    let text = mail_parser::decoders::html::html_to_text(&with_line_breaks(fragment));
    let prefix = ">".repeat(depth);
    for line in text.split('\n') {
        if depth > 0 {
            out.push_str(&prefix);
            out.push(' ');
        }
        out.push_str(line.trim());
        out.push('\n');
    }
}

/// A line break after every block element, which the text conversion only
/// makes for `<br>` and `</p>`.
fn with_line_breaks(fragment: &str) -> String {
    const BLOCK_ENDS: &[&str] = &[
        "</div", "</li", "</tr", "</h1", "</h2", "</h3", "</h4", "</table", "</ul", "</ol",
    ];
    let lower = fragment.to_ascii_lowercase();
    let mut out = String::with_capacity(fragment.len() + 64);
    let mut last = 0;
    let mut at = 0;
    while let Some(found) = lower[at..].find("</") {
        let start = at + found;
        if BLOCK_ENDS.iter().any(|end| lower[start..].starts_with(end)) {
            out.push_str(&fragment[last..start]);
            out.push_str("<br>");
            last = start;
        }
        at = start + 2;
    }
    out.push_str(&fragment[last..]);
    out
}

/// Where the tag holding `marker` (an attribute, lowercase) starts.
fn tag_start_of(html: &str, marker: &str) -> Option<usize> {
    let lower = html.to_ascii_lowercase();
    let at = lower.find(marker)?;
    lower[..at].rfind('<')
}

/// `html` without every element whose opening tag holds `marker`, with
/// everything inside it (nested elements of the same name counted).
fn remove_elements(html: &str, marker: &str) -> String {
    /// More signature blocks than any real reply has: a hostile message
    /// cannot make this loop long.
    const AT_MOST: usize = 20;
    let mut html = html.to_string();
    for _ in 0..AT_MOST {
        let Some(start) = tag_start_of(&html, marker) else {
            break;
        };
        let lower = html.to_ascii_lowercase();
        let name: String = lower[start + 1..]
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        if name.is_empty() {
            break;
        }
        let end = element_end(&lower, start, &name);
        if lower.find(marker).is_none_or(|at| end <= at) {
            break;
        }
        html.replace_range(start..end, "");
    }
    html
}

/// The end of the element `name` opened at `start`: after its matching
/// closing tag, or the end of the text when it is never closed.
fn element_end(lower: &str, start: usize, name: &str) -> usize {
    let open = format!("<{name}");
    let close = format!("</{name}");
    let mut depth = 0usize;
    let mut at = start;
    loop {
        let next_open = lower[at..].find(&open).map(|i| at + i);
        let next_close = lower[at..].find(&close).map(|i| at + i);
        match (next_open, next_close) {
            (Some(o), Some(c)) if o < c => {
                depth += 1;
                at = o + open.len();
            }
            (_, Some(c)) => {
                depth = depth.saturating_sub(1);
                let after = lower[c..].find('>').map_or(lower.len(), |e| c + e + 1);
                if depth == 0 {
                    return after;
                }
                at = after;
            }
            (_, None) => return lower.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_off_lines_are_recognised_and_taken_out() {
        let said = read_text(
            "[x] 3f2a Shadow a team-lead shift\n- [X] 9B1C\ndone abcd.\nreopen 0e0e\n[ ] 7777 left as it was\nThe rest",
        );
        assert_eq!(
            said.check_offs,
            [
                CheckOff::Done("3f2a".into()),
                CheckOff::Done("9b1c".into()),
                CheckOff::Done("abcd".into()),
                CheckOff::Reopen("0e0e".into()),
            ]
        );
        assert_eq!(said.text, "The rest");
    }

    #[test]
    fn words_that_only_look_like_check_offs_stay_text() {
        let said = read_text("Done with the training\ndone 12\n[x] not-an-id");
        assert!(said.check_offs.is_empty());
        assert_eq!(said.text, "Done with the training\ndone 12\n[x] not-an-id");
    }

    #[test]
    fn a_wrapped_gmail_attribution_is_one_header() {
        let text = new_text(
            "Topic\n\nOn Tue, Dec 1, 2026 at 9:00 AM Sam Lee <\nsam@example.com> wrote:\n\n> agenda\n",
        );
        assert_eq!(text, "Topic");
    }

    #[test]
    fn nested_signature_blocks_are_removed_whole() {
        let html = "<div>Keep</div><div class=\"gmail_signature\"><div>Alex</div><div>Phone</div></div><div>After</div>";
        let text = html_to_text(html);
        assert!(text.contains("Keep") && text.contains("After"), "{text}");
        assert!(!text.contains("Alex") && !text.contains("Phone"), "{text}");
    }

    #[test]
    fn unclosed_and_stray_tags_do_not_panic() {
        for html in [
            "<blockquote>",
            "</blockquote></blockquote>x",
            "<div class=\"gmail_signature\"",
            "<div id=\"divRplyFwdMsg\"",
            "<",
            "é<blockquote>ü",
        ] {
            let _ = read_html(html);
        }
    }
}

/// Properties over arbitrary input: reading a reply never panics, and
/// never hands back quoted text as the member's.
#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// The marker only quoted lines hold (no generated new text has a `Q`).
    const QUOTED: &str = "QQUOTEDQ";

    /// A reply line: new text (anything but `>` and `Q`), a quoted line
    /// (`>` after any blank space, holding the marker), an attribution, a
    /// signature, an Outlook header, or a check-off.
    fn line() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => "[^>Q\n\r]{0,60}",
            3 => ("[ \t]{0,3}", "[>]{1,3}", "[^\n\r]{0,40}")
                .prop_map(|(ws, gt, rest)| format!("{ws}{gt}{QUOTED}{rest}")),
            1 => Just("On Tue, Dec 1, 2026 at 9:00 AM Sam Lee <sam@example.com> wrote:".to_string()),
            1 => Just("-- ".to_string()),
            1 => Just("From: Sam Lee".to_string()),
            1 => "(\\[x\\]|done|reopen) [0-9a-f]{4}",
        ]
    }

    /// An HTML reply: paragraphs of new text and blockquotes (nested, with
    /// markup inside) holding the marker.
    fn html_block() -> impl Strategy<Value = String> {
        let text = "[a-zA-Z0-9 .,!?&;]{0,40}";
        prop_oneof![
            3 => text.prop_map(|t| format!("<p>{t}</p>")),
            1 => text.prop_map(|t| format!("<div>{t}<br></div>")),
            2 => (text, 0usize..3).prop_map(|(t, depth)| {
                let open = "<blockquote type=\"cite\"><div>".repeat(depth + 1);
                let close = "</div></blockquote>".repeat(depth + 1);
                format!("{open}{QUOTED} {t}<p>{QUOTED}</p>{close}")
            }),
            1 => Just("<div class=\"gmail_quote\"><blockquote>".to_string() + QUOTED + "</blockquote></div>"),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn any_text_is_read_without_a_panic(body in "(?s).{0,2000}") {
            let said = read_text(&body);
            for check_off in &said.check_offs {
                prop_assert!(check_off.id().chars().all(|c| c.is_ascii_hexdigit()));
            }
            let _ = read_html(&body);
            let _ = html_to_text(&body);
        }

        #[test]
        fn any_bytes_as_a_message_are_read_without_a_panic(raw in proptest::collection::vec(any::<u8>(), 0..4000)) {
            let _ = crate::inbox::read_reply(&raw);
        }

        #[test]
        fn quoted_lines_never_come_back_as_new_text(lines in proptest::collection::vec(line(), 0..40)) {
            let body = lines.join("\n");
            let said = read_text(&body);
            prop_assert!(!said.text.contains(QUOTED), "quoted text kept: {:?}", said.text);
            let crlf = read_text(&body.replace('\n', "\r\n"));
            prop_assert!(!crlf.text.contains(QUOTED), "quoted text kept: {:?}", crlf.text);
        }

        #[test]
        fn html_blockquotes_never_come_back_as_new_text(blocks in proptest::collection::vec(html_block(), 0..20)) {
            let html = format!("<html><body>{}</body></html>", blocks.concat());
            let said = read_html(&html);
            prop_assert!(!said.text.contains(QUOTED), "quoted text kept: {:?} from {html}", said.text);
        }
    }
}
