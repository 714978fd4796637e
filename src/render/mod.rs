//! Rendering sessions for an audience.

pub mod digest;
pub mod html;
pub mod markdown;
pub mod task_list;
pub mod terminal;
pub mod text;
pub mod trends_html;
