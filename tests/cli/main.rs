//! End-to-end tests of the real `coach` binary against real database files.

mod action;
mod common;
mod core;
mod kudos;
mod mail;
mod smtp_server;
mod stream;
