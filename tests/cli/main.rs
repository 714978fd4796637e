//! End-to-end tests of the real `coach` binary against real database files.

mod action;
mod attachment;
mod backup;
mod common;
mod completion;
mod core;
mod database;
mod dedicated;
mod examples;
mod exchange;
mod files;
mod generated;
mod hostile;
mod inbox;
mod kudos;
mod mail;
mod metric;
mod privacy;
mod saved;
mod share;
mod smtp_server;
mod stream;
mod team;
mod template;
mod trends;
