//! Rendering sessions for an audience.

pub mod html;
pub mod terminal;
