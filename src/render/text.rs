//! Markdown to plain text a person reads: the text/plain part of an email.
//!
//! Rendered from the same parsed document as the HTML part
//! ([`super::html::parse`]), the way GitHub's notification emails read: no
//! Markdown escapes or markers, headings as plain lines, lists with `-`,
//! task items as `- [ ]`/`- [x]` (so a reply can answer them), links as
//! `text <url>`, `:shortcodes:` as emoji, tables as aligned columns, code
//! blocks indented, quotes with `> `. Prose is wrapped at [`WIDTH`]
//! columns, and a word (a URL above all) is never broken: one longer than
//! the line stands alone on its own.

use comrak::nodes::{ListType, NodeValue, TableAlignment};
use comrak::Node;
use unicode_width::UnicodeWidthStr;

use super::task_list::{self, Splice, TaskList};

/// The width prose is wrapped to, in terminal columns.
pub const WIDTH: usize = 72;

/// Stands for a space inside a code span while prose is wrapped, so that
/// `done 8115` or `[x] 8115` (a command a reply answers with) is never
/// broken across lines; a space again in the result. (A private-use
/// character: no text a person writes means anything by it.)
const UNBREAKABLE_SPACE: char = '\u{e000}';

/// `markdown` as plain text, wrapped at [`WIDTH`], ending with one newline.
pub fn plain(markdown: &str) -> String {
    email_plain(markdown, &[])
}

/// [`plain`] of an email's Markdown, with the task lists coach wrote into
/// it ([`super::task_list`]): the same text, without parsing them back.
pub fn email_plain(markdown: &str, task_lists: &[TaskList]) -> String {
    super::html::with_parsed(markdown, task_lists, plain_of)
}

/// [`plain`] of Markdown already parsed ([`super::html::with_parsed`]) as
/// `root`, with the task lists `at` its placeholders.
pub(super) fn plain_of<'a>(root: Node<'a>, at: &[Splice<'_>]) -> String {
    let splice = |node: Node<'_>| task_list::list_at(at, node).map(task_list_lines);
    let lines = blocks_with(root, WIDTH, &splice);
    let mut out = lines.join("\n").replace(UNBREAKABLE_SPACE, " ");
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// The lines of the block children of `node`, separated by blank lines
/// (except the items of a tight list), at most `width` columns of prose.
fn blocks<'a>(node: Node<'a>, width: usize) -> Vec<String> {
    blocks_with(node, width, &|_| None)
}

/// [`blocks`], with the lines `splice` gives for a child instead of its own.
fn blocks_with<'a>(
    node: Node<'a>,
    width: usize,
    splice: &dyn Fn(Node<'a>) -> Option<Vec<String>>,
) -> Vec<String> {
    let tight =
        matches!(node.data().value, NodeValue::List(ref l) if l.tight) || is_tight_item(node);
    let mut out: Vec<String> = Vec::new();
    for (index, child) in node.children().enumerate() {
        let lines = splice(child).unwrap_or_else(|| block(child, index, width));
        if lines.is_empty() {
            continue;
        }
        if !out.is_empty() && !tight {
            out.push(String::new());
        }
        out.extend(lines);
    }
    out
}

/// Whether `node` is a list item of a tight list: its paragraphs and
/// nested list follow each other without blank lines.
fn is_tight_item(node: Node<'_>) -> bool {
    matches!(
        node.data().value,
        NodeValue::Item(_) | NodeValue::TaskItem(_)
    ) && node
        .parent()
        .is_some_and(|list| matches!(list.data().value, NodeValue::List(ref l) if l.tight))
}

/// The lines of one block; `index` is its position among its siblings
/// (the number of an ordered list's item).
fn block<'a>(node: Node<'a>, index: usize, width: usize) -> Vec<String> {
    let value = node.data().value.clone();
    match value {
        NodeValue::Paragraph => wrap(&inline(node), width),
        NodeValue::Heading(_) => inline(node).lines().map(|l| l.trim().to_string()).collect(),
        NodeValue::List(_) => blocks(node, width),
        NodeValue::Item(_) | NodeValue::TaskItem(_) => list_item(node, index, width),
        NodeValue::BlockQuote | NodeValue::MultilineBlockQuote(_) | NodeValue::Alert(_) => {
            prefixed(blocks(node, width.saturating_sub(2)), "> ", "> ")
        }
        NodeValue::CodeBlock(code) => code
            .literal
            .trim_end_matches('\n')
            .lines()
            .map(|l| format!("    {l}").trim_end().to_string())
            .collect(),
        NodeValue::HtmlBlock(html) => html
            .literal
            .trim_end()
            .lines()
            .map(str::to_string)
            .collect(),
        NodeValue::ThematicBreak => vec!["---".to_string()],
        NodeValue::Table(table) => table_lines(node, &table.alignments),
        NodeValue::Document => blocks(node, width),
        _ => {
            let text = inline(node);
            if text.trim().is_empty() {
                blocks(node, width)
            } else {
                wrap(&text, width)
            }
        }
    }
}

/// A list item: `- ` (or `1. `, `- [ ] `) before its first line, its
/// other lines indented to match.
fn list_item<'a>(node: Node<'a>, index: usize, width: usize) -> Vec<String> {
    let ordered = node
        .parent()
        .and_then(|p| match p.data().value {
            NodeValue::List(ref l) if l.list_type == ListType::Ordered => Some(l.start),
            _ => None,
        })
        .map(|start| format!("{}. ", start + index));
    let mut marker = ordered.unwrap_or_else(|| "- ".to_string());
    if let NodeValue::TaskItem(ref task) = node.data().value {
        marker.push_str(if task.symbol.is_some() {
            "[x] "
        } else {
            "[ ] "
        });
    }
    let indent = " ".repeat(marker.width().min(4));
    let lines = blocks(node, width.saturating_sub(indent.len()));
    if lines.is_empty() {
        return vec![marker.trim_end().to_string()];
    }
    prefixed(lines, &marker, &indent)
}

/// A task list's lines as [`list_item`] renders its Markdown: each
/// line's paragraph wrapped below its `- [ ] ` marker.
fn task_list_lines(list: &TaskList) -> Vec<String> {
    let mut out = Vec::with_capacity(list.lines.len());
    for line in &list.lines {
        let text = line.paragraph_text();
        let marker = if line.done { "- [x] " } else { "- [ ] " };
        out.extend(prefixed(wrap(&text, WIDTH - 4), marker, "    "));
    }
    out
}

/// `lines` with `first` before the first one and `rest` before the others
/// (blank lines stay blank, but keep a quote's `>`).
fn prefixed(lines: Vec<String>, first: &str, rest: &str) -> Vec<String> {
    lines
        .into_iter()
        .enumerate()
        .map(|(i, line)| {
            let prefix = if i == 0 { first } else { rest };
            if line.is_empty() {
                prefix.trim_end().to_string()
            } else {
                format!("{prefix}{line}")
            }
        })
        .collect()
}

/// The text of the inline children of `node`: markers dropped, links as
/// `text <url>`, hard breaks as newlines, soft breaks as spaces.
fn inline<'a>(node: Node<'a>) -> String {
    let mut out = String::new();
    for child in node.children() {
        inline_into(child, &mut out);
    }
    out
}

fn inline_into<'a>(node: Node<'a>, out: &mut String) {
    match node.data().value {
        NodeValue::Text(ref text) => out.push_str(text),
        NodeValue::Code(ref code) => {
            out.push_str(&code.literal.replace(' ', &UNBREAKABLE_SPACE.to_string()))
        }
        NodeValue::HtmlInline(ref html) | NodeValue::Raw(ref html) => out.push_str(html),
        NodeValue::ShortCode(ref code) => out.push_str(&code.emoji),
        NodeValue::SoftBreak => out.push(' '),
        NodeValue::LineBreak => out.push('\n'),
        NodeValue::Link(ref link) | NodeValue::Image(ref link) => {
            let text = inline(node);
            let url = link.url.as_str();
            let bare = url.strip_prefix("mailto:").unwrap_or(url);
            if text.is_empty() || text == url || text == bare {
                out.push_str(bare);
            } else {
                out.push_str(&text);
                out.push_str(" <");
                out.push_str(url);
                out.push('>');
            }
        }
        _ => {
            for child in node.children() {
                inline_into(child, out);
            }
        }
    }
}

/// Prose wrapped at `width` columns, on spaces only: a word is never
/// broken, and one wider than the line (a long URL) gets a line of its own.
/// Newlines in `text` (hard breaks) are kept.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(20);
    let mut lines = Vec::new();
    for paragraph_line in text.split('\n') {
        // The line's width is kept as it grows: measuring the whole line
        // again for each word made a long paragraph quadratic.
        let (mut line, mut line_width) = (String::new(), 0);
        for word in paragraph_line.split_whitespace() {
            let word_width = word.width();
            if !line.is_empty() && line_width + 1 + word_width > width {
                lines.push(std::mem::take(&mut line));
                line_width = 0;
            }
            if !line.is_empty() {
                line.push(' ');
                line_width += 1;
            }
            line.push_str(word);
            line_width += word_width;
        }
        lines.push(line);
    }
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

/// A table as columns two spaces apart, the header row underlined.
fn table_lines<'a>(node: Node<'a>, alignments: &[TableAlignment]) -> Vec<String> {
    let rows: Vec<Vec<String>> = node
        .children()
        .map(|row| {
            row.children()
                .map(|cell| inline(cell).replace('\n', " ").trim().to_string())
                .collect()
        })
        .collect();
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|cell| cell.width())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = Vec::with_capacity(rows.len() + 1);
    for (r, row) in rows.iter().enumerate() {
        let mut line = String::new();
        for (c, cell) in row.iter().enumerate() {
            let pad = widths[c].saturating_sub(cell.width());
            if c > 0 {
                line.push_str("  ");
            }
            if alignments.get(c) == Some(&TableAlignment::Right) {
                line.push_str(&" ".repeat(pad));
                line.push_str(cell);
            } else {
                line.push_str(cell);
                line.push_str(&" ".repeat(pad));
            }
        }
        out.push(line.trim_end().to_string());
        if r == 0 {
            let total = widths.iter().sum::<usize>() + 2 * widths.len().saturating_sub(1);
            out.push("-".repeat(total));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_markers_and_escapes_are_gone() {
        let text = plain(
            "# Recap: Weekly \\*check-in\\*\n\n**Date:** Thursday  \n\
             Thanks\\! See `macro_v2` and macro\\_v2 :tada:\n",
        );
        assert_eq!(
            text,
            "Recap: Weekly *check-in*\n\nDate: Thursday\nThanks! See macro_v2 and macro_v2 🎉\n"
        );
    }

    #[test]
    fn lists_tasks_links_and_quotes() {
        let text = plain(
            "- one\n- two\n  - nested\n\n1. first\n2. second\n\n\
             - [ ] 3f2a Shadow a team-lead shift\n- [x] Done thing\n\n\
             See [the ladder](https://example.com/ladder) or <https://example.com/x>.\n\n\
             > quoted\n> more\n",
        );
        assert_eq!(
            text,
            "- one\n- two\n  - nested\n\n1. first\n2. second\n\n\
             - [ ] 3f2a Shadow a team-lead shift\n- [x] Done thing\n\n\
             See the ladder <https://example.com/ladder> or https://example.com/x.\n\n\
             > quoted more\n"
        );
    }

    #[test]
    fn prose_wraps_at_72_and_never_breaks_a_url() {
        let url = format!("https://example.com/{}", "a".repeat(100));
        let words = "word ".repeat(40);
        let text = plain(&format!("{words}{url} end"));
        for line in text.lines() {
            assert!(line.width() <= WIDTH || line == url, "{line:?}");
        }
        assert!(text.lines().any(|l| l == url), "{text}");
        assert!(text.ends_with("end\n"));
    }

    #[test]
    fn a_code_span_is_never_broken_across_lines() {
        // The check-off hint: its commands stay whole wherever they fall.
        for pad in 0..40 {
            let md = format!(
                "_{} Done with one of your actions? Answer with a line `[x] 8115` (or `done 8115`); `reopen 8115` opens it again._",
                "x".repeat(pad)
            );
            let text = plain(&md);
            for command in ["[x] 8115", "done 8115", "reopen 8115"] {
                assert!(text.contains(command), "{command} broken at {pad}:\n{text}");
            }
            assert!(text.lines().all(|l| l.width() <= WIDTH), "{text}");
            assert!(!text.contains(UNBREAKABLE_SPACE));
        }
    }

    #[test]
    fn editor_wrapped_lines_form_one_paragraph() {
        assert_eq!(plain("one\ntwo\nthree"), "one two three\n");
    }

    #[test]
    fn tables_are_aligned_columns() {
        let text = plain("| Metric | Value |\n|---|--:|\n| CSAT | 91% |\n| AHT | 380 s |\n");
        assert_eq!(
            text,
            "Metric  Value\n-------------\nCSAT      91%\nAHT     380 s\n"
        );
    }

    #[test]
    fn code_blocks_are_indented_and_kept() {
        assert_eq!(plain("```\nlet x = *y*;\n```"), "    let x = *y*;\n");
    }
}
