//! End-to-end tests of the real `coach` binary.
