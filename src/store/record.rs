//! The record layer: how a kind of record is named, read and found from
//! the beginning of its id, written once for every kind.
//!
//! An area module says what its records are ([`Record`]: tables, nouns,
//! where the ids are shown, how one is read and how it is listed when a
//! prefix is ambiguous); [`Tx::resolve`], [`Tx::get`] and
//! [`Tx::short_id_of`] do the rest, with the same messages for every kind.

use super::ids::{self, ambiguous, normalize_prefix, MAX_CANDIDATES};
use super::Tx;
use crate::{Error, Result};

/// A kind of record that users name by the beginning of its id.
pub trait Record: Sized {
    /// The tables that hold records of this kind: one, except for kinds
    /// whose ids are typed without saying which table (saved items:
    /// feedback and QA reviews).
    const TABLES: &'static [&'static str];
    /// The record in words: "\"x\" is not a session id".
    const NOUN: &'static str;
    /// Its plural: "\"ab\" matches several sessions: ...".
    const PLURAL: &'static str;
    /// What "no ... has an id starting with" names; the noun by default.
    const ANY: &'static str = Self::NOUN;
    /// Where the ids are shown, the hint of every lookup error.
    const LIST_HINT: &'static str;

    /// The live record with this full id, held in `table` (one of
    /// [`Record::TABLES`]). A missing one is an input error.
    fn read(tx: &Tx<'_>, table: &'static str, id: &str) -> Result<Self>;

    /// How a candidate of an ambiguous prefix is listed: its short id by
    /// default; a kind may add what tells its records apart.
    fn candidate(tx: &Tx<'_>, table: &'static str, id: &str) -> Result<String> {
        tx.short_id(table, id)
    }
}

/// The live ids that start with a prefix, with the table of each.
type Found = Vec<(&'static str, String)>;

impl Tx<'_> {
    /// The record whose id starts with what the user typed (any case,
    /// hyphens or not). An unknown, malformed or ambiguous prefix is an
    /// input error that says so, hinted with [`Record::LIST_HINT`]; an
    /// ambiguous one lists the first candidates ([`Record::candidate`]).
    ///
    /// One range read of the id index per table; an ambiguous prefix reads
    /// its candidates and counts the matches.
    pub fn resolve<T: Record>(&self, query: &str) -> Result<T> {
        let prefix = normalize_prefix(query).ok_or_else(|| {
            Error::input(format!(
                "\"{query}\" is not {} {} id",
                article(T::NOUN),
                T::NOUN
            ))
            .with_hint(T::LIST_HINT)
        })?;
        let found = self.found::<T>(&prefix, MAX_CANDIDATES)?;
        match found.as_slice() {
            [(table, id)] => T::read(self, table, id),
            [] => Err(
                Error::input(format!("no {} has an id starting with \"{query}\"", T::ANY))
                    .with_hint(T::LIST_HINT),
            ),
            many => {
                let listed = many
                    .iter()
                    .map(|(table, id)| T::candidate(self, table, id))
                    .collect::<Result<Vec<_>>>()?;
                let mut total = 0;
                for table in T::TABLES {
                    total += ids::count_with_prefix(&self.tx, table, &prefix)?;
                }
                Err(ambiguous(query, T::PLURAL, &listed, total))
            }
        }
    }

    /// The one record whose id starts with `query`, if exactly one does;
    /// `None` for text that is not an id, or names none or several (for
    /// lookups that try an id among other ways of naming a record).
    pub fn unique<T: Record>(&self, query: &str) -> Result<Option<T>> {
        let Some(prefix) = normalize_prefix(query) else {
            return Ok(None);
        };
        match self.found::<T>(&prefix, 2)?.as_slice() {
            [(table, id)] => T::read(self, table, id).map(Some),
            _ => Ok(None),
        }
    }

    /// The record with this full id.
    pub fn get<T: Record>(&self, id: &str) -> Result<T> {
        match T::TABLES {
            [table] => T::read(self, table, id),
            tables => {
                for table in tables {
                    if ids::is_live(&self.tx, table, id)? {
                        return T::read(self, table, id);
                    }
                }
                Err(Error::input(format!("no {} has the id {id}", T::ANY)))
            }
        }
    }

    /// The shortest unique prefix of `id` among the records of this kind:
    /// over all of its tables, since its ids are typed without the table.
    pub fn short_id_of<T: Record>(&self, id: &str) -> Result<String> {
        let mut shortest = String::new();
        for table in T::TABLES {
            let short = self.short_id(table, id)?;
            if short.len() > shortest.len() {
                shortest = short;
            }
        }
        Ok(shortest)
    }

    /// The live ids of `table` that start with `prefix` (already
    /// normalized), at most `limit`; with a `filter` (column, value), only
    /// those whose column holds the value (the items of one session).
    pub fn ids_with_prefix(
        &self,
        table: &'static str,
        prefix: &str,
        filter: Option<(&'static str, &str)>,
        limit: usize,
    ) -> Result<Vec<String>> {
        ids::with_prefix(&self.tx, table, prefix, filter, limit)
    }

    /// The live ids of `T`'s tables that start with `prefix`, at most
    /// `limit` per table, table by table in id order.
    fn found<T: Record>(&self, prefix: &str, limit: usize) -> Result<Found> {
        let mut found = Found::new();
        for table in T::TABLES {
            let ids = self.ids_with_prefix(table, prefix, None, limit)?;
            found.extend(ids.into_iter().map(|id| (*table, id)));
        }
        Ok(found)
    }
}

/// "a" or "an", for a record's name in a sentence.
fn article(word: &str) -> &'static str {
    match word.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    }
}

#[cfg(test)]
mod tests {
    /// Commands parse, call the area modules and print; the renderers
    /// format. Neither holds SQL, nor a connection (a `Tx` never hands out
    /// its own).
    #[test]
    fn commands_and_renderers_hold_no_sql() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut offenders = Vec::new();
        for folder in ["commands", "render"] {
            for entry in std::fs::read_dir(src.join(folder)).expect("folder") {
                let path = entry.expect("entry").path();
                let text = std::fs::read_to_string(&path).expect("read");
                let sql = text
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .any(|w| {
                        matches!(
                            w,
                            "SELECT" | "INSERT" | "UPDATE" | "DELETE" | "PRAGMA" | "rusqlite"
                        )
                    });
                if sql {
                    offenders.push(path.display().to_string());
                }
            }
        }
        assert!(offenders.is_empty(), "SQL in: {offenders:?}");
    }
}
