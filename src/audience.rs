//! Who an output is for. A leaf module: it depends on nothing in the
//! crate, so every area can name an audience without a module cycle.

use serde::Serialize;

/// Who a view is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    /// The coach, the database's owner: sees everything, private notes too.
    Owner,
    /// The team member: sees what is shared with them, nothing private.
    Member,
}
