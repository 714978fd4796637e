//! Rendering sessions for an audience.

pub mod digest;
pub mod html;
pub mod markdown;
pub mod terminal;
pub mod text;
pub mod trends_html;
