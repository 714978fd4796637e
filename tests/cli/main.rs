//! End-to-end tests of the real `coach` binary against real database files.

mod common;
mod core;
mod mail;
mod metric;
mod smtp_server;
