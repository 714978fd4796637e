//! `coach`: run 1:1 coaching sessions from the command line.

pub mod error;
pub mod mail;
pub mod render;
pub mod when;

pub use error::{Error, ErrorKind, Result};
