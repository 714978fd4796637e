//! `coach import`: a dump merged into the database by record id, every
//! record checked first ([`super::check`]), all or nothing.
//!
//! A dump is a file from outside, so it is read as hostile: every text is
//! bounded while it is read ([`BoundedStrings`]), a row holds at most
//! [`MAX_FIELDS`] plain values, every record passes the rules of the
//! command that would have created it, settings are refused, and the
//! attachment files are checked against their hash before they are
//! stored. A failed import leaves the database as it was and removes the
//! files it stored.

use std::collections::BTreeSet;
use std::fmt;
use std::io::{self, Read};
use std::path::PathBuf;

use base64::Engine as _;
use rusqlite::types::Value;
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};

use super::check::{self, Column, Rule};
use super::{Counts, Table, FORMAT, TABLES, VERSION};
use crate::config::Settings;
use crate::store::Tx;
use crate::{attachment, note, Error, Result};

/// The most fields a row may have (the widest table has 16 columns).
const MAX_FIELDS: usize = 64;

/// The longest text accepted in a dump, whatever the setting
/// `attachments.max-size`: a note is at most 1 MiB, written with escapes.
const MIN_TEXT_LIMIT: u64 = 8 << 20;

/// Merges a dump read from `input` into the database.
pub fn import(tx: &Tx<'_>, input: impl Read) -> Result<Counts> {
    let limit = text_limit(tx)?;
    let reader = BoundedStrings::new(io::BufReader::new(input), limit);
    let mut de = serde_json::Deserializer::from_reader(reader);
    let mut importer = Importer {
        tx,
        counts: Counts::default(),
        format: None,
        owner: tx.me().to_string(),
        dump_owner: None,
        needed: BTreeSet::new(),
        in_bundle: BTreeSet::new(),
        stored: Vec::new(),
    };
    let result = DocumentSeed {
        importer: &mut importer,
    }
    .deserialize(&mut de)
    .and_then(|()| de.end())
    .map_err(|e| import_error(&e))
    .and_then(|()| importer.finish());
    match result {
        Ok(()) => Ok(importer.counts),
        Err(err) => {
            // The transaction is rolled back; the files stored for it go too.
            for path in &importer.stored {
                let _ = std::fs::remove_file(path);
            }
            Err(err)
        }
    }
}

/// The longest text a dump may hold: an attachment's content in base64
/// under `attachments.max-size`, or [`MIN_TEXT_LIMIT`].
fn text_limit(tx: &Tx<'_>) -> Result<u64> {
    let max = Settings::of(tx)?.attachment_max_size()?;
    Ok((max.div_ceil(3).saturating_mul(4) + 64).max(MIN_TEXT_LIMIT))
}

fn import_error(err: &serde_json::Error) -> Error {
    // Errors of our own (a bad row, a newer version) are sentences already.
    Error::input(format!("cannot import: {err}"))
}

struct Importer<'a, 't> {
    tx: &'a Tx<'t>,
    counts: Counts,
    format: Option<String>,
    /// The database's owner once the dump is in: "me", or the dump's owner
    /// when it is restored into an empty database.
    owner: String,
    /// The id of whoever made the dump.
    dump_owner: Option<String>,
    /// Contents the dump's attachments need that the store lacks.
    needed: BTreeSet<String>,
    /// Contents the dump carries (checked against their hash).
    in_bundle: BTreeSet<String>,
    /// Content files this import added to the store.
    stored: Vec<PathBuf>,
}

struct DocumentSeed<'i, 'a, 't> {
    importer: &'i mut Importer<'a, 't>,
}

impl<'de> DeserializeSeed<'de> for DocumentSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DocumentSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a coach export (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "format" => {
                    let format: String = map.next_value()?;
                    if format != FORMAT {
                        return Err(de::Error::custom("this file is not a coach export"));
                    }
                    self.importer.format = Some(format);
                }
                "version" => {
                    let version: u64 = map.next_value()?;
                    if version > VERSION {
                        return Err(de::Error::custom(format!(
                            "the export is in version {version} of the format, newer than this coach reads ({VERSION}); upgrade coach"
                        )));
                    }
                }
                "schema_version" => {
                    let version: usize = map.next_value()?;
                    let ours = self
                        .importer
                        .tx
                        .schema_version()
                        .map_err(de::Error::custom)?;
                    if version > ours {
                        return Err(de::Error::custom(format!(
                            "the export comes from a newer coach (schema version {version}, this coach knows {ours}); upgrade coach"
                        )));
                    }
                }
                "owner" => {
                    let owner: String = map.next_value()?;
                    self.importer
                        .adopt_owner(&owner)
                        .map_err(de::Error::custom)?;
                }
                "tables" => {
                    if self.importer.format.is_none() {
                        return Err(de::Error::custom("this file is not a coach export"));
                    }
                    map.next_value_seed(TablesSeed {
                        importer: self.importer,
                    })?;
                }
                "files" => map.next_value_seed(FilesSeed {
                    importer: self.importer,
                })?,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if self.importer.format.is_none() {
            return Err(de::Error::custom("this file is not a coach export"));
        }
        Ok(())
    }
}

struct TablesSeed<'i, 'a, 't> {
    importer: &'i mut Importer<'a, 't>,
}

impl<'de> DeserializeSeed<'de> for TablesSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TablesSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of tables")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        while let Some(name) = map.next_key::<String>()? {
            if name == "config" {
                map.next_value_seed(NoSettings)?;
                continue;
            }
            let table = TABLES.iter().find(|t| t.name == name).ok_or_else(|| {
                de::Error::custom(format!(
                    "the export has an unknown table \"{}\"",
                    name.escape_debug()
                ))
            })?;
            let columns = self.importer.columns(table).map_err(de::Error::custom)?;
            map.next_value_seed(RowsSeed {
                importer: self.importer,
                table,
                columns,
            })?;
        }
        Ok(())
    }
}

/// The `config` table of a dump: settings are never imported, since a
/// setting can name a command to run (`mail.smtp.password-command`), a
/// program (`mail.sendmail.path`) or a mail server. Older dumps hold an
/// empty list, or settings, which are refused.
struct NoSettings;

impl<'de> DeserializeSeed<'de> for NoSettings {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for NoSettings {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an empty list of settings")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        match seq.next_element::<IgnoredAny>()? {
            None => Ok(()),
            Some(_) => Err(de::Error::custom(
                "the export holds settings (config row 1); settings are never imported: remove them (jq 'del(.tables.config)') and set what you need with `coach config set`",
            )),
        }
    }
}

struct RowsSeed<'i, 'a, 't> {
    importer: &'i mut Importer<'a, 't>,
    table: &'static Table,
    columns: Vec<Column>,
}

impl<'de> DeserializeSeed<'de> for RowsSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RowsSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of rows")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        let mut index = 0u64;
        while let Some(Row(row)) = seq.next_element::<Row>()? {
            index += 1;
            self.importer
                .merge_row(self.table, &self.columns, &row)
                .map_err(|e| {
                    de::Error::custom(format!("{} row {index}{}", self.table.name, e.message()))
                })?;
        }
        Ok(())
    }
}

/// A row of a dump: at most [`MAX_FIELDS`] fields, each a plain value
/// (a list or an object in a field is refused as it is read).
struct Row(Vec<(String, Json)>);

impl<'de> de::Deserialize<'de> for Row {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> std::result::Result<Row, D::Error> {
        d.deserialize_map(RowVisitor)
    }
}

struct RowVisitor;

impl<'de> Visitor<'de> for RowVisitor {
    type Value = Row;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a row (an object of values)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Row, A::Error> {
        let mut fields = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            if fields.len() == MAX_FIELDS {
                return Err(de::Error::custom(format!(
                    "a row has more than {MAX_FIELDS} fields"
                )));
            }
            let Scalar(value) = map.next_value()?;
            fields.push((key, value));
        }
        Ok(Row(fields))
    }
}

/// A plain JSON value: null, a boolean, a number or a text.
struct Scalar(Json);

impl<'de> de::Deserialize<'de> for Scalar {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> std::result::Result<Scalar, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value (null, a boolean, a number or a text), not a list or an object")
    }
    fn visit_unit<E>(self) -> std::result::Result<Scalar, E> {
        Ok(Scalar(Json::Null))
    }
    fn visit_none<E>(self) -> std::result::Result<Scalar, E> {
        Ok(Scalar(Json::Null))
    }
    fn visit_bool<E>(self, v: bool) -> std::result::Result<Scalar, E> {
        Ok(Scalar(Json::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> std::result::Result<Scalar, E> {
        Ok(Scalar(Json::from(v)))
    }
    fn visit_u64<E>(self, v: u64) -> std::result::Result<Scalar, E> {
        Ok(Scalar(Json::from(v)))
    }
    fn visit_f64<E>(self, v: f64) -> std::result::Result<Scalar, E> {
        Ok(Scalar(Json::from(v)))
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<Scalar, E> {
        Ok(Scalar(Json::String(v.to_string())))
    }
    fn visit_string<E>(self, v: String) -> std::result::Result<Scalar, E> {
        Ok(Scalar(Json::String(v)))
    }
}

struct FilesSeed<'i, 'a, 't> {
    importer: &'i mut Importer<'a, 't>,
}

impl<'de> DeserializeSeed<'de> for FilesSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> std::result::Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FilesSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of files")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<(), A::Error> {
        while let Some(sha) = map.next_key::<String>()? {
            let encoded: String = map.next_value()?;
            self.importer
                .store_file(&sha, &encoded)
                .map_err(|e| de::Error::custom(e.message()))?;
        }
        Ok(())
    }
}

impl Importer<'_, '_> {
    /// Into a database that holds nothing yet (a restore), the export's
    /// owner becomes this database's owner, so that "me" stays the author
    /// of what I wrote. Into a database with data, the owner stays.
    fn adopt_owner(&mut self, owner: &str) -> Result<()> {
        if !check::is_id(owner) {
            return Err(Error::input("the export's owner is not an id"));
        }
        if self.tx.is_empty()? {
            self.tx.set_state("user.id", Some(owner))?;
            self.owner = owner.to_string();
        }
        self.dump_owner = Some(owner.to_string());
        Ok(())
    }

    /// The rules of a table's columns, in the order of the database's
    /// columns. A column of the schema without a rule is a bug (a test
    /// checks that there is none).
    fn columns(&self, table: &Table) -> Result<Vec<Column>> {
        let rules = check::columns(table.name)
            .ok_or_else(|| Error::internal(format!("the table {} has no rules", table.name)))?;
        self.tx
            .columns(table.name)?
            .iter()
            .map(|name| {
                rules
                    .iter()
                    .find(|c| c.name == name)
                    .copied()
                    .ok_or_else(|| {
                        Error::internal(format!("the column {}.{name} has no rule", table.name))
                    })
            })
            .collect()
    }

    /// Checks a row and merges it. The error's message starts with the
    /// field (", field NAME: reason"), for [`RowsSeed`] to put after the
    /// row's position.
    fn merge_row(
        &mut self,
        table: &Table,
        columns: &[Column],
        row: &[(String, Json)],
    ) -> Result<()> {
        let field = |name: &str, err: Error| {
            Error::input(format!(
                ", field {}: {}",
                name.escape_debug(),
                err.message()
            ))
        };
        for (name, _) in row {
            if !columns.iter().any(|c| c.name == name) {
                return Err(field(
                    name,
                    Error::input(format!("not a column of {}", table.name)),
                ));
            }
        }
        let mut values = Vec::with_capacity(columns.len());
        for column in columns {
            let given = row.iter().find(|(k, _)| k == column.name).map(|(_, v)| v);
            let value = check::value(column, given).map_err(|e| field(column.name, e))?;
            if let (Rule::Ref(parent), Value::Text(id)) = (column.rule, &value) {
                self.check_reference(parent, id)
                    .map_err(|e| field(column.name, e))?;
            }
            values.push(value);
        }
        if table.name == "notes" {
            scrub_deleted_note(columns, &mut values);
        }
        let get = |name: &str| {
            columns
                .iter()
                .position(|c| c.name == name)
                .and_then(|i| match &values[i] {
                    Value::Text(t) => Some(t.as_str()),
                    _ => None,
                })
        };
        self.check_record(table.name, &get)
            .map_err(|(name, e)| field(name, e))?;
        if table.name == "attachments" {
            if let Some(sha) = get("sha256") {
                self.need_content(sha)?;
            }
        }
        self.upsert(table, columns, &values)
    }

    /// A referenced record must exist, here or earlier in the dump
    /// (tables come parents first).
    fn check_reference(&self, table: &str, id: &str) -> Result<()> {
        let sql = format!("SELECT 1 FROM {table} WHERE id = ?1");
        if self.tx.prepare_cached(&sql)?.exists([id])? {
            return Ok(());
        }
        let record = table.trim_end_matches('s');
        Err(Error::input(format!("no {record} has the id {id}")))
    }

    /// The rules across records: an item belongs to its session, and only
    /// the coach writes private notes. Returns the field at fault.
    fn check_record<'f>(
        &self,
        table: &str,
        get: &dyn Fn(&'f str) -> Option<&'f str>,
    ) -> std::result::Result<(), (&'f str, Error)> {
        let wrap = |name: &'f str| move |e: Error| (name, e);
        let session_member = |session: &str| -> Result<String> {
            Ok(self
                .tx
                .prepare_cached("SELECT member_id FROM sessions WHERE id = ?1")?
                .query_row([session], |r| r.get(0))?)
        };
        match table {
            "kudos" if get("session_id").is_none() && get("member_id").is_none() => {
                return Err((
                    "member_id",
                    Error::input("a kudos outside any session names its member"),
                ));
            }
            "feedback" | "qa_reviews" | "actions" | "kudos" => {
                if let (Some(session), Some(member)) = (get("session_id"), get("member_id")) {
                    let owner = session_member(session).map_err(wrap("session_id"))?;
                    if owner != member {
                        return Err((
                            "session_id",
                            Error::input("the session is with another member"),
                        ));
                    }
                }
            }
            "notes" => {
                let session = get("session_id").unwrap_or_default();
                let author = get("author").unwrap_or_default();
                let member = session_member(session).map_err(wrap("session_id"))?;
                let visibility = match get("visibility") {
                    Some(text) if text == note::Visibility::Private.as_str() => {
                        note::Visibility::Private
                    }
                    _ => note::Visibility::Shared,
                };
                if !visibility.allows_author(author == self.owner) {
                    let who = if author == member {
                        "the member"
                    } else {
                        "someone else"
                    };
                    return Err((
                        "author",
                        Error::input(format!(
                            "a private note by {who}; only you write private notes"
                        )),
                    ));
                }
                let known = author == self.owner
                    || author == member
                    || self.dump_owner.as_deref() == Some(author);
                if !known {
                    return Err((
                        "author",
                        Error::input("the author is neither the coach nor the session's member"),
                    ));
                }
                if let Some(item) = get("item_id") {
                    self.check_item(session, item).map_err(wrap("item_id"))?;
                }
            }
            "digest_replies" => {
                let member = get("member_id").unwrap_or_default();
                if get("author") != Some(member) {
                    return Err((
                        "author",
                        Error::input("a reply to a digest is written by its member"),
                    ));
                }
                let digest = get("digest_id").unwrap_or_default();
                let of: String = self
                    .tx
                    .prepare_cached("SELECT member_id FROM digests WHERE id = ?1")
                    .and_then(|mut stmt| stmt.query_row([digest], |r| r.get(0)))
                    .map_err(|e| ("digest_id", Error::from(e)))?;
                if of != member {
                    return Err((
                        "digest_id",
                        Error::input("the digest it answers is another member's"),
                    ));
                }
            }
            "replies" => {
                let session = get("session_id").unwrap_or_default();
                let member = session_member(session).map_err(wrap("session_id"))?;
                if get("author") != Some(member.as_str()) {
                    return Err((
                        "author",
                        Error::input("a reply is written by the session's member"),
                    ));
                }
                let share = get("share_id").unwrap_or_default();
                let answered: String = self
                    .tx
                    .prepare_cached("SELECT session_id FROM shares WHERE id = ?1")
                    .and_then(|mut stmt| stmt.query_row([share], |r| r.get(0)))
                    .map_err(|e| ("share_id", Error::from(e)))?;
                if answered != session {
                    return Err((
                        "share_id",
                        Error::input("the email it answers is of another session"),
                    ));
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// A dedicated note's item: a metric, feedback, QA review or
    /// attachment of the note's session.
    fn check_item(&self, session: &str, item: &str) -> Result<()> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT session_id FROM session_metrics WHERE id = ?1
             UNION ALL SELECT session_id FROM feedback WHERE id = ?1
             UNION ALL SELECT session_id FROM qa_reviews WHERE id = ?1
             UNION ALL SELECT session_id FROM attachments WHERE id = ?1",
        )?;
        let sessions: Vec<Option<String>> = stmt
            .query_map([item], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        match sessions.first() {
            None => Err(Error::input(format!(
                "no item (metric, feedback, QA review or attachment) has the id {item}"
            ))),
            Some(Some(s)) if s == session => Ok(()),
            Some(_) => Err(Error::input("the item is not in the note's session")),
        }
    }

    /// An attachment's content must be in the store already or in the
    /// dump's files.
    fn need_content(&mut self, sha: &str) -> Result<()> {
        if !attachment::content_path(self.tx.folder(), sha)?.is_file() {
            self.needed.insert(sha.to_string());
        }
        Ok(())
    }

    /// Decodes one file of the dump, checks it against its hash, and
    /// stores it. The name is checked before anything is opened.
    fn store_file(&mut self, sha: &str, encoded: &str) -> Result<()> {
        let shown = sha.chars().take(70).collect::<String>();
        if !attachment::is_sha256(sha) {
            return Err(Error::input(format!(
                "files: \"{}\" is not a SHA-256 (64 lowercase hex digits)",
                shown.escape_debug()
            )));
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded.as_bytes())
            .map_err(|_| Error::input(format!("files: the file {sha} is not valid base64")))?;
        if format!("{:x}", Sha256::digest(&bytes)) != sha {
            return Err(Error::input(format!(
                "files: the file {sha} does not match its content"
            )));
        }
        let path = attachment::content_path(self.tx.folder(), sha)?;
        if !path.is_file() {
            attachment::store_bytes(self.tx.folder(), &bytes)?;
            self.stored.push(path);
            self.counts.files += 1;
        }
        self.in_bundle.insert(sha.to_string());
        Ok(())
    }

    /// After the whole dump: every attachment has its content.
    fn finish(&self) -> Result<()> {
        if let Some(sha) = self.needed.iter().find(|s| !self.in_bundle.contains(*s)) {
            return Err(Error::input(format!(
                "cannot import: the content of the attachment {sha} is not in the export"
            ))
            .with_hint("export again without --no-files"));
        }
        Ok(())
    }

    fn upsert(&mut self, table: &Table, columns: &[Column], values: &[Value]) -> Result<()> {
        let names: Vec<&str> = columns.iter().map(|c| c.name).collect();
        let placeholders = (1..=names.len())
            .map(|i| format!("?{i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let updates = names
            .iter()
            .filter(|n| **n != table.key)
            .map(|n| format!("{n} = excluded.{n}"))
            .collect::<Vec<_>>()
            .join(", ");
        let key = names.iter().position(|n| *n == table.key).unwrap_or(0);
        let exists_sql = format!(
            "SELECT updated_at FROM {} WHERE {} = ?1",
            table.name, table.key
        );
        let existing = self
            .tx
            .prepare_cached(&exists_sql)?
            .exists([&values[key]])?;
        let sql = format!(
            "INSERT INTO {} ({}) VALUES ({placeholders})
             ON CONFLICT ({}) DO UPDATE SET {updates} WHERE excluded.updated_at > {}.updated_at
             ON CONFLICT DO NOTHING",
            table.name,
            names.join(", "),
            table.key,
            table.name
        );
        let changed = self
            .tx
            .prepare_cached(&sql)?
            .execute(rusqlite::params_from_iter(values.iter()))
            .map_err(|e| Error::input(format!(": it does not fit this database ({e})")))?;
        // A new record that another uniqueness rule already covers here (the
        // same metric value, under another id) is left out: ours is kept.
        match (existing, changed) {
            (_, 0) => self.counts.unchanged += 1,
            (false, _) => *self.counts.rows.entry(table.name).or_default() += 1,
            (true, _) => *self.counts.updated.entry(table.name).or_default() += 1,
        }
        Ok(())
    }
}

/// A deleted note keeps its id, never its text (note::DELETED_BODY),
/// whatever the dump holds.
fn scrub_deleted_note(columns: &[Column], values: &mut [Value]) {
    let at = |name: &str| columns.iter().position(|c| c.name == name);
    if let (Some(deleted), Some(body)) = (at("deleted_at"), at("body")) {
        if values[deleted] != Value::Null {
            values[body] = Value::Text(note::DELETED_BODY.to_string());
        }
    }
}

/// A reader that refuses a JSON text longer than `limit` bytes as it
/// streams by, before the parser buffers it: a dump of any size is read
/// in bounded memory, and a crafted 300 MB string is an error, not an
/// out-of-memory.
struct BoundedStrings<R> {
    inner: R,
    limit: u64,
    in_string: bool,
    escaped: bool,
    run: u64,
}

impl<R: Read> BoundedStrings<R> {
    fn new(inner: R, limit: u64) -> Self {
        BoundedStrings {
            inner,
            limit,
            in_string: false,
            escaped: false,
            run: 0,
        }
    }
}

impl<R: Read> Read for BoundedStrings<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &b in &buf[..n] {
            if !self.in_string {
                if b == b'"' {
                    self.in_string = true;
                    self.run = 0;
                }
                continue;
            }
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = false;
                continue;
            }
            self.run += 1;
            if self.run > self.limit {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "a text in the file is longer than {} MiB, more than any note or attachment can be",
                        self.limit >> 20
                    ),
                ));
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn every_column_of_every_exported_table_has_a_rule() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = Store::open(&dir.path().join("c.db"), false).expect("open");
        store
            .read(|tx| {
                let importer = Importer {
                    tx,
                    counts: Counts::default(),
                    format: None,
                    owner: String::new(),
                    dump_owner: None,
                    needed: BTreeSet::new(),
                    in_bundle: BTreeSet::new(),
                    stored: Vec::new(),
                };
                for table in TABLES {
                    let columns = importer.columns(table)?;
                    let rules = check::columns(table.name).expect("rules");
                    assert_eq!(
                        columns.len(),
                        rules.len(),
                        "{}: a rule for no column",
                        table.name
                    );
                }
                Ok(())
            })
            .expect("every column has a rule");
    }

    #[test]
    fn texts_longer_than_the_limit_are_refused_while_read() {
        let read = |text: &str| {
            let mut out = Vec::new();
            BoundedStrings::new(text.as_bytes(), 7).read_to_end(&mut out)
        };
        // Bytes as written, escapes included; an escaped quote does not end it.
        assert!(read(r#"{"a": "1234567", "b": "\"\\\"x"}"#).is_ok());
        assert!(read(r#"{"a": "12345678"}"#).is_err());
        assert!(read(r#"{"a": "\"\"\"\""}"#).is_err());
        // Long runs outside strings (numbers, spaces) are the parser's business.
        assert!(read("[1111111111, 2]").is_ok());
    }
}
