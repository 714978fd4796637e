//! End-to-end tests of the real `coach` binary against real database files.

mod backup;
mod common;
mod core;
mod generated;
mod mail;
mod smtp_server;
