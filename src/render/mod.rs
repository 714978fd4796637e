//! Rendering sessions for an audience.

pub mod html;
