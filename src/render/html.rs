//! Markdown to a complete HTML email document.
//!
//! A session recap is mailed as `multipart/alternative`: the plain-text part
//! is rendered by [`super::text`] and the HTML part here, both from the
//! same parsed Markdown ([`parse`]). Mail clients are
//! not browsers: Gmail and Outlook drop `<style>` blocks and `class`
//! attributes, Outlook's Word engine ignores `max-width`, and most clients
//! drop `<input>`. So the output carries every style in a `style=""`
//! attribute, lays itself out with tables, and shows task-list items as
//! ☐/☑ glyphs.
//!
//! Safety: the Markdown is written by the coach and may contain anything,
//! including text pasted from elsewhere. Raw HTML in it is *shown* as text
//! (comrak's `render.escape`), never passed through (`render.unsafe_` stays
//! off); only `http:`, `https:`, `mailto:` and `tel:` URLs become links;
//! images become links to the image instead of `<img>`, so opening the
//! email never fetches anything from anywhere (no tracking pixels, no
//! remote content).

use std::fmt::{self, Write};

use comrak::html::{format_document_with_formatter, format_node_default, ChildRendering, Context};
use comrak::nodes::{ListType, NodeLink, NodeValue};
use comrak::options::Plugins;
use comrak::{parse_document, Arena, Node, Options};

use super::task_list::{self, Splice, TaskList};

/// The system font stack: no web fonts, which would be remote content.
macro_rules! font {
    () => {
        "font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;"
    };
}

/// The monospace font stack, for code.
macro_rules! mono {
    () => {
        "font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,'Liberation Mono',monospace;"
    };
}

/// The inline style of each tag the fragment can contain, by tag name.
///
/// Compact on purpose: Gmail clips a message over 102 KB, so text
/// elements inherit the font, size and colour from the card's cell (set
/// once there) and carry only what differs. Table cells repeat the font
/// because Outlook does not inherit it into a nested table. Bottom margins
/// rather than top ones separate blocks; a quote box's last paragraph has
/// none (see `format_node`), so the box is padded evenly.
fn style_for(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "h1" => "margin:0 0 16px;font-size:22px;line-height:1.3;color:#111827;",
        "h2" => "margin:28px 0 12px;padding:0 0 6px;border-bottom:1px solid #e5e7eb;font-size:18px;line-height:1.35;color:#111827;",
        "h3" => "margin:20px 0 8px;font-size:16px;color:#111827;",
        "h4" | "h5" | "h6" => "margin:16px 0 6px;font-size:15px;color:#374151;",
        "p" => "margin:0 0 14px;",
        "ul" | "ol" => "margin:0 0 14px;padding:0 0 0 24px;",
        "li" => "margin:0 0 6px;",
        "blockquote" => "margin:0 0 14px;padding:12px 16px;border-left:4px solid #a5b4fc;background-color:#f5f7ff;",
        "table" => "width:100%;margin:0 0 18px;border-collapse:collapse;border:1px solid #d1d5db;",
        // A header's words are not split ("Measur-ed" on a phone): they
        // are short, and the cells below give way instead.
        "th" => concat!(font!(), "padding:6px;overflow-wrap:normal;word-break:normal;border:1px solid #d1d5db;background-color:#f3f4f6;font-size:14px;line-height:1.4;color:#111827;text-align:left;"),
        "td" => concat!(font!(), "padding:6px;border:1px solid #d1d5db;font-size:14px;line-height:1.4;color:#1f2937;vertical-align:top;"),
        "a" => "color:#2563eb;",
        "code" => concat!(mono!(), "padding:1px 4px;background-color:#f3f4f6;font-size:14px;"),
        "pre" => concat!(mono!(), "margin:0 0 14px;padding:12px;background-color:#f6f8fa;font-size:14px;line-height:1.5;white-space:pre-wrap;"),
        "hr" => "margin:20px 0;border:0;border-top:1px solid #e5e7eb;height:0;",
        "del" => "color:#6b7280;",
        _ => return None,
    })
}

/// A list inside a list item: close to the item's text, no gap after.
const NESTED_LIST_STYLE: &str = "margin:6px 0 0;padding:0 0 0 22px;";

/// The `<li>` of a task-list item: the glyph takes the bullet's place.
const TASK_ITEM_STYLE: &str = "margin:0 0 6px -22px;list-style:none;";
/// A done action item.
const CHECKED: &str = "<span style=\"color:#16a34a;\">&#9745;</span>&nbsp;";
/// An open action item.
const UNCHECKED: &str = "<span style=\"color:#6b7280;\">&#9744;</span>&nbsp;";
/// The last paragraph of a quote box: no margin under it, so the box's
/// padding is the same all round.
const LAST_IN_QUOTE_STYLE: &str = "margin:0;";

/// The outer page, around the white card.
const BODY_STYLE: &str = "margin:0;padding:0;background-color:#f3f4f6;";
/// Long words and URLs wrap anywhere rather than widen the page: a phone
/// is 390 px wide, and `anywhere` (unlike `break-word`) also lets a table
/// cell shrink.
const WRAP_ANYWHERE: &str = "overflow-wrap:anywhere;word-break:break-word;";
/// The card's one cell, which holds the rendered Markdown; everything in it
/// inherits its font, size and colour.
const CARD_CELL_STYLE: &str = concat!(
    font!(),
    "padding:24px 20px;font-size:16px;line-height:1.55;color:#1f2937;text-align:left;"
);
/// The hidden preheader: the line mail clients show after the subject.
const PREHEADER_STYLE: &str =
    "display:none;max-height:0;max-width:0;overflow:hidden;opacity:0;mso-hide:all;font-size:1px;line-height:1px;color:#f3f4f6;";
/// The width of the card, in CSS pixels.
const CARD_WIDTH: u32 = 640;

/// Renders Markdown to a complete, self-contained HTML email document.
///
/// The document has a `<!DOCTYPE html>`, `<html lang="en">`, and a `<head>`
/// with the charset, a viewport and `title` (escaped) as `<title>`. The body
/// starts with `preheader` hidden (the summary a mail client shows after
/// the subject), then a centred card at most 640px wide, laid out with
/// tables, holding [`fragment`]`(markdown)`; on a phone the card takes the
/// screen's width and long words wrap. Nothing in it refers to anything
/// outside the document. `task_lists` are those coach wrote into the
/// Markdown ([`task_list`]): the same HTML, without parsing them back.
pub fn email_document(
    title: &str,
    preheader: &str,
    markdown: &str,
    task_lists: &[TaskList],
) -> String {
    with_parsed(markdown, task_lists, |root, at| {
        email_document_of(title, preheader, root, at, markdown)
    })
}

/// The two parts of an email from one parse of `markdown`: the HTML
/// document ([`email_document`]) and the plain text
/// ([`super::text::email_plain`]).
pub fn email_parts(
    title: &str,
    preheader: &str,
    markdown: &str,
    task_lists: &[TaskList],
) -> (String, String) {
    with_parsed(markdown, task_lists, |root, at| {
        (
            email_document_of(title, preheader, root, at, markdown),
            super::text::plain_of(root, at),
        )
    })
}

/// [`email_document`] of `markdown` already parsed ([`with_parsed`]) as
/// `root`, with the task lists `at` its placeholders.
fn email_document_of<'a>(
    title: &str,
    preheader: &str,
    root: Node<'a>,
    at: &[Splice<'_>],
    markdown: &str,
) -> String {
    let body = fragment_of(root, at, markdown);
    let title = escape(title);
    let mut out = String::with_capacity(body.len() + 2048);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n");
    out.push_str("<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta name=\"color-scheme\" content=\"light\">\n");
    out.push_str("<meta name=\"supported-color-schemes\" content=\"light\">\n");
    out.push_str(&format!("<title>{title}</title>\n"));
    out.push_str("</head>\n");
    out.push_str(&format!("<body style=\"{BODY_STYLE}\">\n"));
    if !preheader.is_empty() {
        out.push_str(&format!(
            "<div style=\"{PREHEADER_STYLE}\">{}</div>\n",
            escape(preheader)
        ));
    }
    out.push_str(&format!(
        "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" \
         style=\"width:100%;border-collapse:collapse;{BODY_STYLE}\">\n\
         <tr>\n<td align=\"center\" style=\"padding:24px 8px;\">\n"
    ));
    // Outlook's Word engine ignores max-width: give it a fixed-width table.
    out.push_str(&format!(
        "<!--[if mso]><table role=\"presentation\" width=\"{CARD_WIDTH}\" cellpadding=\"0\" \
         cellspacing=\"0\" border=\"0\"><tr><td><![endif]-->\n"
    ));
    out.push_str(&format!(
        "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" border=\"0\" \
         style=\"width:100%;max-width:{CARD_WIDTH}px;border-collapse:separate;\
         background-color:#ffffff;border:1px solid #e5e7eb;border-top:4px solid #4f46e5;border-radius:8px;\">\n\
         <tr>\n<td style=\"{CARD_CELL_STYLE}{WRAP_ANYWHERE}\">\n"
    ));
    out.push_str(&body);
    out.push_str("</td>\n</tr>\n</table>\n");
    out.push_str("<!--[if mso]></td></tr></table><![endif]-->\n");
    out.push_str("</td>\n</tr>\n</table>\n</body>\n</html>\n");
    out
}

/// Renders Markdown to an HTML fragment with inline styles, without the
/// document and the card around it (for embedding in another page or mail).
///
/// GitHub-flavoured: tables, task lists, strikethrough and autolinks. Lines
/// wrapped in an editor form one paragraph, as on GitHub.
pub fn fragment(markdown: &str) -> String {
    with_parsed(markdown, &[], |root, at| fragment_of(root, at, markdown))
}

/// [`fragment`] of `markdown` already parsed as `root`.
fn fragment_of<'a>(root: Node<'a>, at: &[Splice<'_>], markdown: &str) -> String {
    let options = comrak_options();
    let mut html = String::with_capacity(markdown.len() * 2);
    let formatted = format_document_with_formatter(
        root,
        &options,
        &mut html,
        &Plugins::default(),
        format_node,
        at,
    );
    if formatted.is_err() {
        // Writing to a String cannot fail and the formatter only fails when
        // writing does; should it happen anyway, the text is still shown.
        return format!("<pre>{}</pre>\n", escape(markdown));
    }
    add_inline_styles(&html)
}

/// The parsed document both parts of an email are rendered from: this
/// module's HTML and [`super::text::plain`].
pub fn parse<'a>(arena: &'a Arena<'a>, markdown: &str) -> Node<'a> {
    parse_document(arena, markdown, &comrak_options())
}

/// `f` of `markdown` parsed, with the task lists that render straight
/// replaced by placeholders ([`task_list::splice`]); of `markdown` parsed
/// as it is when none can, or when a placeholder did not land where its
/// list stood.
pub(super) fn with_parsed<R>(
    markdown: &str,
    task_lists: &[TaskList],
    f: impl for<'a> FnOnce(Node<'a>, &[Splice<'_>]) -> R,
) -> R {
    let arena = Arena::new();
    if let Some(spliced) = task_list::splice(markdown, task_lists) {
        let root = parse(&arena, &spliced.markdown);
        if spliced.placed(root) {
            return f(root, &spliced.at);
        }
    }
    f(parse(&arena, markdown), &[])
}

/// comrak's options: GFM, with raw HTML shown as text.
fn comrak_options() -> Options<'static> {
    let mut options = Options::default();
    options.extension.table = true;
    options.extension.tasklist = true;
    options.extension.strikethrough = true;
    options.extension.autolink = true;
    // `:tada:` in a note becomes 🎉, as in chat tools coaches already use.
    options.extension.shortcodes = true;
    // Raw HTML is never passed through, and comrak blanks `javascript:`
    // and other dangerous URLs (`link_url` adds an allow-list on top).
    options.render.r#unsafe = false;
    // Instead of being dropped, raw HTML is escaped: a note that says
    // `<script>` or `<br>` shows exactly that, as in the plain-text part.
    options.render.escape = true;
    options
}

/// The formatter: comrak's own, except for the nodes mail needs differently.
fn format_node<'a>(
    context: &mut Context<'_, '_, &[Splice<'_>]>,
    node: Node<'a>,
    entering: bool,
) -> Result<ChildRendering, fmt::Error> {
    if let Some(list) = task_list::list_at(context.user, node) {
        if entering {
            write_task_list(context, list)?;
        }
        return Ok(ChildRendering::Skip);
    }
    let ast = node.data();
    match ast.value {
        NodeValue::Link(ref link) => render_link(context, node, link, entering),
        NodeValue::Image(ref link) => render_image(context, node, link, entering),
        NodeValue::TaskItem(ref item) => {
            let list_type = node.parent().and_then(|p| match p.data().value {
                NodeValue::List(ref list) => Some(list.list_type),
                _ => None,
            });
            let in_list = list_type.is_some();
            let glyph = if item.symbol.is_some() {
                CHECKED
            } else {
                UNCHECKED
            };
            if entering {
                context.cr()?;
                match list_type {
                    // The glyph replaces the bullet, but not the number.
                    Some(ListType::Bullet) => write!(context, "<li style=\"{TASK_ITEM_STYLE}\">")?,
                    Some(ListType::Ordered) => context.write_str("<li>")?,
                    None => {}
                }
                // Normally the glyph goes inside the first paragraph (see
                // below), so that it stays on the line of a loose item's text.
                let starts_with_paragraph = node
                    .first_child()
                    .is_some_and(|c| matches!(c.data().value, NodeValue::Paragraph));
                if !starts_with_paragraph {
                    context.write_str(glyph)?;
                }
            } else if in_list {
                context.write_str("</li>")?;
                context.lf()?;
            }
            Ok(ChildRendering::HTML)
        }
        NodeValue::Paragraph if is_last_in_quote(node) => {
            if entering {
                context.cr()?;
                write!(context, "<p style=\"{LAST_IN_QUOTE_STYLE}\">")?;
            } else {
                context.write_str("</p>")?;
                context.lf()?;
            }
            Ok(ChildRendering::HTML)
        }
        NodeValue::Paragraph if node.previous_sibling().is_none() => {
            let Some(item) = node.parent() else {
                return format_node_default(context, node, entering);
            };
            let glyph = match item.data().value {
                NodeValue::TaskItem(ref task) if task.symbol.is_some() => CHECKED,
                NodeValue::TaskItem(_) => UNCHECKED,
                _ => return format_node_default(context, node, entering),
            };
            let tight = item
                .parent()
                .is_some_and(|list| matches!(list.data().value, NodeValue::List(ref l) if l.tight));
            match (tight, entering) {
                (true, true) => context.write_str(glyph)?,
                (true, false) => {}
                (false, true) => {
                    context.cr()?;
                    context.write_str("<p>")?;
                    context.write_str(glyph)?;
                }
                (false, false) => {
                    context.write_str("</p>")?;
                    context.lf()?;
                }
            }
            Ok(ChildRendering::HTML)
        }
        NodeValue::CodeBlock(ref block) => {
            // A plain <pre>: comrak's <code class="language-…"> would leave
            // a class behind and a <code> that gets the inline-code style.
            if entering {
                context.cr()?;
                context.write_str("<pre>")?;
                context.escape(&block.literal)?;
                context.write_str("</pre>")?;
                context.lf()?;
            }
            Ok(ChildRendering::HTML)
        }
        NodeValue::HtmlBlock(ref block) => {
            // Escaped like inline HTML (`render.escape`), but as a paragraph
            // that keeps its lines, as the note was typed.
            if entering {
                context.cr()?;
                context.write_str("<p>")?;
                for (i, line) in block.literal.trim_end().lines().enumerate() {
                    if i > 0 {
                        context.write_str("<br />\n")?;
                    }
                    context.escape(line)?;
                }
                context.write_str("</p>")?;
                context.lf()?;
            }
            Ok(ChildRendering::HTML)
        }
        _ => format_node_default(context, node, entering),
    }
}

/// A task list as comrak and [`format_node`] render its Markdown (a tight
/// list of one-paragraph task items), before the style pass.
fn write_task_list<T>(context: &mut Context<'_, '_, T>, list: &TaskList) -> fmt::Result {
    context.cr()?;
    context.write_str("<ul>")?;
    context.lf()?;
    for line in &list.lines {
        context.cr()?;
        write!(context, "<li style=\"{TASK_ITEM_STYLE}\">")?;
        context.write_str(if line.done { CHECKED } else { UNCHECKED })?;
        // `3f2a Text <em>(detail)</em>`: escaped piece by piece, as
        // escaping the paragraph's text whole would.
        if let Some(id) = &line.id {
            context.escape(id)?;
            context.write_str(" ")?;
        }
        context.escape(&line.text)?;
        if let Some(detail) = &line.detail {
            context.write_str(" <em>(")?;
            context.escape(detail)?;
            context.write_str(")</em>")?;
        }
        context.write_str("</li>")?;
        context.lf()?;
    }
    context.write_str("</ul>")?;
    context.lf()
}

/// Whether `node` is the last block of a quote box.
fn is_last_in_quote(node: Node<'_>) -> bool {
    node.next_sibling().is_none()
        && node
            .parent()
            .is_some_and(|p| matches!(p.data().value, NodeValue::BlockQuote))
}

/// A link, only if its URL is one that is safe and useful in an email;
/// otherwise just its text. A bare URL (an autolink, or a link whose text
/// is its URL) shows as a short label, its host, so that it neither
/// widens a phone's screen nor reads as noise.
fn render_link<T>(
    context: &mut Context<'_, '_, T>,
    node: Node<'_>,
    link: &NodeLink,
    entering: bool,
) -> Result<ChildRendering, fmt::Error> {
    if link_url(&link.url).is_none() {
        return Ok(ChildRendering::HTML);
    }
    let label = short_label(node, &link.url);
    match (entering, label) {
        (true, Some(label)) => {
            write_opening_a(context, link)?;
            context.escape(&label)?;
            context.write_str("</a>")?;
            Ok(ChildRendering::Skip)
        }
        (true, None) => {
            write_opening_a(context, link)?;
            Ok(ChildRendering::HTML)
        }
        (false, Some(_)) => Ok(ChildRendering::HTML),
        (false, None) => {
            context.write_str("</a>")?;
            Ok(ChildRendering::HTML)
        }
    }
}

/// For a link whose text is its own web URL: `example.com/…` (the host,
/// and an ellipsis when there is more to the URL). `None` for any other
/// link, and for `mailto:` and `tel:`, whose text is short and meaningful.
fn short_label(node: Node<'_>, url: &str) -> Option<String> {
    let mut text = String::new();
    for child in node.children() {
        match child.data().value {
            NodeValue::Text(ref t) => text.push_str(t),
            _ => return None,
        }
    }
    let rest = ["https://", "http://"].iter().find_map(|scheme| {
        url.get(..scheme.len())
            .filter(|s| s.eq_ignore_ascii_case(scheme))
            .map(|_| &url[scheme.len()..])
    });
    let rest = rest?;
    let shown_as_url = text == url || url.ends_with(&format!("://{text}")) || text == rest;
    if !shown_as_url {
        return None;
    }
    let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = rest[..host_end].trim_start_matches("www.");
    let more = rest[host_end..].trim_end_matches('/');
    Some(if more.is_empty() {
        host.to_string()
    } else {
        format!("{host}/…")
    })
}

/// An image, as a link to it: showing it would make the mail client fetch
/// it from wherever it is when the email is opened.
fn render_image<'a, T>(
    context: &mut Context<'_, '_, T>,
    node: Node<'a>,
    link: &NodeLink,
    entering: bool,
) -> Result<ChildRendering, fmt::Error> {
    let live = link_url(&link.url).is_some();
    if entering {
        if live {
            write_opening_a(context, link)?;
        }
        if node.first_child().is_none() {
            // No alt text: the URL is all there is to show.
            context.escape(&link.url)?;
        }
    } else if live {
        context.write_str("</a>")?;
    }
    Ok(ChildRendering::HTML)
}

fn write_opening_a<T>(context: &mut Context<'_, '_, T>, link: &NodeLink) -> fmt::Result {
    context.write_str("<a href=\"")?;
    context.escape_href(&link.url)?;
    context.write_str("\"")?;
    if !link.title.is_empty() {
        context.write_str(" title=\"")?;
        context.escape(&link.title)?;
        context.write_str("\"")?;
    }
    context.write_str(">")
}

/// `url` if it may become a live link in an email: an absolute `http:`,
/// `https:`, `mailto:` or `tel:` URL. An allow-list, so `javascript:`,
/// `vbscript:`, `data:`, `file:`, obfuscations such as `java\tscript:`, and
/// relative URLs (which mean nothing in an email) are all left out.
fn link_url(url: &str) -> Option<&str> {
    const SCHEMES: [&str; 4] = ["http://", "https://", "mailto:", "tel:"];
    let allowed = SCHEMES.iter().any(|scheme| {
        url.get(..scheme.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(scheme))
    });
    (allowed && !comrak::html::dangerous_url(url)).then_some(url)
}

/// Adds each tag's inline style (see [`style_for`]) to the HTML comrak and
/// [`format_node`] wrote.
///
/// Rewriting tags as text is safe because of an invariant of that HTML:
/// every `<` in it starts a tag that comrak or `format_node` wrote, and that
/// tag ends at the first `>`. With `render.unsafe_` off and `render.escape`
/// on, comrak writes text, code and raw HTML through `escape` (`<`, `>`, `"`
/// and `&` become entities) and URLs through `escape_href` (anything but a
/// few safe ASCII characters is percent-encoded); attribute values are
/// quoted with `"`, which neither lets through. So the Markdown can put
/// neither a `<` nor a `>` nor a `"` into the output, and cannot make text
/// look like a tag or end an attribute early.
fn add_inline_styles(html: &str) -> String {
    let mut out = String::with_capacity(html.len() * 3);
    let mut list_depth = 0_usize;
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let Some(end) = rest.find('>') else {
            break;
        };
        let tag = &rest[..=end];
        rest = &rest[end + 1..];
        if let Some(closing) = tag.strip_prefix("</") {
            if closing.starts_with("ul>") || closing.starts_with("ol>") {
                list_depth = list_depth.saturating_sub(1);
            }
            out.push_str(tag);
            continue;
        }
        let name_len = tag[1..]
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(tag.len() - 1);
        let (name, attributes) = (&tag[1..1 + name_len], &tag[1 + name_len..]);
        let style = match name {
            "ul" | "ol" => {
                list_depth += 1;
                if list_depth > 1 {
                    Some(NESTED_LIST_STYLE)
                } else {
                    style_for(name)
                }
            }
            _ => style_for(name),
        };
        match style {
            // A tag format_node wrote with its own style keeps it.
            Some(style) if !attributes.contains(" style=\"") => {
                push_styled_tag(&mut out, name, style, attributes);
            }
            _ => out.push_str(tag),
        }
    }
    out.push_str(rest);
    out
}

/// Writes `<name style="style"attributes` (`attributes` ends with the `>`).
fn push_styled_tag(out: &mut String, name: &str, style: &str, attributes: &str) {
    out.push('<');
    out.push_str(name);
    out.push_str(" style=\"");
    out.push_str(style);
    // Table cells: comrak writes a column's alignment as `align="…"`, which
    // some clients ignore once a style is there; say it in the style too.
    const ALIGNMENTS: [(&str, &str); 3] = [
        (" align=\"left\"", "text-align:left;"),
        (" align=\"center\"", "text-align:center;"),
        (" align=\"right\"", "text-align:right;"),
    ];
    for (attribute, style) in ALIGNMENTS {
        if attributes.contains(attribute) {
            out.push_str(style);
        }
    }
    out.push('"');
    out.push_str(attributes);
}

/// Escapes text for HTML content or a quoted attribute value: the one
/// HTML escaper (emails, the trends page).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECAP: &str = "\
# 1:1 with Ada — 12 March

## Agreed actions

- [ ] Draft the migration RFC by Friday
- [x] Book the pairing session with Grace
- [ ] Share the on-call notes 🚀

## Metrics

| Metric | Last time | Now |
|:-------|----------:|:---:|
| Cycle time (days) | 4.5 | 3.2 |
| PRs reviewed | 7 | 12 |

## Kudos

> Great job leading the incident review — calm and thorough. 🎉

## Notes

Talked about the *career ladder* and **next steps**; see
[the ladder](https://example.com/ladder?a=1&b=2) and `coach session show`.

- Ask about conference budget
- Revisit ~~Q2~~ Q3 goals
  - with the team lead
";

    #[test]
    fn is_a_complete_document_with_an_escaped_title() {
        let html = email_document("Recap <b>& \"you\"", "Pre <i>", "Hello", &[]);
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
        assert!(html.contains("<meta charset=\"utf-8\">"));
        assert!(html.contains("<meta name=\"viewport\""));
        assert!(html.contains("<title>Recap &lt;b&gt;&amp; &quot;you&quot;</title>"));
        assert!(
            html.contains("line-height:1px;color:#f3f4f6;\">Pre &lt;i&gt;</div>"),
            "{html}"
        );
        assert!(!html.contains("<b>"));
        assert!(html.contains("max-width:640px"));
        assert!(html.trim_end().ends_with("</html>"));
    }

    #[test]
    fn raw_html_is_shown_as_text_never_live() {
        let markdown = "<script>alert(1)</script>\n\n\
                        A note: <img src=x onerror=alert(1)> and <b>bold</b>.\n\n\
                        <img src=x onerror=alert(1)>\n\n\
                        - <script>alert(2)</script>\n\n\
                        | a |\n|---|\n| <script>alert(3)</script> |\n";
        let html = email_document("t", "", markdown, &[]);
        for live in ["<script", "<img", "<b>", "onerror=alert(1)>"] {
            assert!(!html.contains(live), "{live} in {html}");
        }
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(html.contains("&lt;b&gt;bold&lt;/b&gt;"));
        assert!(html.contains("&lt;script&gt;alert(3)&lt;/script&gt;"));
    }

    #[test]
    fn dangerous_urls_do_not_become_links() {
        let markdown = "[x](javascript:alert(1)) [y](JavaScript:alert(1)) \
                        [z](data:text/html;base64,PHNjcmlwdD4=) [w](vbscript:msgbox) \
                        [v](file:///etc/passwd) [u](java%0Ascript:alert(1)) \
                        ![i](javascript:alert(1)) <javascript:alert(1)>";
        let html = fragment(markdown);
        assert!(!html.contains("<a"), "{html}");
        assert!(!html.to_ascii_lowercase().contains("href"), "{html}");
        assert!(html.contains(">x "), "{html}");
    }

    #[test]
    fn comrak_itself_blanks_dangerous_urls_with_these_options() {
        // The first line of defence, under `link_url`'s allow-list.
        let html = comrak::markdown_to_html("[x](javascript:alert(1))", &comrak_options());
        assert_eq!(html, "<p><a href=\"\">x</a></p>\n");
    }

    #[test]
    fn ordered_task_lists_keep_their_numbers() {
        let html = fragment("1. [x] done\n2. [ ] todo\n");
        assert!(!html.contains("list-style:none"), "{html}");
        assert!(html.contains("&#9745;</span>&nbsp;done</li>"), "{html}");
    }

    #[test]
    fn safe_links_are_kept_and_styled() {
        let html = fragment(
            "[ladder](https://example.com/a?b=1&c=\"2\" \"The <ladder>\") \
             www.example.org mail ada@example.com",
        );
        assert!(html.contains(
            "<a style=\"color:#2563eb;\" \
             href=\"https://example.com/a?b=1&amp;c=%222%22\" title=\"The &lt;ladder&gt;\">ladder</a>"
        ), "{html}");
        assert!(html.contains("href=\"http://www.example.org\""), "{html}");
        assert!(html.contains("href=\"mailto:ada@example.com\""), "{html}");
    }

    #[test]
    fn images_become_links_not_remote_content() {
        let html =
            fragment("![the chart](https://example.com/chart.png) ![](https://example.com/x.png)");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("href=\"https://example.com/chart.png\">the chart</a>"),
            "{html}"
        );
        assert!(html.contains(">https://example.com/x.png</a>"), "{html}");
    }

    #[test]
    fn tables_are_styled_and_keep_alignment() {
        let html = fragment(RECAP);
        assert!(html.contains("<table style=\""));
        assert!(html.contains("<th style=\""));
        assert!(html.contains("<td style=\""));
        assert!(html.contains("border:1px solid"));
        assert!(
            html.contains("text-align:right;\" align=\"right\">4.5</td>"),
            "{html}"
        );
        assert!(
            html.contains("text-align:center;\" align=\"center\">3.2</td>"),
            "{html}"
        );
    }

    #[test]
    fn task_lists_render_as_glyphs() {
        let html = fragment(RECAP);
        assert!(!html.contains("<input"));
        assert!(
            html.contains("&#9744;</span>&nbsp;Draft the migration RFC by Friday</li>"),
            "{html}"
        );
        assert!(
            html.contains("&#9745;</span>&nbsp;Book the pairing session with Grace</li>"),
            "{html}"
        );
        // A loose task list keeps the glyph on the line of its text.
        let loose = fragment("- [x] One\n\n- [ ] Two\n\n  More about two.\n");
        assert!(loose.contains("&#9745;</span>&nbsp;One</p>"), "{loose}");
        assert!(loose.contains("&#9744;</span>&nbsp;Two</p>"), "{loose}");
        assert!(!loose.contains("<input"));
    }

    #[test]
    fn every_element_is_styled_and_nothing_needs_a_stylesheet() {
        let markdown =
            format!("{RECAP}\n---\n\n```rust\nfn main() {{}}\n```\n\n```math\nx^2\n```\n");
        let html = email_document("Recap", "", &markdown, &[]);
        assert!(!html.contains("<style"));
        assert!(!html.contains("class="));
        for tag in [
            "h1",
            "h2",
            "p",
            "a",
            "ul",
            "li",
            "blockquote",
            "code",
            "pre",
            "hr",
            "del",
        ] {
            assert!(
                html.contains(&format!("<{tag} style=\"")),
                "<{tag}> without style: {html}"
            );
            let unstyled = format!("<{tag}>");
            assert!(!html.contains(&unstyled), "unstyled {unstyled}");
        }
    }

    #[test]
    fn non_ascii_and_emoji_survive() {
        let html = email_document("Café ☕", "", RECAP, &[]);
        assert!(html.contains("<title>Café ☕</title>"));
        assert!(html.contains("on-call notes 🚀"));
        assert!(html.contains("thorough. 🎉"));
        assert!(html.contains("1:1 with Ada — 12 March"));
    }

    #[test]
    fn lines_wrapped_in_an_editor_form_one_paragraph() {
        let html = fragment("one\ntwo");
        assert!(!html.contains("<br"), "{html}");
        assert!(html.contains(">one\ntwo</p>"), "{html}");
    }

    #[test]
    fn bare_urls_show_their_host_and_quote_boxes_are_padded_evenly() {
        let html = fragment(
            "See https://support.example.com/tickets/48213?tab=conversation and \
             [https://example.org](https://example.org) or [the docs](https://example.org/docs).\n\n\
             > one\n>\n> two\n",
        );
        assert!(
            html.contains("href=\"https://support.example.com/tickets/48213?tab=conversation\">support.example.com/…</a>"),
            "{html}"
        );
        assert!(html.contains(">example.org</a>"), "{html}");
        assert!(html.contains(">the docs</a>"), "{html}");
        assert!(html.contains(">one</p>"), "{html}");
        assert!(html.contains("<p style=\"margin:0;\">two</p>"), "{html}");
    }

    #[test]
    fn markdown_cannot_forge_a_tag_for_the_style_pass() {
        // Whatever the text, every '<' in the fragment starts a known tag.
        let markdown = "a < b > c \"d\" `<p>` \\<h2\\> &lt;i&gt; <!-- hidden? -->\n\n\
                        ```\n</pre><script>\n```\n\n[t](https://x.test/\"><script> \"<p style=\")";
        let html = fragment(markdown);
        assert!(!html.contains("<script"), "{html}");
        for piece in html.split('<').skip(1) {
            let name: String = piece
                .trim_start_matches('/')
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            assert!(
                ["p", "br", "code", "pre", "a", "span"].contains(&name.as_str()),
                "unexpected <{name} in {html}"
            );
        }
        assert!(html.contains("&lt;!-- hidden? --&gt;"), "{html}");
    }
}
