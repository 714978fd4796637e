//! The task lists coach writes into an email itself (the actions), kept
//! beside the Markdown so that the HTML and plain-text parts can render
//! them from their parts instead of parsing them back.
//!
//! A member with 150 open actions gets 150 task lines in every agenda and
//! recap; parsing them was three quarters of rendering the email. A list
//! is rendered straight only when the result cannot differ from parsing
//! it: every piece of every line reads back from its Markdown as the same
//! literal text ([`is_literal`]), the list stands alone between a heading
//! and a blank line ([`splice`]), and the one paragraph put in its place
//! parses as a paragraph of the document itself ([`Spliced::placed`]), so
//! no code block or HTML block of a note swallowed it. Any other list is
//! parsed with the rest, as before; tests compare both ways.

use std::ops::Range;

use comrak::nodes::NodeValue;
use comrak::Node;

use super::markdown::push_escaped;

/// One line of a task list: `- [x] 3f2a Text _(you, due 4 Dec 2026)_`.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskLine {
    pub done: bool,
    /// The short id a reply answers with (the member's own actions).
    pub id: Option<String>,
    pub text: String,
    /// Whose it is and its dates, shown in italics.
    pub detail: Option<String>,
}

impl TaskLine {
    /// The line as Markdown, with its newline.
    fn write_markdown(&self, md: &mut String) {
        md.push_str(if self.done { "- [x] " } else { "- [ ] " });
        if let Some(id) = &self.id {
            push_escaped(md, id);
            md.push(' ');
        }
        push_escaped(md, &self.text);
        if let Some(detail) = &self.detail {
            md.push_str(" _(");
            push_escaped(md, detail);
            md.push_str(")_");
        }
        md.push('\n');
    }

    /// The text of the line's paragraph as comrak reads it back (the
    /// detail in italics, its markers gone): `3f2a Text (you)`.
    pub(super) fn paragraph_text(&self) -> String {
        let mut text = String::with_capacity(self.text.len() + 48);
        if let Some(id) = &self.id {
            text.push_str(id);
            text.push(' ');
        }
        text.push_str(&self.text);
        if let Some(detail) = &self.detail {
            text.push_str(" (");
            text.push_str(detail);
            text.push(')');
        }
        text
    }

    fn is_literal(&self) -> bool {
        self.id.as_deref().is_none_or(is_literal)
            && is_literal(&self.text)
            && self.detail.as_deref().is_none_or(is_literal)
    }
}

/// A task list in an email's Markdown: where it is, and its lines.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskList {
    /// The bytes of its lines in the Markdown (each ends with a newline).
    pub range: Range<usize>,
    pub lines: Vec<TaskLine>,
}

/// Writes `lines` into `md` as one task list and returns it.
pub fn write(md: &mut String, lines: Vec<TaskLine>) -> TaskList {
    let start = md.len();
    for line in &lines {
        line.write_markdown(md);
    }
    TaskList {
        range: start..md.len(),
        lines,
    }
}

/// Whether comrak reads `piece` escaped ([`push_escaped`]), inside a task
/// line, back as `piece` itself: one line, no space at either end, and no
/// character that starts something the escaping leaves alone (an entity,
/// an autolink, an emoji shortcode). A `:` followed by a space starts
/// neither a shortcode nor a URL.
fn is_literal(piece: &str) -> bool {
    let bytes = piece.as_bytes();
    !piece.is_empty()
        && piece.trim() == piece
        && bytes.iter().enumerate().all(|(i, &b)| match b {
            b'&' | b'@' => false,
            b':' => bytes.get(i + 1) == Some(&b' '),
            b'w' | b'W' => !bytes[i..]
                .get(..4)
                .is_some_and(|w| w.eq_ignore_ascii_case(b"www.")),
            // Control characters: C0, DEL, and C1 (U+0080 to U+009F, in
            // UTF-8 0xC2 then 0x80 to 0x9F).
            0..=0x1f | 0x7f => false,
            0xc2 => !bytes.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)),
            _ => true,
        })
}

/// The Markdown with each list that can be rendered straight replaced by
/// a placeholder paragraph, and where those paragraphs start.
pub(super) struct Spliced<'l> {
    pub markdown: String,
    /// Each placeholder's line (1-based) and the list it stands for.
    pub at: Vec<Splice<'l>>,
}

/// A placeholder paragraph and the list it stands for.
#[derive(Clone, Copy)]
pub(super) struct Splice<'l> {
    pub line: usize,
    pub list: &'l TaskList,
}

/// What stands for a list: any one-line paragraph (it is recognised by
/// its line, never by its text).
const PLACEHOLDER: &str = "task list\n";

/// [`Spliced`] of `markdown`, or `None` when no list can be rendered
/// straight. A list can when its lines are all literal, it follows a
/// heading and a blank line, and a blank line then a heading, a
/// paragraph in italics or a rule follows it (or nothing): then no other
/// block joins it, and it joins none.
pub(super) fn splice<'l>(markdown: &str, lists: &'l [TaskList]) -> Option<Spliced<'l>> {
    let mut out = String::new();
    let mut at = Vec::new();
    let (mut copied, mut line) = (0, 1);
    for list in lists {
        let Range { start, end } = list.range.clone();
        if start < copied
            || !stands_alone(markdown, start, end)
            || !list.lines.iter().all(TaskLine::is_literal)
        {
            continue;
        }
        let before = &markdown[copied..start];
        line += before.bytes().filter(|b| *b == b'\n').count();
        out.reserve(markdown.len() - out.len());
        out.push_str(before);
        out.push_str(PLACEHOLDER);
        at.push(Splice { line, list });
        line += 1;
        copied = end;
    }
    if at.is_empty() {
        return None;
    }
    out.push_str(&markdown[copied..]);
    Some(Spliced { markdown: out, at })
}

/// Whether the list at `start..end` of `markdown` follows an ATX heading
/// and a blank line, and is followed by nothing or a blank line and a
/// block that can neither continue it nor join it.
fn stands_alone(markdown: &str, start: usize, end: usize) -> bool {
    let (Some(before), Some(after)) = (markdown.get(..start), markdown.get(end..)) else {
        return false;
    };
    let heading = before
        .strip_suffix("\n\n")
        .map(|b| &b[b.rfind('\n').map_or(0, |i| i + 1)..])
        .is_some_and(|line| line.starts_with("## "));
    let next = after.strip_prefix('\n').map(|a| a.trim_start_matches('\n'));
    heading
        && (after.is_empty()
            || next.is_some_and(|n| {
                n.is_empty() || n.starts_with("## ") || n.starts_with("---") || n.starts_with('_')
            }))
}

impl<'l> Spliced<'l> {
    /// Whether every placeholder parsed as a paragraph of the document
    /// itself (not inside a code block or an HTML block a note left open).
    pub(super) fn placed(&self, root: Node<'_>) -> bool {
        root.children()
            .filter(|child| list_at(&self.at, child).is_some())
            .count()
            == self.at.len()
    }
}

/// The list a paragraph stands for, if it is a placeholder of `at`: a
/// one-line paragraph of the document itself, on a placeholder's line.
pub(super) fn list_at<'l>(at: &[Splice<'l>], node: Node<'_>) -> Option<&'l TaskList> {
    if at.is_empty() {
        return None;
    }
    let data = node.data();
    let (start, end) = (data.sourcepos.start.line, data.sourcepos.end.line);
    if !matches!(data.value, NodeValue::Paragraph)
        || start != end
        || !node
            .parent()
            .is_some_and(|p| matches!(p.data().value, NodeValue::Document))
    {
        return None;
    }
    at.iter().find(|s| s.line == start).map(|s| s.list)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::{html, text};
    use proptest::prelude::*;

    fn line(done: bool, id: Option<&str>, text: &str, detail: Option<&str>) -> TaskLine {
        TaskLine {
            done,
            id: id.map(str::to_string),
            text: text.to_string(),
            detail: detail.map(str::to_string),
        }
    }

    /// An email's Markdown around one task list: what `before` and
    /// `after` say, the list under a heading.
    fn email(before: &str, lines: Vec<TaskLine>, after: &str) -> (String, Vec<TaskList>) {
        let mut md = format!("# Agenda: Weekly\n\n{before}\n## Actions\n\n");
        let list = write(&mut md, lines);
        md.push_str(after);
        (md, vec![list])
    }

    /// Both parts rendered with the lists straight and by parsing them.
    fn both_ways(md: &str, lists: &[TaskList]) -> ((String, String), (String, String)) {
        (
            html::email_parts("t", "p", md, lists),
            html::email_parts("t", "p", md, &[]),
        )
    }

    fn straight(md: &str, lists: &[TaskList]) -> bool {
        splice(md, lists).is_some_and(|spliced| {
            let arena = comrak::Arena::new();
            spliced.placed(html::parse(&arena, &spliced.markdown))
        })
    }

    #[test]
    fn a_list_of_actions_renders_as_parsing_it_would() {
        let lines = vec![
            line(
                false,
                Some("3f2a"),
                "Read the \"refund\" playbook (all of it)",
                Some("you, due 4 Dec 2026, overdue"),
            ),
            line(
                true,
                None,
                "Share the *call* script <b> [link]",
                Some("Sam Lee, done 2 Dec 2026"),
            ),
            line(false, Some("9c1d"), "Shadow two calls: empathy first", None),
            line(true, Some("77ab"), "Café ☕ — \\ ` _ ~ | # !", Some("you")),
        ];
        let (md, lists) = email("Hi Alex.\n", lines, "\n## Next\n\nSee you.\n");
        let (fast, parsed) = both_ways(&md, &lists);
        assert_eq!(fast.0, parsed.0);
        assert_eq!(fast.1, parsed.1);
        assert!(fast.0.contains("&#9744;</span>&nbsp;3f2a Read the &quot;refund&quot; playbook (all of it) <em>(you, due 4 Dec 2026, overdue)</em></li>"));
        assert!(fast.1.contains("- [ ] 3f2a Read the \"refund\" playbook (all of it) (you, due 4 Dec 2026,\n    overdue)"));
    }

    #[test]
    fn lines_that_are_not_literal_are_parsed_with_the_rest() {
        for text in [
            "See https://example.com/x",
            "Mail ana@example.com",
            "Visit www.example.com",
            "Celebrate :tada:",
            "Fish &amp; chips",
            " leading space",
            "two\nlines",
            "",
        ] {
            let (md, lists) = email("", vec![line(false, None, text, Some("you"))], "");
            assert!(
                !straight(&md, &lists),
                "{text:?} would be rendered straight"
            );
            let (fast, parsed) = both_ways(&md, &lists);
            assert_eq!(fast, parsed, "{text:?}");
        }
    }

    #[test]
    fn a_list_a_note_left_inside_a_block_is_parsed_with_it() {
        let lines = || vec![line(false, Some("3f2a"), "Read the playbook", Some("you"))];
        for before in [
            "```\nunclosed fence\n",
            "<pre>\nunclosed pre\n",
            "<!-- open comment\n",
        ] {
            let (md, lists) = email(before, lines(), "\n## Next\n");
            assert!(splice(&md, &lists).is_some());
            assert!(!straight(&md, &lists), "{before:?}");
            let (fast, parsed) = both_ways(&md, &lists);
            assert_eq!(fast, parsed, "{before:?}");
        }
    }

    #[test]
    fn a_list_that_another_block_could_join_is_parsed() {
        let lines = || vec![line(false, Some("3f2a"), "Read the playbook", Some("you"))];
        for after in [
            "\n- another item\n",
            "\n  indented\n",
            "no blank line\n",
            "\n1. item\n",
        ] {
            let (md, lists) = email("", lines(), after);
            assert!(splice(&md, &lists).is_none(), "{after:?}");
        }
        for after in ["", "\n", "\n## Next\n", "\n_A hint._\n", "\n---\n\nBye\n"] {
            let (md, lists) = email("", lines(), after);
            assert!(straight(&md, &lists), "{after:?}");
            let (fast, parsed) = both_ways(&md, &lists);
            assert_eq!(fast, parsed, "{after:?}");
        }
    }

    #[test]
    fn a_list_not_under_a_heading_is_parsed() {
        let lines = vec![line(false, Some("3f2a"), "Read the playbook", Some("you"))];
        // Under a note's list, it would be that list's second item.
        let mut md = "# Agenda: Weekly\n\n- a note's item\n\n".to_string();
        let lists = vec![write(&mut md, lines)];
        assert!(splice(&md, &lists).is_none());
        let (fast, parsed) = both_ways(&md, &lists);
        assert_eq!(fast, parsed);
    }

    /// Text of words, spaces and `symbols`.
    fn text_of(symbols: &[&'static str]) -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                4 => "[a-zA-Z0-9]{1,8}",
                3 => Just(" ".to_string()),
                4 => prop::sample::select(symbols.to_vec()).prop_map(str::to_string),
            ],
            1..12,
        )
        .prop_map(|parts| parts.concat())
    }

    /// What [`push_escaped`] escapes, and what means nothing to Markdown.
    const LITERAL: &[&str] = &[
        "\\", "`", "*", "_", "[", "]", "<", ">", "|", "~", "#", "!", ": ", "\"", "'", "(", ")",
        "-", "+", ".", ",", "/", "%", "^", "{", "}", "$", "=", ";", "\u{a0}", "\u{e000}", "é",
        "☕", "  ", "1.", "- ", "> ", "```", "**", "__", "~~", "[ ]", "[x]", "<b>", "\\*",
    ];

    /// Text from the characters Markdown gives a meaning to, and others:
    /// mostly text a line can be rendered straight from.
    fn piece() -> impl Strategy<Value = String> {
        let mut any = LITERAL.to_vec();
        any.extend([
            "&", "@", ":", "www.", "WWW.", "http://", "&amp;", ":tada:", "\t", "\n", "\r", "\0",
        ]);
        prop_oneof![3 => text_of(LITERAL), 1 => text_of(&any)]
    }

    fn task_line() -> impl Strategy<Value = TaskLine> {
        (
            any::<bool>(),
            proptest::option::of("[0-9a-f]{4,6}"),
            piece(),
            proptest::option::of(piece()),
        )
            .prop_map(|(done, id, text, detail)| TaskLine {
                done,
                id,
                text,
                detail,
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        #[test]
        fn straight_rendering_is_parsing_for_any_lines(
            lines in proptest::collection::vec(task_line(), 1..4),
            after in prop::sample::select(vec!["", "\n## Next\n\nBye.\n", "\n_Hint._\n", "\n---\n"]),
        ) {
            let (md, lists) = email("Hello.\n", lines, after);
            let (fast, parsed) = both_ways(&md, &lists);
            prop_assert_eq!(&fast.0, &parsed.0, "HTML of {:?}", md);
            prop_assert_eq!(&fast.1, &parsed.1, "text of {:?}", md);
            prop_assert_eq!(text::email_plain(&md, &lists), parsed.1);
            prop_assert_eq!(html::email_document("t", "p", &md, &lists), parsed.0);
        }

        #[test]
        fn literal_lines_are_rendered_straight(
            lines in proptest::collection::vec(task_line(), 1..4),
        ) {
            let literal = lines.iter().all(TaskLine::is_literal);
            let (md, lists) = email("Hello.\n", lines, "\n## Next\n");
            prop_assert_eq!(straight(&md, &lists), literal);
        }
    }
}
