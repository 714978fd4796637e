//! End-to-end tests of the real `coach` binary against real database files.

mod attachment;
mod common;
mod core;
mod dedicated;
mod mail;
mod smtp_server;
mod template;
