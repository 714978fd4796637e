//! How enums are stored: as fixed lowercase words. [`stored_enum!`]
//! declares the word of each variant once and implements `as_str`,
//! `ToSql` and `FromSql`; text that is none of the words (a file edited by
//! hand, or written by a newer version) is an error naming the record and
//! the field, never read as some default.

use std::fmt;

/// A stored word that is not one of the enum's.
#[derive(Debug)]
pub struct UnknownStored {
    /// The record and field, as a phrase: "note visibility".
    pub what: &'static str,
    /// The text found.
    pub text: String,
    /// The words known.
    pub expected: &'static [&'static str],
}

impl fmt::Display for UnknownStored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the database holds an unknown {} \"{}\" (expected {})",
            self.what,
            self.text.escape_debug(),
            self.expected.join(" or ")
        )
    }
}

impl std::error::Error for UnknownStored {}

/// Implements `as_str`, `ToSql` and `FromSql` for an enum stored as text:
///
/// ```text
/// stored_enum!(Visibility, "note visibility", {
///     Shared => "shared",
///     Private => "private",
/// });
/// ```
macro_rules! stored_enum {
    ($ty:ident, $what:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            /// The word stored (and shown) for this value.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $text,)+
                }
            }
        }

        impl rusqlite::types::ToSql for $ty {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(self.as_str().into())
            }
        }

        impl rusqlite::types::FromSql for $ty {
            fn column_result(
                value: rusqlite::types::ValueRef<'_>,
            ) -> rusqlite::types::FromSqlResult<Self> {
                match value.as_str()? {
                    $($text => Ok($ty::$variant),)+
                    other => Err(rusqlite::types::FromSqlError::Other(Box::new(
                        $crate::store::UnknownStored {
                            what: $what,
                            text: other.to_string(),
                            expected: &[$($text),+],
                        },
                    ))),
                }
            }
        }
    };
}

pub(crate) use stored_enum;
