//! Mail: building messages and sending them.
