//! Markdown to a complete HTML email document.
