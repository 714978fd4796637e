//! Dates and times as people type them.
