//! Action items: what the member (or the coach) agreed to do after a 1:1.
//!
//! An action is agreed in one session and stays one record. Later sessions
//! with the same member show it as carried over ([`carried_over`]) until it
//! is done, so checking it off anywhere checks it off everywhere.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Row, ToSql};
use serde::Serialize;

use crate::member::check_line;
use crate::session::{MemberRef, Session};
use crate::store::{new_id, opt_time_at, stored_enum, time_at, Record, ShortIds, Tx};
use crate::{when, Error, Result};

/// An action item.
#[derive(Debug, Clone, Serialize)]
pub struct Action {
    pub id: String,
    pub short_id: String,
    /// The session it was agreed in.
    pub session_id: String,
    /// That session's date.
    pub session_date: DateTime<Utc>,
    /// The team member of that session: whose action list it is on.
    pub member: MemberRef,
    /// One line, e.g. "Review the refund playbook".
    pub body: String,
    pub owner: Owner,
    pub due_at: Option<DateTime<Utc>>,
    pub done_at: Option<DateTime<Utc>>,
    /// `open`, `done`, or `overdue` (open and past its due time), as of
    /// the moment the command ran.
    pub state: State,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Who is to do an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Owner {
    /// The team member (the default).
    Member,
    /// The coach.
    Coach,
}

stored_enum!(Owner, "action owner", {
    Member => "member",
    Coach => "coach",
});

/// Where an action stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    Open,
    Overdue,
    Done,
}

impl State {
    /// The printed word.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Overdue => "overdue",
            State::Done => "done",
        }
    }
}

/// Which actions `action list` shows, by state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Show {
    /// Not done yet (the default).
    #[default]
    Open,
    /// Open and past their due time.
    Overdue,
    /// Done.
    Done,
    /// All of them.
    All,
}

/// Which actions `action list` shows.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub show: Show,
    pub member_id: Option<String>,
    pub session_id: Option<String>,
}

/// What `action edit` changes; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct Change {
    pub body: Option<String>,
    /// `Some(None)` removes the due date.
    pub due_at: Option<Option<DateTime<Utc>>>,
    pub owner: Option<Owner>,
}

/// The longest action accepted, in characters: a good action is succinct.
const MAX_BODY: usize = 500;

const COLUMNS: &str = "SELECT a.id, a.session_id, s.held_at, m.id, m.name, m.email, a.body,
            a.owner, a.due_at, a.done_at, a.created_at, a.updated_at";

/// The query's start, with `index` (` INDEXED BY name`, or nothing) on
/// the actions table; the member's name and the session's date come from
/// the same query. The session's date is read from the index
/// `sessions_id_date`, not from the session's row: a list of thousands of
/// actions would otherwise read thousands of scattered session rows.
fn select(index: &str) -> String {
    format!(
        "{COLUMNS} FROM actions a{index}
         JOIN sessions s INDEXED BY sessions_id_date ON s.id = a.session_id
         JOIN members m ON m.id = a.member_id"
    )
}

/// [`select`] for the actions of one member, who is known: not joined,
/// which was a lookup of the member's row for each action (160 actions
/// carried over into a session at ten years). Read with [`from_row_of`].
fn select_of_member(index: &str) -> String {
    format!(
        "SELECT a.id, a.session_id, s.held_at, NULL, NULL, NULL, a.body,
                a.owner, a.due_at, a.done_at, a.created_at, a.updated_at
         FROM actions a{index}
         JOIN sessions s INDEXED BY sessions_id_date ON s.id = a.session_id"
    )
}

/// The order of every list: by due date (none last), then as agreed.
const ORDER: &str = "ORDER BY a.due_at IS NULL, a.due_at, a.created_at, a.id";

/// Adds an action to `session`, for the session's member.
pub fn add(
    tx: &Tx<'_>,
    session: &Session,
    body: &str,
    owner: Owner,
    due_at: Option<DateTime<Utc>>,
) -> Result<Action> {
    let body = check_body(body)?;
    let id = new_id();
    tx.prepare_cached(
        "INSERT INTO actions (id, session_id, member_id, body, owner, due_at, author, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)")?.execute(
        rusqlite::params![
            id,
            session.id,
            session.member.id,
            body,
            owner.as_str(),
            due_at.map(crate::when::to_storage),
            tx.me(),
            tx.now_text()
        ],
    )?;
    get(tx, &id)
}

/// The one rule for "overdue": an open action is overdue once its due day
/// is over in the coach's zone. Actions due before the instant returned,
/// the start of the coach's day that holds `at`, are overdue at `at`.
pub fn overdue_before(tx: &Tx<'_>, at: DateTime<Utc>) -> Result<DateTime<Utc>> {
    Ok(when::day_in(at, &crate::zone::coach(tx)?).0)
}

/// The action with this full id.
pub fn get(tx: &Tx<'_>, id: &str) -> Result<Action> {
    let sql = format!(
        "{} WHERE a.id = ?1 AND a.deleted_at IS NULL AND s.deleted_at IS NULL",
        select("")
    );
    let overdue_before = overdue_before(tx, tx.now())?;
    let mut stmt = tx.prepare_cached(&sql)?;
    let action = stmt
        .query_row([id], |r| from_row(r, overdue_before))
        .optional()?
        .ok_or_else(|| Error::input(format!("no action has the id {id}")))?;
    finish(tx, action)
}

impl Record for Action {
    const TABLES: &'static [&'static str] = &["actions"];
    const NOUN: &'static str = "action";
    const PLURAL: &'static str = "actions";
    const LIST_HINT: &'static str = "`coach action list --all` shows the ids";

    fn read(tx: &Tx<'_>, _: &'static str, id: &str) -> Result<Action> {
        get(tx, id)
    }
}

/// Actions, by due date (none last), then in the order they were agreed.
///
/// Each combination of filters is its own query, written so that SQLite
/// uses the matching partial index (open actions, a member's open actions,
/// a session's actions); the members' names come from the same query.
pub fn list(tx: &Tx<'_>, filter: &Filter) -> Result<Vec<Action>> {
    let overdue_before = overdue_before(tx, tx.now())?;
    let overdue_text = when::to_storage(overdue_before);
    let (sql, params) = list_query(filter, &overdue_text);
    let mut stmt = tx.prepare_cached(&sql)?;
    let rows = stmt.query_map(params.as_slice(), |r| from_row(r, overdue_before))?;
    let actions = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    finish_all(tx, actions)
}

/// The conditions of [`list`] and [`listing`] that follow the filter, each
/// starting with AND; their parameters, numbered from 1; and the index
/// that answers them (` INDEXED BY name`, or nothing) on the actions
/// table.
fn filter_conditions<'p>(
    filter: &'p Filter,
    overdue_text: &'p dyn ToSql,
) -> (String, Vec<&'p dyn ToSql>, &'static str) {
    let mut conditions = String::new();
    let mut params: Vec<&dyn ToSql> = Vec::new();
    match filter.show {
        Show::Open => conditions.push_str(" AND a.done_at IS NULL"),
        Show::Overdue => {
            params.push(overdue_text);
            conditions.push_str(" AND a.done_at IS NULL AND a.due_at < ?1");
        }
        Show::Done => conditions.push_str(" AND a.done_at IS NOT NULL"),
        Show::All => {}
    }
    if let Some(member_id) = &filter.member_id {
        params.push(member_id);
        conditions.push_str(&format!(" AND a.member_id = ?{}", params.len()));
    }
    if let Some(session_id) = &filter.session_id {
        params.push(session_id);
        conditions.push_str(&format!(" AND a.session_id = ?{}", params.len()));
    }
    // Without stats, SQLite would read every action through another partial
    // index and filter; the open actions have indexes of their own, which
    // hold every column shown, in the list's order (0004_history.sql).
    let index = match (filter.show, &filter.member_id, &filter.session_id) {
        (Show::Open | Show::Overdue, None, None) => " INDEXED BY actions_open_list",
        (Show::Open | Show::Overdue, Some(_), None) => " INDEXED BY actions_open_by_member_list",
        _ => "",
    };
    (conditions, params, index)
}

/// The query of [`list`] and its parameters (`overdue_text`:
/// [`overdue_before`] as stored). An action of a deleted session is gone
/// with it.
fn list_query<'p>(filter: &'p Filter, overdue_text: &'p dyn ToSql) -> (String, Vec<&'p dyn ToSql>) {
    let (conditions, params, index) = filter_conditions(filter, overdue_text);
    let sql = format!(
        "{} WHERE a.deleted_at IS NULL AND s.deleted_at IS NULL{conditions} {ORDER}",
        select(index)
    );
    (sql, params)
}

/// The columns of a [`listing`]: as [`COLUMNS`], without the member's
/// name and email (from [`Listing::members`]). `s` is the session when it
/// is joined ([`Detail::Whole`]); the table reads NULL in its place.
/// The middle one also reads when each action was agreed, by which a
/// list is sorted when no index is in its order.
const LISTING_COLUMNS: [&str; 3] = [
    "SELECT a.id, a.session_id, s.held_at, a.member_id, a.body,
            a.owner, a.due_at, a.done_at, a.created_at, a.updated_at",
    "SELECT a.id, NULL, NULL, a.member_id, a.body,
            a.owner, a.due_at, a.done_at, a.created_at, NULL",
    "SELECT a.id, NULL, NULL, a.member_id, a.body,
            a.owner, a.due_at, a.done_at, NULL, NULL",
];

/// The ids of the deleted sessions: few, read once through their partial
/// index and kept in memory by SQLite for `NOT IN`.
const DELETED_SESSIONS: &str = "SELECT id FROM sessions INDEXED BY sessions_deleted_by_member
     WHERE deleted_at IS NOT NULL";

/// [`list`] as `action list` prints it: every row's text kept in place in
/// one buffer, with its short id, rather than an [`Action`] of a dozen
/// owned strings per row (ten thousand open actions after ten years).
/// [`Listing::iter`] hands out each row borrowed, with `Action`'s JSON shape.
///
/// The query reads one index and nothing else for each row: the members'
/// names are read once, before it (a team is a few dozen people), and an
/// action of a deleted session is left out by looking its session up
/// among the deleted ones, kept in memory, rather than in the sessions'
/// index. Joined per row, the two were two thirds of the query's cost
/// for the whole team's open actions. Only `--json` joins the sessions,
/// for their dates.
///
/// The open actions are read in the list's order, from their indexes.
/// Other lists are sorted here, in place, rather than by SQLite, whose
/// sorter holds a copy of every row until the last is read: 53,000 done
/// actions at ten years peaked at 38 MB.
pub fn listing(tx: &Tx<'_>, filter: &Filter, detail: Detail) -> Result<Listing> {
    let overdue_before = overdue_before(tx, tx.now())?;
    let overdue_text = when::to_storage(overdue_before);
    let (conditions, params, index) = filter_conditions(filter, &overdue_text);
    let in_order = !index.is_empty();
    let (columns, join) = match detail {
        Detail::Whole => (
            LISTING_COLUMNS[0],
            " LEFT JOIN sessions s INDEXED BY sessions_id_date ON s.id = a.session_id",
        ),
        Detail::Shown if in_order => (LISTING_COLUMNS[2], ""),
        Detail::Shown => (LISTING_COLUMNS[1], ""),
    };
    let order = if in_order { ORDER } else { "" };
    if detail == Detail::Whole
        && in_order
        && filter.member_id.is_none()
        && filter.session_id.is_none()
    {
        // The whole team's list then reads the sessions' index once per
        // row: ten thousand rows over a thousand pages at ten years,
        // 45.6 ms with the command's small cache, 39.1 ms with a larger one.
        tx.widen_cache()?;
    }
    let sql = format!(
        "{columns} FROM actions a{index}{join}
         WHERE a.deleted_at IS NULL AND a.session_id NOT IN ({DELETED_SESSIONS}){conditions} {order}"
    );
    let mut listing = Listing {
        members: ListingMembers::read(tx)?,
        updated: (detail == Detail::Whole).then(Vec::new),
        ..Listing::default()
    };
    let mut stmt = tx.prepare_cached(&sql)?;
    let mut rows = stmt.query(params.as_slice())?;
    while let Some(row) = rows.next()? {
        listing.push(row, overdue_before)?;
    }
    drop(rows);
    if !in_order {
        listing.sort();
    }
    let lens = tx.short_id_lens("actions", listing.rows.len(), |i| {
        text_of(&listing.text, &listing.rows[i], 0)
    })?;
    for (row, len) in listing.rows.iter_mut().zip(lens) {
        row.short_len = len;
    }
    Ok(listing)
}

/// How much of each action a [`listing`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Everything (`--json`).
    Whole,
    /// What the table shows: the id, member's name, text, owner, due date
    /// and state. The other fields are left empty (no text, no times).
    Shown,
}

/// The rows of an action list (see [`listing`]).
#[derive(Debug, Default)]
pub struct Listing {
    /// The text columns of every row, one after the other.
    text: String,
    /// In the order they were read.
    rows: Vec<ListedRow>,
    /// The indexes of `rows` in the list's order.
    order: Vec<u32>,
    /// The rows' sessions, once for each run of rows of the same session,
    /// as they are read: the actions of a session are agreed together, so
    /// 63,000 actions of 30,000 sessions keep 30,000 session ids and dates
    /// (one, empty, for a table, which shows neither).
    sessions: Vec<ListedSession>,
    /// When each row was last changed: only `--json` shows it
    /// ([`Detail::Whole`]).
    updated: Option<Vec<Option<DateTime<Utc>>>>,
    members: ListingMembers,
}

/// Where a row's text columns end in [`Listing::text`]: id, body.
const TEXTS: usize = 2;

/// 64 bytes, with u32 offsets (a list of more than 4 GiB of text is
/// refused): 63,000 rows, a whole history at ten years, take 4 MB.
#[derive(Debug)]
struct ListedRow {
    start: u32,
    ends: [u32; TEXTS],
    /// Its member, in [`ListingMembers::all`].
    member: u32,
    /// Its session, in [`Listing::sessions`].
    session: u32,
    short_len: u32,
    owner: Owner,
    due_at: Option<DateTime<Utc>>,
    done_at: Option<DateTime<Utc>>,
    state: State,
    /// Read when the list is sorted here, or shown whole.
    created_at: Option<DateTime<Utc>>,
}

/// A session of a [`Listing`]: where its id is in [`Listing::text`], and
/// its date.
#[derive(Debug)]
struct ListedSession {
    start: u32,
    end: u32,
    date: Option<DateTime<Utc>>,
}

/// Column `i` of `row` ([`TEXTS`]) in a listing's `text`.
fn text_of<'t>(text: &'t str, row: &ListedRow, i: usize) -> &'t str {
    let start = if i == 0 { row.start } else { row.ends[i - 1] };
    &text[start as usize..row.ends[i] as usize]
}

/// Every member, deleted ones too (their actions are still listed), read
/// once for a [`Listing`].
#[derive(Debug, Default)]
struct ListingMembers {
    /// Id, name and email. A name or email that is not text (a crafted
    /// file) is an error only for a list that shows that member: the
    /// column and what it holds.
    all: Vec<(String, Result<NameAndEmail, Unreadable>)>,
    by_id: std::collections::HashMap<String, usize>,
}

impl ListingMembers {
    fn read(tx: &Tx<'_>) -> Result<ListingMembers> {
        let mut members = ListingMembers::default();
        let mut stmt = tx.prepare_cached("SELECT id, name, email FROM members")?;
        let mut rows = stmt.query([])?;
        while let Some(row) = rows.next()? {
            // An id that is not text names no action's member.
            let Ok(id) = row.get::<_, String>(0) else {
                continue;
            };
            let person = match (row.get(1), row.get(2)) {
                (Ok(name), Ok(email)) => Ok((name, email)),
                (Err(e), _) | (_, Err(e)) => Err(Unreadable::from(e)),
            };
            members.by_id.insert(id.clone(), members.all.len());
            members.all.push((id, person));
        }
        Ok(members)
    }
}

/// An action of a [`Listing`], borrowed; serialized as [`Action`] is (a
/// time that is `Some` is written as the time itself). The times that are
/// `None` here but not in `Action` were not read ([`Detail::Shown`]).
#[derive(Debug, Serialize)]
pub struct Listed<'a> {
    pub id: &'a str,
    pub short_id: &'a str,
    pub session_id: &'a str,
    #[serde(serialize_with = "when::serialize_json_opt")]
    pub session_date: Option<DateTime<Utc>>,
    pub member: ListedMember<'a>,
    pub body: &'a str,
    pub owner: Owner,
    #[serde(serialize_with = "when::serialize_json_opt")]
    pub due_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "when::serialize_json_opt")]
    pub done_at: Option<DateTime<Utc>>,
    pub state: State,
    #[serde(serialize_with = "when::serialize_json_opt")]
    pub created_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "when::serialize_json_opt")]
    pub updated_at: Option<DateTime<Utc>>,
}

/// [`MemberRef`], borrowed.
#[derive(Debug, Serialize)]
pub struct ListedMember<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub email: Option<&'a str>,
}

/// A member's name and email, as a [`ListedMember`] shows them.
type NameAndEmail = (String, Option<String>);

/// A member's column that could not be read, and what it holds instead
/// of text.
#[derive(Debug)]
struct Unreadable(&'static str, rusqlite::types::Type);

impl From<rusqlite::Error> for Unreadable {
    fn from(err: rusqlite::Error) -> Unreadable {
        use rusqlite::types::Type;
        let column = |i| if i == 1 { "name" } else { "email" };
        match err {
            rusqlite::Error::InvalidColumnType(i, _, found) => Unreadable(column(i), found),
            // Not UTF-8: bytes rather than text.
            rusqlite::Error::FromSqlConversionFailure(i, _, _) => Unreadable(column(i), Type::Blob),
            _ => Unreadable("name", Type::Null),
        }
    }
}

impl Listing {
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = Listed<'_>> {
        self.order.iter().map(|&i| {
            let r = &self.rows[i as usize];
            let session = &self.sessions[r.session as usize];
            // Some only for --json, which alone shows when a row was
            // agreed and last changed (a table sorted here reads the first).
            let updated_at = self.updated.as_ref().map(|updated| updated[i as usize]);
            let id = self.text_of(r, 0);
            let (member_id, person) = &self.members.all[r.member as usize];
            // Checked when the row was read (push).
            let (name, email) = person.as_ref().map_or(("", None), |(name, email)| {
                (name.as_str(), email.as_deref())
            });
            Listed {
                id,
                short_id: &id[..r.short_len as usize],
                session_id: &self.text[session.start as usize..session.end as usize],
                session_date: session.date,
                member: ListedMember {
                    id: member_id,
                    name,
                    email,
                },
                body: self.text_of(r, 1),
                owner: r.owner,
                due_at: r.due_at,
                done_at: r.done_at,
                state: r.state,
                created_at: updated_at.and(r.created_at),
                updated_at: updated_at.flatten(),
            }
        })
    }

    fn text_of(&self, row: &ListedRow, i: usize) -> &str {
        text_of(&self.text, row, i)
    }

    /// Puts the rows in the order of every list ([`ORDER`]), as SQLite
    /// would (the stored times have one format, so their order as times
    /// is their order as text).
    fn sort(&mut self) {
        let key = |&i: &u32| {
            let r = &self.rows[i as usize];
            (
                r.due_at.is_none(),
                r.due_at,
                r.created_at,
                text_of(&self.text, r, 0),
            )
        };
        // Unstable, so in place: ids are unique, and the order total.
        self.order.sort_unstable_by(|a, b| key(a).cmp(&key(b)));
    }

    /// Reads one row of [`LISTING_COLUMNS`]. An action whose member is not
    /// in the file (a crafted one) is left out, as the join of [`list`]
    /// leaves it out.
    fn push(&mut self, row: &Row<'_>, overdue_before: DateTime<Utc>) -> Result<()> {
        let text = |column| {
            // NULL: a column not read (Detail::Shown).
            row.get_ref(column)?.as_str_or_null().map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(
                    column,
                    rusqlite::types::Type::Text,
                    Box::new(e),
                )
            })
        };
        let Some(&member) = text(3)?.and_then(|id| self.members.by_id.get(id)) else {
            return Ok(());
        };
        if let Err(Unreadable(column, found)) = &self.members.all[member].1 {
            return Err(
                rusqlite::Error::InvalidColumnType(3, format!("members.{column}"), *found).into(),
            );
        }
        let due_at = opt_time_at(row, 6)?;
        let done_at = opt_time_at(row, 7)?;
        let offset = |len: usize| {
            u32::try_from(len)
                .map_err(|_| Error::database("the actions listed hold more than 4 GiB of text"))
        };
        self.order.push(offset(self.rows.len())?);
        let (session_id, session_date) = (text(1)?.unwrap_or_default(), opt_time_at(row, 2)?);
        let same_session = self.sessions.last().is_some_and(|s| {
            s.date == session_date && &self.text[s.start as usize..s.end as usize] == session_id
        });
        if !same_session {
            let start = offset(self.text.len())?;
            self.text.push_str(session_id);
            self.sessions.push(ListedSession {
                start,
                end: offset(self.text.len())?,
                date: session_date,
            });
        }
        let start = offset(self.text.len())?;
        let mut ends = [0; TEXTS];
        for (end, column) in ends.iter_mut().zip([0, 4]) {
            self.text.push_str(text(column)?.unwrap_or_default());
            *end = offset(self.text.len())?;
        }
        self.rows.push(ListedRow {
            start,
            ends,
            // Fewer members than rows, which are counted in u32.
            member: member as u32,
            // As many sessions as rows at most.
            session: (self.sessions.len() - 1) as u32,
            short_len: 0,
            owner: row.get(5)?,
            due_at,
            done_at,
            state: state_of(done_at, due_at, overdue_before),
            created_at: opt_time_at(row, 8)?,
        });
        if let Some(updated) = &mut self.updated {
            updated.push(opt_time_at(row, 9)?);
        }
        Ok(())
    }
}

/// The actions agreed in one session, by due date.
pub fn for_session(tx: &Tx<'_>, session_id: &str) -> Result<Vec<Action>> {
    list(
        tx,
        &Filter {
            show: Show::All,
            session_id: Some(session_id.to_string()),
            ..Filter::default()
        },
    )
}

/// The actions carried over into `session`: the member's actions agreed in
/// earlier sessions (held before this one) that were still open when this
/// session was created. They keep their current state, so one done since
/// then shows as done here rather than disappearing.
pub fn carried_over(tx: &Tx<'_>, session: &Session, ids: ShortIds) -> Result<Vec<Action>> {
    // Two queries, each on its own index, rather than one over every
    // action the member ever had: the actions still open, and those done
    // since the session was created.
    let open = format!(
        "{} WHERE a.member_id = ?1 AND a.done_at IS NULL AND a.deleted_at IS NULL
           AND s.deleted_at IS NULL AND s.held_at < ?2",
        select_of_member(" INDEXED BY actions_open_by_member_list")
    );
    let done_since = format!(
        "{} WHERE a.member_id = ?1 AND a.done_at >= ?2 AND a.deleted_at IS NULL
           AND s.deleted_at IS NULL AND s.held_at < ?3",
        select_of_member(" INDEXED BY actions_done_by_member")
    );
    let member = session.member.id.as_str();
    let held_at = crate::when::to_storage(session.date);
    let created_at = crate::when::to_storage(session.created_at);
    let overdue_before = overdue_before(tx, tx.now())?;
    let mut actions = Vec::new();
    for (sql, params) in [
        (open, rusqlite::params![member, held_at]),
        (done_since, rusqlite::params![member, created_at, held_at]),
    ] {
        let mut stmt = tx.prepare_cached(&sql)?;
        let rows = stmt.query_map(params, |r| {
            from_row_of(r, overdue_before, Some(&session.member))
        })?;
        for action in rows {
            actions.push(action?);
        }
    }
    // The order of every list (ORDER).
    actions.sort_by(|a, b| {
        (a.due_at.is_none(), a.due_at, a.created_at, &a.id).cmp(&(
            b.due_at.is_none(),
            b.due_at,
            b.created_at,
            &b.id,
        ))
    });
    match ids {
        ShortIds::All => finish_all(tx, actions),
        ShortIds::MemberActions => finish_members(tx, actions),
    }
}

/// The member's actions done since `since`, in the order of every list:
/// through the index of done actions by member and date, so the cost
/// follows the period, not the member's history.
pub fn done_since(tx: &Tx<'_>, member: &MemberRef, since: DateTime<Utc>) -> Result<Vec<Action>> {
    let sql = format!(
        "{} WHERE a.member_id = ?1 AND a.done_at >= ?2 AND a.deleted_at IS NULL
           AND s.deleted_at IS NULL {ORDER}",
        select_of_member(" INDEXED BY actions_done_by_member")
    );
    let overdue_before = overdue_before(tx, tx.now())?;
    let mut stmt = tx.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        rusqlite::params![member.id, crate::when::to_storage(since)],
        |r| from_row_of(r, overdue_before, Some(member)),
    )?;
    let actions = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    finish_all(tx, actions)
}

/// Marks an action done now (by the coach), or open again; `false` when it
/// already was (nothing changes).
pub fn set_done(tx: &Tx<'_>, action: &Action, done: bool) -> Result<(Action, bool)> {
    if action.done_at.is_some() == done {
        return Ok((action.clone(), false));
    }
    check_off(tx, action, done.then(|| tx.now()), None, None)?;
    Ok((get(tx, &action.id)?, true))
}

/// Records an action done at `done_at` (or open again, with `None`): by
/// the coach, or by the member `by` from the reply `reply_id`.
pub fn check_off(
    tx: &Tx<'_>,
    action: &Action,
    done_at: Option<DateTime<Utc>>,
    by: Option<&str>,
    reply_id: Option<&str>,
) -> Result<()> {
    tx.prepare_cached(
        "UPDATE actions SET done_at = ?2, done_by = ?3, done_reply_id = ?4, updated_at = ?5
             WHERE id = ?1",
    )?
    .execute(rusqlite::params![
        action.id,
        done_at.map(when::to_storage),
        by,
        reply_id,
        tx.now_text()
    ])?;
    Ok(())
}

/// The ids of the actions checked off by the reply `reply_id`, still done.
pub fn ids_from_reply(tx: &Tx<'_>, reply_id: &str) -> Result<Vec<String>> {
    let mut stmt = tx.prepare_cached(
        "SELECT id FROM actions WHERE done_reply_id = ?1 AND deleted_at IS NULL ORDER BY id",
    )?;
    let ids = stmt
        .query_map([reply_id], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(ids)
}

/// Changes an action's text, due date or owner.
pub fn edit(tx: &Tx<'_>, action: &Action, change: Change) -> Result<Action> {
    let body = match change.body {
        Some(body) => check_body(&body)?,
        None => action.body.clone(),
    };
    let due_at = change.due_at.unwrap_or(action.due_at);
    let owner = change.owner.unwrap_or(action.owner);
    tx.prepare_cached(
        "UPDATE actions SET body = ?2, due_at = ?3, owner = ?4, updated_at = ?5 WHERE id = ?1",
    )?
    .execute(rusqlite::params![
        action.id,
        body,
        due_at.map(crate::when::to_storage),
        owner.as_str(),
        tx.now_text()
    ])?;
    get(tx, &action.id)
}

/// Deletes an action, leaving a tombstone.
pub fn remove(tx: &Tx<'_>, action: &Action) -> Result<()> {
    tx.prepare_cached("UPDATE actions SET deleted_at = ?2, updated_at = ?2 WHERE id = ?1")?
        .execute(rusqlite::params![action.id, tx.now_text()])?;
    Ok(())
}

/// An action's text as stored: one line, trimmed, not empty, succinct.
pub(crate) fn check_body(body: &str) -> Result<String> {
    let body = check_line("action", body)?;
    if body.is_empty() {
        return Err(Error::input("the action is empty; nothing was saved")
            .with_hint("say what is to be done, e.g. \"Review the refund playbook\""));
    }
    if body.chars().count() > MAX_BODY {
        return Err(Error::input(format!(
            "the action is longer than {MAX_BODY} characters; a good action is succinct"
        ))
        .with_hint("keep the details in a note: coach note add"));
    }
    Ok(body)
}

fn from_row(row: &Row<'_>, overdue_before: DateTime<Utc>) -> rusqlite::Result<Action> {
    from_row_of(row, overdue_before, None)
}

/// [`from_row`] of a row of [`select_of_member`]: the member is `member`
/// rather than columns 3 to 5.
fn from_row_of(
    row: &Row<'_>,
    overdue_before: DateTime<Utc>,
    member: Option<&MemberRef>,
) -> rusqlite::Result<Action> {
    let member = match member {
        Some(member) => member.clone(),
        None => MemberRef {
            id: row.get(3)?,
            name: row.get(4)?,
            email: row.get(5)?,
        },
    };
    let due_at = opt_time_at(row, 8)?;
    let done_at = opt_time_at(row, 9)?;
    let state = state_of(done_at, due_at, overdue_before);
    Ok(Action {
        id: row.get(0)?,
        short_id: String::new(),
        session_id: row.get(1)?,
        session_date: time_at(row, 2)?,
        member,
        body: row.get(6)?,
        owner: row.get(7)?,
        due_at,
        done_at,
        state,
        created_at: time_at(row, 10)?,
        updated_at: time_at(row, 11)?,
    })
}

/// Where an action stands, overdue when due before `overdue_before`
/// ([`overdue_before`]).
fn state_of(
    done_at: Option<DateTime<Utc>>,
    due_at: Option<DateTime<Utc>>,
    overdue_before: DateTime<Utc>,
) -> State {
    match (done_at, due_at) {
        (Some(_), _) => State::Done,
        (None, Some(due)) if due < overdue_before => State::Overdue,
        (None, _) => State::Open,
    }
}

fn finish(tx: &Tx<'_>, mut action: Action) -> Result<Action> {
    action.short_id = tx.short_id("actions", &action.id)?;
    Ok(action)
}

/// [`finish`] for a list, with the short ids looked up together.
fn finish_all(tx: &Tx<'_>, mut actions: Vec<Action>) -> Result<Vec<Action>> {
    let ids: Vec<&str> = actions.iter().map(|a| a.id.as_str()).collect();
    let short = tx.short_ids("actions", &ids)?;
    for (action, short) in actions.iter_mut().zip(short) {
        action.short_id = short;
    }
    Ok(actions)
}

/// [`finish_all`] for the member's own actions only ([`ShortIds::MemberActions`]).
fn finish_members(tx: &Tx<'_>, mut actions: Vec<Action>) -> Result<Vec<Action>> {
    let members: Vec<&mut Action> = actions
        .iter_mut()
        .filter(|a| a.owner == Owner::Member)
        .collect();
    let ids: Vec<&str> = members.iter().map(|a| a.id.as_str()).collect();
    let short = tx.short_ids("actions", &ids)?;
    for (action, short) in members.into_iter().zip(short) {
        action.short_id = short;
    }
    Ok(actions)
}
