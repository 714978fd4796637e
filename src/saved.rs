//! Saved items: customer feedback and QA reviews kept for a member's next
//! 1:1 (the "context sidebar"), then brought into a session.
//!
//! An item waits (its `session_id` is NULL) until `session add-saved` or
//! `session new` moves it into a session, where it can have dedicated notes.
//! Each item is recognition ([`Tone::Positive`]) or an opportunity to
//! improve ([`Tone::Improve`]): given explicitly, or decided by the rating
//! (feedback) or the score (QA) against the settings
//! `feedback.positive-rating` and `qa.positive-score`. Feedback with neither
//! a rating nor a tone is refused: guessing would bias the balance between
//! recognition and criticism that [`Balance`] reports.
//!
//! Items come one at a time from the command line ([`save`]) or in bulk from
//! a CSV or JSON Lines stream ([`import`]); both go through the same checks.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::BufRead;

use chrono::{DateTime, Local, TimeDelta, Utc};
use rusqlite::{OptionalExtension, Row};
use serde::Serialize;

use crate::config::Settings;
use crate::import::{Input, JsonValue, Options, Progress, Schema};
use crate::member;
use crate::note::{self, Note, Visible};
use crate::output::plural;
use crate::session::{MemberRef, Session};
use crate::store::{new_id, stored_enum, time_at, AscendingIds, Record, ShortIds, Tx};
use crate::{when, Error, ErrorKind, Result};

/// Recognition, or an opportunity to improve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tone {
    Positive,
    Improve,
}

stored_enum!(Tone, "saved item tone", {
    Positive => "positive",
    Improve => "improve",
});

impl Tone {
    /// Reads `positive` or `improve` (any case).
    fn parse(text: &str) -> Option<Tone> {
        match text.to_ascii_lowercase().as_str() {
            "positive" => Some(Tone::Positive),
            "improve" => Some(Tone::Improve),
            _ => None,
        }
    }
}

/// The two kinds of saved items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Feedback,
    Qa,
}

impl Kind {
    /// The word in JSON and tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Feedback => "feedback",
            Kind::Qa => "qa",
        }
    }

    /// How messages name any item of this kind: "feedback", "a QA review".
    fn any(self) -> &'static str {
        match self {
            Kind::Feedback => "feedback",
            Kind::Qa => "a QA review",
        }
    }

    /// How messages name one item of this kind.
    pub fn noun(self) -> &'static str {
        match self {
            Kind::Feedback => "feedback",
            Kind::Qa => "QA review",
        }
    }

    /// How messages name `count` items of this kind: "1 feedback item",
    /// "3 QA reviews".
    pub fn count(self, count: u64) -> String {
        match self {
            Kind::Feedback => plural(count, "feedback item"),
            Kind::Qa => plural(count, "QA review"),
        }
    }

    const fn table(self) -> &'static str {
        match self {
            Kind::Feedback => "feedback",
            Kind::Qa => "qa_reviews",
        }
    }

    /// The fields an item of this kind has, in files and on the command line.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Kind::Feedback => &FEEDBACK_COLUMNS,
            Kind::Qa => &QA_COLUMNS,
        }
    }

    /// The names of [`Kind::columns`], in the same order.
    fn field_names(self) -> &'static [&'static str] {
        const FEEDBACK: [&str; FEEDBACK_COLUMNS.len()] = Column::names(FEEDBACK_COLUMNS);
        const QA: [&str; QA_COLUMNS.len()] = Column::names(QA_COLUMNS);
        match self {
            Kind::Feedback => &FEEDBACK,
            Kind::Qa => &QA,
        }
    }
}

/// A piece of customer feedback.
#[derive(Debug, Clone, Serialize)]
pub struct Feedback<N = Note> {
    pub id: String,
    pub short_id: String,
    pub member: MemberRef,
    /// The session it was brought into; `None` while it waits.
    pub session_id: Option<String>,
    pub comment: String,
    /// 1 to 5 stars, when the customer gave a rating.
    pub rating: Option<u8>,
    pub customer: Option<String>,
    /// Where it came from: chat, email, phone...
    pub channel: Option<String>,
    pub url: Option<String>,
    /// When the customer gave it.
    pub date: DateTime<Utc>,
    pub tone: Tone,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Notes dedicated to this item (in a session), as the audience may see them.
    pub notes: Vec<N>,
}

/// A QA review of the member's work.
#[derive(Debug, Clone, Serialize)]
pub struct QaReview<N = Note> {
    pub id: String,
    pub short_id: String,
    pub member: MemberRef,
    /// The session it was brought into; `None` while it waits.
    pub session_id: Option<String>,
    /// 0 to 100.
    pub score: u8,
    pub reviewer: Option<String>,
    pub comment: Option<String>,
    pub url: Option<String>,
    /// When the review was done.
    pub date: DateTime<Utc>,
    pub tone: Tone,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Notes dedicated to this item (in a session), as the audience may see them.
    pub notes: Vec<N>,
}

/// Implements `with_notes` for an item type: the same item holding other
/// notes (its owner's `Note`s, or the member's `SharedNote`s). Every field
/// is named, so a new field cannot be forgotten.
macro_rules! with_notes {
    ($ty:ident { $($field:ident),+ $(,)? }) => {
        impl $ty {
            /// The same item holding `notes` as its dedicated notes.
            fn with_notes<N>(self, notes: Vec<N>) -> $ty<N> {
                let $ty { $($field,)+ notes: _ } = self;
                $ty { $($field,)+ notes }
            }
        }
    };
}

with_notes!(Feedback {
    id,
    short_id,
    member,
    session_id,
    comment,
    rating,
    customer,
    channel,
    url,
    date,
    tone,
    created_at,
    updated_at,
});
with_notes!(QaReview {
    id,
    short_id,
    member,
    session_id,
    score,
    reviewer,
    comment,
    url,
    date,
    tone,
    created_at,
    updated_at,
});

/// A saved item of either kind; in JSON, its fields plus `kind`.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Item {
    Feedback(Feedback),
    Qa(QaReview),
}

impl Item {
    pub fn kind(&self) -> Kind {
        match self {
            Item::Feedback(_) => Kind::Feedback,
            Item::Qa(_) => Kind::Qa,
        }
    }

    pub fn id(&self) -> &str {
        match self {
            Item::Feedback(f) => &f.id,
            Item::Qa(q) => &q.id,
        }
    }

    pub fn short_id(&self) -> &str {
        match self {
            Item::Feedback(f) => &f.short_id,
            Item::Qa(q) => &q.short_id,
        }
    }

    pub fn member(&self) -> &MemberRef {
        match self {
            Item::Feedback(f) => &f.member,
            Item::Qa(q) => &q.member,
        }
    }

    pub fn session_id(&self) -> Option<&str> {
        match self {
            Item::Feedback(f) => f.session_id.as_deref(),
            Item::Qa(q) => q.session_id.as_deref(),
        }
    }

    pub fn date(&self) -> DateTime<Utc> {
        match self {
            Item::Feedback(f) => f.date,
            Item::Qa(q) => q.date,
        }
    }

    pub fn tone(&self) -> Tone {
        match self {
            Item::Feedback(f) => f.tone,
            Item::Qa(q) => q.tone,
        }
    }

    fn set_short_id(&mut self, short: String) {
        match self {
            Item::Feedback(f) => f.short_id = short,
            Item::Qa(q) => q.short_id = short,
        }
    }
}

/// Recognition against criticism in one session: positive feedback and QA
/// reviews, kudos, and items to improve.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Balance {
    /// Positive feedback and positive QA reviews.
    pub positive: u64,
    /// Feedback and QA reviews that are opportunities to improve.
    pub improve: u64,
    pub kudos: u64,
}

impl Balance {
    /// The one-line advice when a session holds more items to improve than
    /// recognition (positive items and kudos together), else `None`.
    pub fn hint(&self) -> Option<String> {
        let recognition = self.positive + self.kudos;
        (self.improve > recognition).then(|| {
            format!(
                "hint: this session has {} to improve and {recognition} to recognise \
                 (positive feedback, QA and kudos); the 1:1 guide recommends more recognition than criticism",
                plural(self.improve, "item")
            )
        })
    }
}

// ---------------------------------------------------------------------------
// Fields as typed or read from a file, and their checks.

/// A field of a saved item, as named in file headers and JSON keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Member,
    Comment,
    Rating,
    Score,
    Customer,
    Channel,
    Reviewer,
    Url,
    Date,
    Tone,
}

const ALL_COLUMNS: [Column; 10] = [
    Column::Member,
    Column::Comment,
    Column::Rating,
    Column::Score,
    Column::Customer,
    Column::Channel,
    Column::Reviewer,
    Column::Url,
    Column::Date,
    Column::Tone,
];

const FEEDBACK_COLUMNS: [Column; 8] = [
    Column::Member,
    Column::Comment,
    Column::Rating,
    Column::Customer,
    Column::Channel,
    Column::Url,
    Column::Date,
    Column::Tone,
];

const QA_COLUMNS: [Column; 7] = [
    Column::Member,
    Column::Score,
    Column::Reviewer,
    Column::Comment,
    Column::Url,
    Column::Date,
    Column::Tone,
];

impl Column {
    /// The name in file headers and JSON keys.
    pub const fn name(self) -> &'static str {
        match self {
            Column::Member => "member",
            Column::Comment => "comment",
            Column::Rating => "rating",
            Column::Score => "score",
            Column::Customer => "customer",
            Column::Channel => "channel",
            Column::Reviewer => "reviewer",
            Column::Url => "url",
            Column::Date => "date",
            Column::Tone => "tone",
        }
    }

    const fn names<const N: usize>(columns: [Column; N]) -> [&'static str; N] {
        let mut names = [""; N];
        let mut i = 0;
        while i < N {
            names[i] = columns[i].name();
            i += 1;
        }
        names
    }
}

/// The text of one item's fields, as typed or as read from one row of a
/// file. Numbers are text too, so that flags and files share the checks.
#[derive(Debug, Default, Clone)]
pub struct Fields<'a> {
    values: [Option<Cow<'a, str>>; ALL_COLUMNS.len()],
}

impl<'a> Fields<'a> {
    /// Sets a field (`None` leaves it unset).
    pub fn set(&mut self, column: Column, value: Option<impl Into<Cow<'a, str>>>) -> &mut Self {
        self.values[column as usize] = value.map(Into::into);
        self
    }

    /// Whether a field was given at all (blank counts: it clears the field).
    fn given(&self, column: Column) -> bool {
        self.values[column as usize].is_some()
    }

    /// A field's text, trimmed; `None` when unset or blank.
    fn get(&self, column: Column) -> Option<&str> {
        self.values[column as usize]
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }
}

/// Why an item is refused: a message, and for the command line a hint.
#[derive(Debug, Clone)]
pub struct Invalid {
    message: String,
    hint: Option<String>,
}

impl Invalid {
    fn new(message: impl Into<String>) -> Invalid {
        Invalid {
            message: message.into(),
            hint: None,
        }
    }

    fn with_hint(mut self, hint: impl Into<String>) -> Invalid {
        self.hint = Some(hint.into());
        self
    }

    fn into_error(self) -> Error {
        let err = Error::input(self.message);
        match self.hint {
            Some(hint) => err.with_hint(hint),
            None => err,
        }
    }
}

impl From<Error> for Invalid {
    fn from(err: Error) -> Invalid {
        Invalid {
            message: err.message().to_string(),
            hint: err.hint().map(String::from),
        }
    }
}

/// An item that passed the checks, ready to insert.
#[derive(Debug)]
struct NewItem {
    member_id: String,
    comment: Option<String>,
    rating: Option<u8>,
    score: Option<u8>,
    customer: Option<String>,
    channel: Option<String>,
    reviewer: Option<String>,
    url: Option<String>,
    date: DateTime<Utc>,
    tone: Tone,
}

/// The longest comment accepted, in characters.
const MAX_COMMENT: usize = 10_000;
/// The longest single-line field accepted (customer, channel...), in characters.
const MAX_LINE: usize = 200;
/// The longest URL accepted, in characters.
const MAX_URL: usize = 2_000;

/// Checks fields for one kind of item, remembering which member each
/// member text means (a file names the same few members again and again).
struct Checker<'t, 'c> {
    tx: &'t Tx<'c>,
    kind: Kind,
    /// A rating (feedback) or score (QA) at or above this is positive.
    positive_at: u64,
    now: DateTime<Utc>,
    local_now: DateTime<Local>,
    members: HashMap<String, Result<String, Invalid>>,
    /// Each date text as read (bulk files repeat the same few dates; the
    /// text means the same all through one command, whose clock is fixed).
    dates: HashMap<String, Result<DateTime<Utc>, Invalid>>,
}

/// How many distinct date texts [`Checker`] keeps before starting over.
const MAX_CACHED_DATES: usize = 10_000;

impl<'t, 'c> Checker<'t, 'c> {
    fn new(tx: &'t Tx<'c>, kind: Kind) -> Result<Self> {
        let settings = Settings::of(tx)?;
        let positive_at = match kind {
            Kind::Feedback => settings.positive_rating()?,
            Kind::Qa => settings.positive_qa_score()?,
        };
        Ok(Checker {
            tx,
            kind,
            positive_at,
            now: tx.now(),
            local_now: tx.now().with_timezone(&Local),
            members: HashMap::new(),
            dates: HashMap::new(),
        })
    }

    /// Checks one item. The outer error is a failure of the database; the
    /// inner one, a reason to refuse this item.
    fn check(&mut self, fields: &Fields<'_>) -> Result<Result<NewItem, Invalid>> {
        let member_id = match self.member(fields.get(Column::Member))? {
            Ok(id) => id,
            Err(invalid) => return Ok(Err(invalid)),
        };
        Ok(self.check_fields(member_id, fields))
    }

    fn check_fields(&mut self, member_id: String, fields: &Fields<'_>) -> Result<NewItem, Invalid> {
        let kind = self.kind;
        if let Some(foreign) = ALL_COLUMNS
            .into_iter()
            .find(|c| fields.get(*c).is_some() && !kind.columns().contains(c))
        {
            return Err(Invalid::new(format!(
                "{} has no field \"{}\"",
                kind.any(),
                foreign.name()
            )));
        }
        let comment = fields.get(Column::Comment).map(check_comment).transpose()?;
        let url = fields.get(Column::Url).map(check_url).transpose()?;
        let date = self.date(fields.get(Column::Date))?;
        let explicit = fields
            .get(Column::Tone)
            .map(|t| {
                Tone::parse(t).ok_or_else(|| {
                    Invalid::new(format!(
                        "the tone \"{}\" is neither positive nor improve",
                        t.escape_debug()
                    ))
                })
            })
            .transpose()?;
        let line = |column: Column| {
            fields
                .get(column)
                .map(|v| check_line(column.name(), v))
                .transpose()
        };
        let mut item = NewItem {
            member_id,
            comment,
            rating: None,
            score: None,
            customer: line(Column::Customer)?,
            channel: line(Column::Channel)?.map(|c| c.to_lowercase()),
            reviewer: line(Column::Reviewer)?,
            url,
            date,
            tone: Tone::Improve,
        };
        let measure = match kind {
            Kind::Feedback => {
                if item.comment.is_none() {
                    return Err(
                        Invalid::new("feedback needs a comment: what the customer said")
                            .with_hint("pass --comment TEXT"),
                    );
                }
                item.rating = fields
                    .get(Column::Rating)
                    .map(|r| whole_number("rating", r, 1, 5))
                    .transpose()?;
                item.rating
            }
            Kind::Qa => {
                let score = fields
                    .get(Column::Score)
                    .ok_or_else(|| {
                        Invalid::new("a QA review needs a score from 0 to 100")
                            .with_hint("pass --score 0-100")
                    })
                    .and_then(|s| whole_number("score", s, 0, 100))?;
                item.score = Some(score);
                Some(score)
            }
        };
        item.tone = match (explicit, measure) {
            (Some(tone), _) => tone,
            (None, Some(value)) if u64::from(value) >= self.positive_at => Tone::Positive,
            (None, Some(_)) => Tone::Improve,
            (None, None) => {
                return Err(Invalid::new(
                    "feedback without a rating needs a tone: positive or improve",
                )
                .with_hint("pass --rating 1-5, or --positive or --improve"))
            }
        };
        Ok(item)
    }

    /// The id of the member `query` means, resolved once per distinct text.
    fn member(&mut self, query: Option<&str>) -> Result<Result<String, Invalid>> {
        let Some(query) = query else {
            return Ok(Err(Invalid::new("no member given")));
        };
        if let Some(known) = self.members.get(query) {
            return Ok(known.clone());
        }
        let found = match member::resolve(self.tx, query) {
            Ok(m) if m.archived => Err(Invalid::new(format!("{} is archived", m.name)).with_hint(
                format!(
                    "bring them back with: coach member archive --undo \"{}\"",
                    m.name
                ),
            )),
            Ok(m) => Ok(m.id),
            Err(err) if err.kind() == ErrorKind::Input => Err(Invalid::from(err)),
            Err(err) => return Err(err),
        };
        self.members.insert(query.to_string(), found.clone());
        Ok(found)
    }

    /// The date given, or now; a date more than a day ahead is refused
    /// (feedback and reviews are about the past; it is most likely a typo).
    fn date(&mut self, text: Option<&str>) -> Result<DateTime<Utc>, Invalid> {
        let Some(text) = text else {
            return Ok(self.now);
        };
        if let Some(known) = self.dates.get(text) {
            return known.clone();
        }
        if self.dates.len() >= MAX_CACHED_DATES {
            self.dates.clear();
        }
        let read = self.read_date(text);
        self.dates.insert(text.to_string(), read.clone());
        read
    }

    fn read_date(&self, text: &str) -> Result<DateTime<Utc>, Invalid> {
        let at = when::parse_when(text, self.local_now)?;
        if at > self.now + TimeDelta::days(1) {
            return Err(Invalid::new(format!(
                "the date \"{}\" is in the future",
                text.escape_debug()
            )));
        }
        Ok(at)
    }
}

fn whole_number(what: &str, text: &str, min: u8, max: u8) -> Result<u8, Invalid> {
    text.parse::<u8>()
        .ok()
        .filter(|n| (min..=max).contains(n))
        .ok_or_else(|| {
            Invalid::new(format!(
                "the {what} \"{}\" is not a whole number from {min} to {max}",
                text.escape_debug()
            ))
        })
}

/// A single line of text: no line breaks or control characters (they could
/// forge email headers or break a table), at most [`MAX_LINE`] characters.
fn check_line(what: &str, text: &str) -> Result<String, Invalid> {
    if text.chars().any(char::is_control) {
        return Err(Invalid::new(format!(
            "the {what} contains a line break or a control character"
        )));
    }
    if text.chars().count() > MAX_LINE {
        return Err(Invalid::new(format!(
            "the {what} is longer than {MAX_LINE} characters"
        )));
    }
    Ok(text.to_string())
}

/// A comment may span lines; other control characters are refused.
fn check_comment(text: &str) -> Result<String, Invalid> {
    let text = text.replace("\r\n", "\n");
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(Invalid::new("the comment contains a control character"));
    }
    if text.chars().count() > MAX_COMMENT {
        return Err(Invalid::new(format!(
            "the comment is longer than {MAX_COMMENT} characters"
        )));
    }
    Ok(text)
}

/// [`check_line`] for `coach import`.
pub(crate) fn check_imported_line(what: &str, text: &str) -> Result<String> {
    check_line(what, text).map_err(Invalid::into_error)
}

/// [`check_comment`] for `coach import`.
pub(crate) fn check_imported_comment(text: &str) -> Result<String> {
    check_comment(text).map_err(Invalid::into_error)
}

/// [`check_url`] for `coach import`.
pub(crate) fn check_imported_url(text: &str) -> Result<String> {
    check_url(text).map_err(Invalid::into_error)
}

/// A web address: `http://` or `https://`, a host, no spaces.
fn check_url(text: &str) -> Result<String, Invalid> {
    let lower = text.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    let valid = rest.is_some_and(|rest| {
        !rest.is_empty()
            && !rest.starts_with('/')
            && !rest.starts_with('?')
            && !rest.starts_with('#')
    }) && !text.chars().any(|c| c.is_whitespace() || c.is_control())
        && text.chars().count() <= MAX_URL;
    if valid {
        Ok(text.to_string())
    } else {
        Err(Invalid::new(format!(
            "\"{}\" is not a web address (http:// or https://)",
            text.chars().take(80).collect::<String>().escape_debug()
        )))
    }
}

// ---------------------------------------------------------------------------
// Saving.

/// The statements of each kind name its own fields in the same order
/// ([`own_fields`]), so one list of parameters serves saving and editing.
const INSERT_FEEDBACK: &str = "INSERT INTO feedback
    (id, member_id, comment, rating, customer, channel, url, given_at, tone, author, created_at, updated_at)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)";
/// The parameters of one row of [`INSERT_FEEDBACK`] and [`INSERT_QA`].
const INSERT_FEEDBACK_COLUMNS: usize = 11;
const INSERT_QA_COLUMNS: usize = 10;
/// Rows an import inserts per statement (at most 11 parameters each).
const BATCH: usize = 256;
/// How many items' text the search index is written at once
/// ([`Tx::flush_search`]): as one segment of the index, instead of one
/// each, while what is staged and what FTS5 holds in memory stay small
/// (staging a whole chunk of 8,192 took 2.7 MB more).
const STAGED: usize = 1024;
const INSERT_QA: &str = "INSERT INTO qa_reviews
    (id, member_id, score, reviewer, comment, url, reviewed_at, tone, author, created_at, updated_at)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)";

/// The INSERT of a command's items, one or many rows to a statement.
struct Inserter<'t> {
    tx: &'t Tx<'t>,
    kind: Kind,
    author: &'t str,
    now: String,
}

impl<'t> Inserter<'t> {
    fn new(tx: &'t Tx<'t>, kind: Kind) -> Result<Self> {
        Ok(Inserter {
            tx,
            kind,
            author: tx.me(),
            now: tx.now_text(),
        })
    }

    fn insert(&self, id: &str, item: &NewItem) -> Result<String> {
        self.insert_many(&[(id.to_string(), item)])?;
        Ok(id.to_string())
    }

    /// Inserts several items in one statement.
    fn insert_many(&self, items: &[(String, &NewItem)]) -> Result<()> {
        if items.is_empty() {
            return Ok(());
        }
        let width = match self.kind {
            Kind::Feedback => INSERT_FEEDBACK_COLUMNS,
            Kind::Qa => INSERT_QA_COLUMNS,
        };
        let (head, _) = match self.kind {
            Kind::Feedback => INSERT_FEEDBACK,
            Kind::Qa => INSERT_QA,
        }
        .split_once("VALUES")
        .expect("an INSERT has VALUES");
        let rows: Vec<String> = (0..items.len())
            .map(|r| {
                let marks: Vec<String> =
                    (1..=width).map(|c| format!("?{}", r * width + c)).collect();
                format!("({}, ?{})", marks.join(", "), r * width + width)
            })
            .collect();
        let sql = format!("{head}VALUES {}", rows.join(", "));
        let dates: Vec<String> = items
            .iter()
            .map(|(_, item)| when::to_storage(item.date))
            .collect();
        let mut params: Vec<&dyn rusqlite::ToSql> = Vec::with_capacity(items.len() * width);
        for ((id, item), date) in items.iter().zip(&dates) {
            params.extend(self.params(id, item, date));
        }
        self.tx.prepare_cached(&sql)?.execute(&params[..])?;
        Ok(())
    }

    /// The parameters of an item's INSERT, in the order of the kind's
    /// statement: its id and member, its own fields, its author and time.
    /// (`&String`, not `&str`: a `&dyn ToSql` needs a sized value.)
    #[allow(clippy::ptr_arg)]
    fn params<'a>(
        &'a self,
        id: &'a String,
        item: &'a NewItem,
        date: &'a String,
    ) -> Vec<&'a dyn rusqlite::ToSql> {
        let mut params: Vec<&dyn rusqlite::ToSql> = vec![id, &item.member_id];
        params.extend(own_fields(self.kind, item, date));
        params.extend([&self.author as &dyn rusqlite::ToSql, &self.now]);
        params
    }
}

/// An item's own fields, in the order both statements of its kind name
/// them: the INSERT after the id and the member, the UPDATE after the id.
#[allow(clippy::ptr_arg)]
fn own_fields<'a>(kind: Kind, item: &'a NewItem, date: &'a String) -> Vec<&'a dyn rusqlite::ToSql> {
    match kind {
        Kind::Feedback => vec![
            &item.comment,
            &item.rating,
            &item.customer,
            &item.channel,
            &item.url,
            date,
            &item.tone,
        ],
        Kind::Qa => vec![
            &item.score,
            &item.reviewer,
            &item.comment,
            &item.url,
            date,
            &item.tone,
        ],
    }
}

/// Saves one item of `kind` for the member its fields name; it waits for
/// the member's next session.
pub fn save(tx: &Tx<'_>, kind: Kind, fields: &Fields<'_>) -> Result<Item> {
    let mut checker = Checker::new(tx, kind)?;
    let item = checker.check(fields)?.map_err(Invalid::into_error)?;
    let id = Inserter::new(tx, kind)?.insert(&new_id(), &item)?;
    get(tx, kind, &id)
}

// ---------------------------------------------------------------------------
// Editing.

const UPDATE_FEEDBACK: &str = "UPDATE feedback
    SET comment = ?2, rating = ?3, customer = ?4, channel = ?5, url = ?6,
        given_at = ?7, tone = ?8, updated_at = ?9
    WHERE id = ?1";
const UPDATE_QA: &str = "UPDATE qa_reviews
    SET score = ?2, reviewer = ?3, comment = ?4, url = ?5,
        reviewed_at = ?6, tone = ?7, updated_at = ?8
    WHERE id = ?1";

/// The fields `item` has now, as text, as if typed again.
fn current_fields<'a>(item: &Item) -> Fields<'a> {
    let mut fields = Fields::default();
    match item {
        Item::Feedback(f) => {
            fields
                .set(Column::Comment, Some(f.comment.clone()))
                .set(Column::Rating, f.rating.map(|r| r.to_string()))
                .set(Column::Customer, f.customer.clone())
                .set(Column::Channel, f.channel.clone())
                .set(Column::Url, f.url.clone());
        }
        Item::Qa(q) => {
            fields
                .set(Column::Score, Some(q.score.to_string()))
                .set(Column::Reviewer, q.reviewer.clone())
                .set(Column::Comment, q.comment.clone())
                .set(Column::Url, q.url.clone());
        }
    }
    fields
}

/// Changes the fields of a saved item given in `changes` (a blank value
/// clears an optional field), with the same checks as saving it. The
/// member stays; the date stays unless given; the tone stays unless given,
/// or unless the rating or score changes, when it follows the new one as
/// at saving. Returns the item as it is now.
pub fn edit(tx: &Tx<'_>, item: &Item, changes: &Fields<'_>) -> Result<Item> {
    let kind = item.kind();
    if let Some(member) = changes.get(Column::Member) {
        return Err(Error::input(format!(
            "a saved item stays with its member; cannot move it to \"{}\"",
            member.escape_debug()
        ))
        .with_hint("delete it with `coach saved rm` and save it again for the other member"));
    }
    if ALL_COLUMNS.iter().all(|c| !changes.given(*c)) {
        return Err(Error::input(format!(
            "nothing to change in the {} {}",
            kind.noun(),
            item.short_id()
        ))
        .with_hint(
            "pass the fields to change, e.g. --comment TEXT; see `coach saved edit --help`",
        ));
    }
    let mut fields = current_fields(item);
    for column in ALL_COLUMNS {
        if changes.given(column) {
            fields.set(column, changes.values[column as usize].clone());
        }
    }
    let measure = match kind {
        Kind::Feedback => Column::Rating,
        Kind::Qa => Column::Score,
    };
    if !changes.given(Column::Tone) && changes.get(measure).is_none() {
        fields.set(Column::Tone, Some(item.tone().as_str()));
    }
    let mut checker = Checker::new(tx, kind)?;
    let mut new = checker
        .check_fields(item.member().id.clone(), &fields)
        .map_err(Invalid::into_error)?;
    if !changes.given(Column::Date) {
        new.date = item.date();
    }
    let date = when::to_storage(new.date);
    let (id, now) = (item.id().to_string(), tx.now_text());
    let mut params: Vec<&dyn rusqlite::ToSql> = vec![&id];
    params.extend(own_fields(kind, &new, &date));
    params.push(&now);
    let update = match kind {
        Kind::Feedback => UPDATE_FEEDBACK,
        Kind::Qa => UPDATE_QA,
    };
    tx.prepare_cached(update)?.execute(&params[..])?;
    get(tx, kind, item.id())
}

// ---------------------------------------------------------------------------
// Bulk import.

pub use crate::import::{BadRow, Format, MAX_BAD_LISTED};

/// What a bulk import did.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    /// The rows read, good and bad (see [`crate::import::Report`]).
    pub report: crate::import::Report,
    /// How many items were saved (none when the import was rejected).
    pub count: u64,
    /// With `ids` asked for: the ids of the items saved, in input order
    /// (as UUIDs: 16 bytes each, a third of their text, for imports of a
    /// million rows); none when the import was rejected.
    pub saved: Vec<uuid::Uuid>,
}

/// How many checked items wait to be written together.
const CHUNK: usize = if cfg!(test) { 3 } else { 8192 };

/// Saves every row of `input` as items of `kind` (see
/// [`crate::import::run`]): every row is checked and every bad one
/// reported; without `skip_bad`, one bad row means nothing is saved
/// (`rejected`). One prepared INSERT serves every row, and each distinct
/// member text is resolved once.
pub fn import(
    tx: &Tx<'_>,
    kind: Kind,
    input: &mut Input<impl BufRead>,
    options: &Options,
    ids: bool,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportReport> {
    let mut items = Items {
        checker: Checker::new(tx, kind)?,
        inserter: Inserter::new(tx, kind)?,
        ids,
        good: 0,
        saved: Vec::new(),
    };
    let report = crate::import::run(tx, &mut items, input, options, progress)?;
    if report.rejected {
        return Ok(ImportReport {
            report,
            ..ImportReport::default()
        });
    }
    Ok(ImportReport {
        count: items.good as u64,
        saved: items.saved,
        report,
    })
}

/// Saved items as rows of an import.
struct Items<'t, 'c> {
    checker: Checker<'t, 'c>,
    inserter: Inserter<'t>,
    /// Whether the ids are kept, in `saved` (they are asked for, to print;
    /// else 2 MB for every 100,000 rows held for nothing).
    ids: bool,
    /// The good rows so far: the place of the next in the input.
    good: usize,
    /// The ids of the good rows, in input order; nil until written.
    saved: Vec<uuid::Uuid>,
}

impl Schema for Items<'_, '_> {
    /// An item and its place in `saved`.
    type Checked = (usize, NewItem);
    const CHUNK: usize = CHUNK;

    fn fields(&self) -> &'static [&'static str] {
        self.checker.kind.field_names()
    }

    fn required(&self) -> &'static [&'static str] {
        &["member"]
    }

    fn check(&mut self, row: &crate::import::Row<'_>) -> Result<Result<(usize, NewItem), String>> {
        let mut fields = Fields::default();
        for (column, value) in self.checker.kind.columns().iter().zip(row) {
            fields.set(*column, value.as_ref().map(JsonValue::as_text));
        }
        Ok(self
            .checker
            .check(&fields)?
            .map_err(|invalid| invalid.message)
            .map(|item| {
                if self.ids {
                    self.saved.push(uuid::Uuid::nil());
                }
                self.good += 1;
                (self.good - 1, item)
            }))
    }

    /// Writes the waiting items by date, [`BATCH`] rows to a statement,
    /// and their text to the search index every [`STAGED`] rows.
    fn write(&mut self, rows: &mut Vec<(usize, NewItem)>, ids: &mut AscendingIds) -> Result<()> {
        // Unstable (no buffer the size of the chunk), and the input's order
        // among equals.
        rows.sort_unstable_by(|(i, a), (j, b)| {
            (a.date, &a.member_id, i).cmp(&(b.date, &b.member_id, j))
        });
        let mut batch = Vec::with_capacity(BATCH);
        for staged in rows.chunks(STAGED) {
            for group in staged.chunks(BATCH) {
                batch.clear();
                for (place, item) in group {
                    let id = ids.next_uuid();
                    if let Some(saved) = self.saved.get_mut(*place) {
                        *saved = id;
                    }
                    batch.push((id.simple().to_string(), item));
                }
                self.inserter.insert_many(&batch)?;
            }
            self.inserter.tx.flush_search()?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Reading items.

const SELECT_FEEDBACK: &str = "SELECT f.id, f.member_id, m.name, m.email, f.session_id,
            f.comment, f.rating, f.customer, f.channel, f.url, f.given_at, f.tone,
            f.created_at, f.updated_at
     FROM feedback f JOIN members m ON m.id = f.member_id";

const SELECT_QA: &str = "SELECT q.id, q.member_id, m.name, m.email, q.session_id,
            q.comment, q.score, q.reviewer, q.url, q.reviewed_at, q.tone,
            q.created_at, q.updated_at
     FROM qa_reviews q JOIN members m ON m.id = q.member_id";

fn feedback_from_row(row: &Row<'_>) -> rusqlite::Result<Feedback> {
    Ok(Feedback {
        id: row.get(0)?,
        short_id: String::new(),
        member: MemberRef {
            id: row.get(1)?,
            name: row.get(2)?,
            email: row.get(3)?,
        },
        session_id: row.get(4)?,
        comment: row.get(5)?,
        rating: row.get(6)?,
        customer: row.get(7)?,
        channel: row.get(8)?,
        url: row.get(9)?,
        date: time_at(row, 10)?,
        tone: row.get(11)?,
        created_at: time_at(row, 12)?,
        updated_at: time_at(row, 13)?,
        notes: Vec::new(),
    })
}

fn qa_from_row(row: &Row<'_>) -> rusqlite::Result<QaReview> {
    Ok(QaReview {
        id: row.get(0)?,
        short_id: String::new(),
        member: MemberRef {
            id: row.get(1)?,
            name: row.get(2)?,
            email: row.get(3)?,
        },
        session_id: row.get(4)?,
        comment: row.get(5)?,
        score: row.get(6)?,
        reviewer: row.get(7)?,
        url: row.get(8)?,
        date: time_at(row, 9)?,
        tone: row.get(10)?,
        created_at: time_at(row, 11)?,
        updated_at: time_at(row, 12)?,
        notes: Vec::new(),
    })
}

/// Runs one of the item queries (`{select}` then `tail`) for `kind`.
fn query(tx: &Tx<'_>, kind: Kind, tail: &str, params: impl rusqlite::Params) -> Result<Vec<Item>> {
    query_with(tx, kind, tail, params, ShortIds::All)
}

/// [`query`], with the items' short ids if `ids` says so (an item is
/// never a member's action).
fn query_with(
    tx: &Tx<'_>,
    kind: Kind,
    tail: &str,
    params: impl rusqlite::Params,
    ids: ShortIds,
) -> Result<Vec<Item>> {
    let (select, alias) = match kind {
        Kind::Feedback => (SELECT_FEEDBACK, "f"),
        Kind::Qa => (SELECT_QA, "q"),
    };
    let sql = format!("{select} {}", tail.replace("{t}", alias));
    let mut stmt = tx.prepare_cached(&sql)?;
    let items = match kind {
        Kind::Feedback => stmt
            .query_map(params, |r| feedback_from_row(r).map(Item::Feedback))?
            .collect::<rusqlite::Result<Vec<_>>>()?,
        Kind::Qa => stmt
            .query_map(params, |r| qa_from_row(r).map(Item::Qa))?
            .collect::<rusqlite::Result<Vec<_>>>()?,
    };
    if ids != ShortIds::All {
        return Ok(items);
    }
    items
        .into_iter()
        .map(|mut item| {
            item.set_short_id(tx.short_id_of::<Item>(item.id())?);
            Ok(item)
        })
        .collect()
}

/// The item of `kind` with this full id.
pub fn get(tx: &Tx<'_>, kind: Kind, id: &str) -> Result<Item> {
    query(
        tx,
        kind,
        "WHERE {t}.id = ?1 AND {t}.deleted_at IS NULL",
        [id],
    )?
    .into_iter()
    .next()
    .ok_or_else(|| Error::input(format!("no {} has the id {id}", kind.noun())))
}

impl Record for Item {
    const TABLES: &'static [&'static str] = &[Kind::Feedback.table(), Kind::Qa.table()];
    const NOUN: &'static str = "item";
    const PLURAL: &'static str = "saved items";
    const ANY: &'static str = "feedback or QA review";
    const LIST_HINT: &'static str =
        "`coach saved` lists the waiting items, `coach session show` a session's";

    fn read(tx: &Tx<'_>, table: &'static str, id: &str) -> Result<Item> {
        let kind = if table == Kind::Qa.table() {
            Kind::Qa
        } else {
            Kind::Feedback
        };
        get(tx, kind, id)
    }
}

/// The items waiting for a session, newest first: a member's, or everyone's
/// with `member_id` `None`; at most `limit`.
pub fn waiting(tx: &Tx<'_>, member_id: Option<&str>, limit: Option<usize>) -> Result<Vec<Item>> {
    let limit = limit.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX));
    let date = |kind: Kind| match kind {
        Kind::Feedback => "given_at",
        Kind::Qa => "reviewed_at",
    };
    let mut items = Vec::new();
    for kind in [Kind::Feedback, Kind::Qa] {
        // Two forms, so that each uses its index (the member's waiting
        // items, or all waiting items) rather than scanning the history.
        let filter = if member_id.is_some() {
            "{t}.member_id = ?1 AND"
        } else {
            "?1 IS NULL AND"
        };
        let tail = format!(
            "WHERE {filter} {{t}}.session_id IS NULL AND {{t}}.deleted_at IS NULL
             ORDER BY {{t}}.{date} DESC, {{t}}.id DESC LIMIT ?2",
            date = date(kind)
        );
        items.extend(query(tx, kind, &tail, rusqlite::params![member_id, limit])?);
    }
    items.sort_by(|a, b| b.date().cmp(&a.date()).then_with(|| b.id().cmp(a.id())));
    if limit >= 0 {
        items.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    }
    Ok(items)
}

/// How many items wait for the member with `member_id`.
pub fn waiting_count(tx: &Tx<'_>, member_id: &str) -> Result<u64> {
    let mut stmt = tx.prepare_cached(
        "SELECT (SELECT count(*) FROM feedback
                 WHERE member_id = ?1 AND session_id IS NULL AND deleted_at IS NULL)
              + (SELECT count(*) FROM qa_reviews
                 WHERE member_id = ?1 AND session_id IS NULL AND deleted_at IS NULL)",
    )?;
    let count: i64 = stmt.query_row([member_id], |r| r.get(0))?;
    Ok(u64::try_from(count).unwrap_or(0))
}

/// A session's feedback and QA reviews.
pub type InSession<N> = (Vec<Feedback<N>>, Vec<QaReview<N>>);

/// The feedback and QA reviews of a session, oldest first, each with the
/// dedicated notes the audience of `N` may see.
pub fn for_session<N: Visible>(
    tx: &Tx<'_>,
    session_id: &str,
    ids: ShortIds,
) -> Result<InSession<N>> {
    let mut feedback = Vec::new();
    let mut reviews = Vec::new();
    for kind in [Kind::Feedback, Kind::Qa] {
        let date = match kind {
            Kind::Feedback => "given_at",
            Kind::Qa => "reviewed_at",
        };
        let tail = format!(
            "WHERE {{t}}.session_id = ?1 AND {{t}}.deleted_at IS NULL ORDER BY {{t}}.{date}, {{t}}.id"
        );
        for item in query_with(tx, kind, &tail, [session_id], ids)? {
            match item {
                Item::Feedback(f) => {
                    let notes = note::for_item(tx, &f.id, ids)?;
                    feedback.push(f.with_notes(notes));
                }
                Item::Qa(q) => {
                    let notes = note::for_item(tx, &q.id, ids)?;
                    reviews.push(q.with_notes(notes));
                }
            }
        }
    }
    Ok((feedback, reviews))
}

/// Which saved items to bring into a session.
#[derive(Debug, Clone, Copy)]
pub enum Selection<'a> {
    /// These items: ids or unique beginnings of ids.
    Items(&'a [String]),
    /// Every item waiting for the session's member.
    AllWaiting,
}

/// Brings saved items into `session`: each must be one of the session
/// member's items, still waiting. Returns them as they are now.
pub fn add_to_session(
    tx: &Tx<'_>,
    session: &Session,
    selection: Selection<'_>,
) -> Result<Vec<Item>> {
    let items = match selection {
        Selection::AllWaiting => waiting(tx, Some(&session.member.id), None)?,
        Selection::Items(queries) => {
            let mut items: Vec<Item> = Vec::with_capacity(queries.len());
            for query in queries {
                let item: Item = tx.resolve(query)?;
                if !items.iter().any(|i| i.id() == item.id()) {
                    items.push(item);
                }
            }
            items
        }
    };
    let now = tx.now_text();
    let mut added = Vec::with_capacity(items.len());
    for item in items {
        check_can_add(tx, session, &item)?;
        let sql = format!(
            "UPDATE {} SET session_id = ?2, updated_at = ?3 WHERE id = ?1",
            item.kind().table()
        );
        tx.prepare_cached(&sql)?
            .execute(rusqlite::params![item.id(), session.id, now])?;
        added.push(get(tx, item.kind(), item.id())?);
    }
    Ok(added)
}

/// Takes saved items out of `session`: they wait for the member's next
/// session again. Their dedicated notes stay in the session as general
/// notes. Returns them as they are now.
pub fn remove_from_session(
    tx: &Tx<'_>,
    session: &Session,
    queries: &[String],
) -> Result<Vec<Item>> {
    let mut removed: Vec<Item> = Vec::with_capacity(queries.len());
    for query in queries {
        let item: Item = tx.resolve(query)?;
        if item.session_id() != Some(session.id.as_str()) {
            return Err(Error::input(format!(
                "the {} {} is not in the session {}",
                item.kind().noun(),
                item.short_id(),
                session.short_id
            ))
            .with_hint("`coach session show` lists the session's items"));
        }
        if removed.iter().any(|i| i.id() == item.id()) {
            continue;
        }
        set_waiting(tx, &item)?;
        removed.push(get(tx, item.kind(), item.id())?);
    }
    Ok(removed)
}

/// Deletes a saved item, leaving a tombstone; out of its session too.
pub fn remove(tx: &Tx<'_>, item: &Item) -> Result<()> {
    crate::note::detach_from_item(tx, item.id())?;
    let sql = format!(
        "UPDATE {} SET deleted_at = ?2, updated_at = ?2 WHERE id = ?1",
        item.kind().table()
    );
    tx.prepare_cached(&sql)?
        .execute(rusqlite::params![item.id(), tx.now_text()])?;
    Ok(())
}

/// The items of a session being deleted wait for the member's next
/// session again (the session's notes, their dedicated ones included, go
/// with the session).
pub fn release_session(tx: &Tx<'_>, session_id: &str) -> Result<()> {
    for kind in [Kind::Feedback, Kind::Qa] {
        let sql = format!(
            "UPDATE {} SET session_id = NULL, updated_at = ?2
             WHERE session_id = ?1 AND deleted_at IS NULL",
            kind.table()
        );
        tx.prepare_cached(&sql)?
            .execute(rusqlite::params![session_id, tx.now_text()])?;
    }
    Ok(())
}

fn set_waiting(tx: &Tx<'_>, item: &Item) -> Result<()> {
    crate::note::detach_from_item(tx, item.id())?;
    let sql = format!(
        "UPDATE {} SET session_id = NULL, updated_at = ?2 WHERE id = ?1",
        item.kind().table()
    );
    tx.prepare_cached(&sql)?
        .execute(rusqlite::params![item.id(), tx.now_text()])?;
    Ok(())
}

fn check_can_add(tx: &Tx<'_>, session: &Session, item: &Item) -> Result<()> {
    let what = format!("the {} {}", item.kind().noun(), item.short_id());
    if item.member().id != session.member.id {
        return Err(Error::input(format!(
            "{what} is about {}, but this session is with {}",
            item.member().name,
            session.member.name
        ))
        .with_hint(format!(
            "`coach saved \"{}\"` lists {}'s waiting items",
            session.member.name, session.member.name
        )));
    }
    if let Some(other) = item.session_id() {
        let named = match crate::session::get(tx, other) {
            Ok(s) => format!(
                "the session {} \"{}\" ({})",
                s.short_id,
                s.title,
                when::display_local_date(s.date)
            ),
            Err(_) => "a deleted session".to_string(),
        };
        return Err(
            Error::input(format!("{what} is already in {named}")).with_hint(format!(
                "`coach saved \"{}\"` lists the items still waiting",
                session.member.name
            )),
        );
    }
    Ok(())
}

/// The balance of recognition and criticism in a session.
pub fn balance(tx: &Tx<'_>, session_id: &str) -> Result<Balance> {
    let mut stmt = tx.prepare_cached(
        "SELECT
           (SELECT count(*) FROM feedback WHERE session_id = ?1 AND deleted_at IS NULL AND tone = 'positive')
         + (SELECT count(*) FROM qa_reviews WHERE session_id = ?1 AND deleted_at IS NULL AND tone = 'positive'),
           (SELECT count(*) FROM feedback WHERE session_id = ?1 AND deleted_at IS NULL AND tone = 'improve')
         + (SELECT count(*) FROM qa_reviews WHERE session_id = ?1 AND deleted_at IS NULL AND tone = 'improve'),
           (SELECT count(*) FROM kudos WHERE session_id = ?1 AND deleted_at IS NULL)",
    )?;
    let balance = stmt
        .query_row([session_id], |r| {
            let count = |i: usize| r.get::<_, i64>(i).map(|n| u64::try_from(n).unwrap_or(0));
            Ok(Balance {
                positive: count(0)?,
                improve: count(1)?,
                kudos: count(2)?,
            })
        })
        .optional()?;
    Ok(balance.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::open(&dir.path().join("coach.db"), false).expect("open");
        (dir, store)
    }

    fn fields<'a>(pairs: &[(Column, &'a str)]) -> Fields<'a> {
        let mut fields = Fields::default();
        for (column, value) in pairs {
            fields.set(*column, Some(*value));
        }
        fields
    }

    #[test]
    fn urls_ratings_and_text_are_checked() {
        assert!(check_url("https://support.example.com/t/1").is_ok());
        for bad in [
            "example.com",
            "https://",
            "https:///x",
            "ftp://x.org",
            "https://a b",
        ] {
            assert!(check_url(bad).is_err(), "{bad}");
        }
        assert_eq!(whole_number("rating", "5", 1, 5).ok(), Some(5));
        for bad in ["0", "6", "-1", "4.5", "five", "300"] {
            assert!(whole_number("rating", bad, 1, 5).is_err(), "{bad}");
        }
        assert!(check_line("customer", "Dana\nBcc: x").is_err());
        assert_eq!(check_comment("a\r\nb").ok().as_deref(), Some("a\nb"));
        assert!(check_comment("a\u{7}b").is_err());
    }

    #[test]
    fn the_tone_comes_from_the_rating_the_score_or_is_explicit() {
        let (_dir, mut store) = store();
        store
            .write(|tx| {
                member::add(
                    tx,
                    member::Fields {
                        name: Some("Alex Kim".into()),
                        ..Default::default()
                    },
                )?;
                let tone = |kind: Kind, pairs: &[(Column, &str)]| -> Result<Tone> {
                    let mut checker = Checker::new(tx, kind)?;
                    let mut all = vec![(Column::Member, "alex")];
                    all.extend_from_slice(pairs);
                    Ok(checker
                        .check(&fields(&all))?
                        .map_err(Invalid::into_error)?
                        .tone)
                };
                use Column as C;
                let fb = Kind::Feedback;
                assert_eq!(
                    tone(fb, &[(C::Comment, "x"), (C::Rating, "4")])?,
                    Tone::Positive
                );
                assert_eq!(
                    tone(fb, &[(C::Comment, "x"), (C::Rating, "3")])?,
                    Tone::Improve
                );
                let explicit = [(C::Comment, "x"), (C::Rating, "1"), (C::Tone, "positive")];
                assert_eq!(tone(fb, &explicit)?, Tone::Positive);
                assert!(tone(fb, &[(C::Comment, "x")]).is_err());
                assert_eq!(tone(Kind::Qa, &[(C::Score, "80")])?, Tone::Positive);
                assert_eq!(tone(Kind::Qa, &[(C::Score, "79")])?, Tone::Improve);
                crate::config::set(tx, "qa.positive-score", "70")?;
                assert_eq!(tone(Kind::Qa, &[(C::Score, "75")])?, Tone::Positive);
                assert!(tone(Kind::Qa, &[(C::Score, "75"), (C::Rating, "5")]).is_err());
                Ok(())
            })
            .expect("checks");
    }

    #[test]
    fn balance_hints_only_when_criticism_outweighs_recognition() {
        let balance = |positive, improve, kudos| Balance {
            positive,
            improve,
            kudos,
        };
        assert!(balance(1, 2, 0).hint().is_some());
        assert!(balance(1, 2, 1).hint().is_none());
        assert!(balance(0, 0, 0).hint().is_none());
        assert!(balance(3, 1, 0).hint().is_none());
    }
}
