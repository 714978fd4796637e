//! Generates a benchmark dataset: a coach's team with years of weekly 1:1s.
//!
//! ```sh
//! cargo run --release --example generate -- --members 60 --years 10 --seed 1 --db target/bench/coach.db
//! ```
//!
//! Everything goes through coach's own library API (the functions the
//! commands call), never through SQL of its own, so the file is exactly what
//! years of use would leave behind: the same checks, indexes, short ids and
//! tombstones. The same seed gives the same file (ids from
//! `store::seed_ids`, times from `Store::set_clock`, content from a small
//! generator seeded here).
//!
//! The history, day by day (one transaction per working day, its clock at
//! 07:00 UTC, so each record gets its historical time):
//! - each member has a weekly 1:1 on their own weekday and hour (a few weeks
//!   skipped for holidays); every fourth is a "Monthly goals" session started
//!   from a template, and once a year an "Annual review" of 50-70 items;
//! - a session holds 10-30 items: feedback and QA reviews saved during the
//!   week and brought in, session metrics, shared Markdown notes, the
//!   member's own topics, private notes, notes dedicated to an item, kudos,
//!   action items, now and then an attachment (small files);
//! - actions are checked off in later 1:1s: most at the next one, some only
//!   after months, a few never, so some are open and most of those overdue;
//! - the recap of each session is shared the next working day (to the
//!   outbox, recorded as sent), except for the last `--pending-days`;
//! - every Monday, last week's daily values of nine metrics per member are
//!   imported (the bulk import, from an in-memory CSV export);
//! - at the end, feedback and QA reviews wait for each member's next 1:1.

use std::fmt::Write as _;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context};
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use clap::Parser;

use coach::action::{self, Action, Owner};
use coach::kudos;
use coach::metric::{self, import as metric_import};
use coach::note::{self, Visibility};
use coach::saved::{self, Column};
use coach::session;
use coach::store::{self, Store, Tx};
use coach::{attachment, config, mail, member, share, template};

/// Generate a coach database with a realistic history, for benchmarks
#[derive(Debug, Parser)]
struct Args {
    /// Team members
    #[arg(long, default_value_t = 60)]
    members: usize,
    /// Years of weekly 1:1s, ending on --end
    #[arg(long, default_value_t = 10)]
    years: u32,
    /// The seed: the same seed gives the same database
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// The database to create (it must not exist)
    #[arg(long)]
    db: PathBuf,
    /// The last day of the history (a fixed date keeps a seed reproducible)
    #[arg(long, default_value = "2026-11-27")]
    end: NaiveDate,
    /// Recaps of the sessions held in these last days are left unsent
    #[arg(long, default_value_t = 14)]
    pending_days: i64,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.members == 0 || args.years == 0 {
        bail!("--members and --years must be at least 1");
    }
    if args.db.exists() {
        bail!(
            "{} exists; the generator only creates new databases",
            args.db.display()
        );
    }
    let started = Instant::now();
    // Before anything creates an id (the owner's id is made with the file).
    store::seed_ids(args.seed);
    let mut store = Store::open(&args.db, false)
        .with_context(|| format!("cannot create {}", args.db.display()))?;
    let files = FilePool::create(&args.db, args.seed)?;
    let mut gen = Generator::new(&args, files);
    let result = gen.run(&mut store);
    gen.files.remove();
    result?;
    let totals = totals(&mut store)?;
    println!(
        "{} in {:.1} s:\n{totals}",
        args.db.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

// ---------------------------------------------------------------------------
// Randomness: SplitMix64, small and well known; good enough for fake data.

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        // A different stream from the ids', which are seeded with `seed` too.
        Rng(seed ^ 0xC0AC_4DA7_A5E7_0001)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in lo..=hi.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + ((self.next() as u128 * (hi - lo + 1) as u128) >> 64) as usize
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.range(0, items.len() - 1)]
    }

    /// Standard normal (Box-Muller).
    fn normal(&mut self) -> f64 {
        let u = self.unit().max(1e-12);
        let v = self.unit();
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

// ---------------------------------------------------------------------------
// The shape of the history.

/// The daily metrics of every member: name, unit, target, typical value,
/// day-to-day spread, bounds, decimals.
struct MetricSpec {
    name: &'static str,
    unit: &'static str,
    target: f64,
    typical: f64,
    spread: f64,
    min: f64,
    max: f64,
    decimals: i32,
}

const METRICS: [MetricSpec; 9] = [
    MetricSpec {
        name: "CSAT",
        unit: "",
        target: 4.5,
        typical: 4.5,
        spread: 0.2,
        min: 1.0,
        max: 5.0,
        decimals: 2,
    },
    MetricSpec {
        name: "AHT",
        unit: "s",
        target: 420.0,
        typical: 415.0,
        spread: 35.0,
        min: 120.0,
        max: 900.0,
        decimals: 0,
    },
    MetricSpec {
        name: "FCR",
        unit: "%",
        target: 75.0,
        typical: 76.0,
        spread: 4.0,
        min: 0.0,
        max: 100.0,
        decimals: 1,
    },
    MetricSpec {
        name: "QA",
        unit: "",
        target: 85.0,
        typical: 86.0,
        spread: 5.0,
        min: 0.0,
        max: 100.0,
        decimals: 0,
    },
    MetricSpec {
        name: "NPS",
        unit: "",
        target: 40.0,
        typical: 42.0,
        spread: 10.0,
        min: -100.0,
        max: 100.0,
        decimals: 0,
    },
    MetricSpec {
        name: "Adherence",
        unit: "%",
        target: 92.0,
        typical: 92.5,
        spread: 2.5,
        min: 0.0,
        max: 100.0,
        decimals: 1,
    },
    MetricSpec {
        name: "Occupancy",
        unit: "%",
        target: 85.0,
        typical: 84.0,
        spread: 3.5,
        min: 0.0,
        max: 100.0,
        decimals: 1,
    },
    MetricSpec {
        name: "Transfers",
        unit: "%",
        target: 8.0,
        typical: 8.0,
        spread: 1.8,
        min: 0.0,
        max: 100.0,
        decimals: 1,
    },
    MetricSpec {
        name: "Escalations",
        unit: "",
        target: 3.0,
        typical: 2.6,
        spread: 1.0,
        min: 0.0,
        max: 50.0,
        decimals: 0,
    },
];

/// Metrics whose target is a maximum.
const LOWER_IS_BETTER: &str = "AHT,Transfers,Escalations";

/// Of the actions, those checked off slowly (or never): the rest are
/// checked off at the next 1:1 or the one after. Tuned so that the
/// reference dataset (60 members, 10 years) ends with about 10,000 open
/// actions, most of them overdue, as the Taskwarrior comparison needs.
const SLOW_ACTIONS: f64 = 0.34;
/// The chance that a slow action is checked off at a given 1:1.
const SLOW_DONE: f64 = 0.0035;
/// The chance that any other action is checked off at a given 1:1.
const FAST_DONE: f64 = 0.8;

/// Weeks without a 1:1 (holidays, sick days).
const SKIPPED_WEEK: f64 = 0.02;

#[derive(Clone, Copy, PartialEq)]
enum SessionKind {
    Weekly,
    Monthly,
    Annual,
}

/// How many items of each kind a session gets.
#[derive(Default)]
struct Plan {
    feedback: usize,
    qa: usize,
    metrics: usize,
    kudos: usize,
    actions: usize,
    attachments: usize,
    private: usize,
    topics: usize,
    dedicated: usize,
    shared: usize,
}

impl Plan {
    fn new(rng: &mut Rng, kind: SessionKind) -> Plan {
        let (items, mut plan) = match kind {
            SessionKind::Annual => (
                rng.range(50, 70),
                Plan {
                    feedback: rng.range(6, 8),
                    qa: rng.range(3, 4),
                    metrics: METRICS.len(),
                    kudos: rng.range(2, 4),
                    actions: rng.range(4, 6),
                    attachments: rng.range(1, 2),
                    private: rng.range(2, 4),
                    topics: rng.range(1, 2),
                    dedicated: rng.range(6, 10),
                    shared: 0,
                },
            ),
            _ => (
                rng.range(10, 30),
                Plan {
                    feedback: rng.range(1, 4),
                    qa: rng.range(0, 2),
                    metrics: rng.range(2, 4),
                    kudos: rng.range(0, 2),
                    actions: rng.range(1, 3),
                    attachments: usize::from(rng.chance(0.08)),
                    private: rng.range(0, 2),
                    topics: rng.range(0, 1),
                    dedicated: rng.range(0, 3),
                    shared: 0,
                },
            ),
        };
        let agenda = if kind == SessionKind::Monthly { 5 } else { 0 };
        let fixed = plan.feedback
            + plan.qa
            + plan.metrics
            + plan.kudos
            + plan.actions
            + plan.attachments
            + plan.private
            + plan.topics
            + plan.dedicated
            + agenda;
        plan.shared = items.saturating_sub(fixed).max(1);
        plan
    }
}

/// What was written so far.
#[derive(Default)]
struct Counts {
    sessions: u64,
    items: u64,
    values: u64,
    recaps: u64,
}

struct MemberState {
    member: member::Member,
    /// Their weekly slot: the weekday (0 = Monday) and the minute of the day.
    weekday: u32,
    minute: u32,
    /// Open actions, and whether each is a slow one.
    open: Vec<(Action, bool)>,
    /// Today's deviation of each metric from the member's level (AR(1)).
    deviation: [f64; METRICS.len()],
    /// The member's own level of each metric.
    level: [f64; METRICS.len()],
}

struct Generator {
    rng: Rng,
    members_wanted: usize,
    start: NaiveDate,
    end: NaiveDate,
    recaps_until: DateTime<Utc>,
    members: Vec<MemberState>,
    files: FilePool,
    monthly: Option<template::Template>,
    /// Sessions waiting for their recap, oldest first.
    recaps: std::collections::VecDeque<(String, DateTime<Utc>)>,
    /// The first day whose metric values are not imported yet.
    imported_until: NaiveDate,
    counts: Counts,
}

fn at(day: NaiveDate, minute: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
        + Duration::minutes(i64::from(minute))
}

impl Generator {
    fn new(args: &Args, files: FilePool) -> Generator {
        let weeks = (f64::from(args.years) * 52.1775).round() as i64;
        // The Monday `weeks` weeks before the end.
        let last_monday =
            args.end - Duration::days(i64::from(args.end.weekday().num_days_from_monday()));
        let start = last_monday - Duration::weeks(weeks - 1);
        Generator {
            rng: Rng::new(args.seed),
            members_wanted: args.members,
            start,
            end: args.end,
            recaps_until: at(args.end - Duration::days(args.pending_days), 24 * 60),
            members: Vec::new(),
            files,
            monthly: None,
            recaps: Default::default(),
            // Four weeks of metric history before the first 1:1.
            imported_until: start - Duration::weeks(4),
            counts: Counts::default(),
        }
    }

    fn run(&mut self, store: &mut Store) -> anyhow::Result<()> {
        let started = Instant::now();
        store.set_clock(Some(at(self.imported_until, 8 * 60)));
        store.write(|tx| self.setup(tx))?;
        let mut day = self.start;
        let mut year_mark = self.start + Duration::days(365);
        while day <= self.end {
            if day.weekday() != Weekday::Sat && day.weekday() != Weekday::Sun {
                store.set_clock(Some(at(day, 7 * 60)));
                store.write(|tx| self.working_day(tx, day))?;
            }
            if day >= year_mark || day == self.end {
                year_mark += Duration::days(365);
                let c = &self.counts;
                println!(
                    "  up to {day}: {} sessions, {} items, {} metric values, {} recaps ({:.0} s)",
                    c.sessions,
                    c.items,
                    c.values,
                    c.recaps,
                    started.elapsed().as_secs_f64()
                );
            }
            day += Duration::days(1);
        }
        // The end of the last day: the rest of the metric history, and what
        // waits for each member's next 1:1.
        store.set_clock(Some(at(self.end, 18 * 60)));
        store.write(|tx| {
            self.import_metrics(tx, self.end)?;
            for m in 0..self.members.len() {
                let feedback = self.rng.range(2, 8);
                let qa = self.rng.range(0, 3);
                self.save_items(tx, m, feedback, qa)?;
            }
            Ok(())
        })?;
        Ok(())
    }

    /// The coach, the team, the settings and the templates.
    fn setup(&mut self, tx: &Tx<'_>) -> coach::Result<()> {
        config::set(tx, "user.name", "Sam Lee")?;
        config::set(tx, "user.email", "sam.lee@example.com")?;
        config::set(tx, "metric.lower-is-better", LOWER_IS_BETTER)?;
        template::add(
            tx,
            "weekly",
            "Weekly check-in",
            Some(include_str!("templates/weekly-check-in.md")),
        )?;
        self.monthly = Some(template::add(
            tx,
            "monthly goals",
            "Monthly goals",
            Some(include_str!("templates/monthly-goals.md")),
        )?);
        let mut taken = std::collections::HashSet::new();
        for i in 0..self.members_wanted {
            let mut name = format!("{} {}", self.rng.pick(FIRST), self.rng.pick(LAST));
            while !taken.insert(name.clone()) {
                name = format!("{} {}", self.rng.pick(FIRST), self.rng.pick(LAST));
                if taken.len() > FIRST.len() * LAST.len() / 2 {
                    name = format!("{name} {i}");
                }
            }
            let email = format!("{}@example.com", name.to_lowercase().replace(' ', "."));
            let member = member::add(
                tx,
                member::Fields {
                    name: Some(name),
                    email: Some(email),
                    team: Some(self.rng.pick(TEAMS).to_string()),
                    ..member::Fields::default()
                },
            )?;
            let mut level = [0.0; METRICS.len()];
            for (l, spec) in level.iter_mut().zip(&METRICS) {
                *l = spec.typical + spec.spread * 0.6 * self.rng.normal();
            }
            self.members.push(MemberState {
                member,
                weekday: (i % 5) as u32,
                // 09:00 to 16:30, on the half hour.
                minute: 9 * 60 + 30 * self.rng.range(0, 15) as u32,
                open: Vec::new(),
                deviation: [0.0; METRICS.len()],
                level,
            });
        }
        Ok(())
    }

    fn working_day(&mut self, tx: &Tx<'_>, day: NaiveDate) -> coach::Result<()> {
        if day.weekday() == Weekday::Mon || self.imported_until < day - Duration::days(7) {
            self.import_metrics(tx, day)?;
        }
        self.send_recaps(tx)?;
        let week = (day - self.start).num_days() / 7;
        let weekday = day.weekday().num_days_from_monday();
        for m in 0..self.members.len() {
            if self.members[m].weekday != weekday || self.rng.chance(SKIPPED_WEEK) {
                continue;
            }
            let slot = (week + m as i64) % 52;
            let kind = if slot == 0 {
                SessionKind::Annual
            } else if slot % 4 == 0 {
                SessionKind::Monthly
            } else {
                SessionKind::Weekly
            };
            let held_at = at(day, self.members[m].minute);
            self.session(tx, m, held_at, kind)?;
        }
        Ok(())
    }

    /// Imports the daily values of every member's metrics for the days
    /// before `until`, as a BI export would deliver them: one CSV, through
    /// the bulk import.
    fn import_metrics(&mut self, tx: &Tx<'_>, until: NaiveDate) -> coach::Result<()> {
        let mut csv = String::from("member,metric,value,date,target,unit\n");
        let mut rows = 0;
        let mut day = self.imported_until;
        let years = (until - self.start).num_days() as f64 / 365.25;
        while day < until {
            let date = format!("{day}T09:00:00Z");
            for m in &mut self.members {
                for (i, spec) in METRICS.iter().enumerate() {
                    // Day to day: AR(1) around the member's level, which
                    // improves slowly over the years.
                    let d = &mut m.deviation[i];
                    *d = 0.85 * *d + 0.53 * spec.spread * self.rng.normal();
                    let improving = if LOWER_IS_BETTER.contains(spec.name) {
                        -1.0
                    } else {
                        1.0
                    };
                    let raw = m.level[i] + *d + improving * spec.spread * 0.05 * years.max(0.0);
                    let scale = 10f64.powi(spec.decimals);
                    let value = (raw.clamp(spec.min, spec.max) * scale).round() / scale;
                    let _ = writeln!(
                        csv,
                        "{},{},{value},{date},{},{}",
                        m.member.name, spec.name, spec.target, spec.unit
                    );
                    rows += 1;
                }
            }
            day += Duration::days(1);
        }
        self.imported_until = until;
        if rows == 0 {
            return Ok(());
        }
        let options = metric_import::Options {
            format: Some(metric_import::Format::Csv),
            skip_bad: false,
            dry_run: false,
            source: "generated export".into(),
            size: None,
        };
        let mut input = coach::import::open(Cursor::new(csv.as_bytes()), "generated export")?;
        let summary = metric_import::import(tx, &mut input, &options, &mut |_| {})?;
        self.counts.values += summary.imported;
        Ok(())
    }

    /// Shares the recap of every session held before now, except the last
    /// days' (left pending), as `coach share --recap` does: claim, then
    /// record the outcome (the outbox here, without writing the file).
    fn send_recaps(&mut self, tx: &Tx<'_>) -> coach::Result<()> {
        while let Some((id, held_at)) = self.recaps.front().cloned() {
            if held_at >= tx.now() || held_at >= self.recaps_until {
                break;
            }
            self.recaps.pop_front();
            let claim = share::claim(tx, &id, share::Kind::Recap, false, "outbox", tx.folder())?;
            if let share::Claim::Claimed(_, claimed) = claim {
                let sent = Ok(mail::Sent {
                    transport: "outbox",
                    detail: format!("outbox/{}.eml", claimed.id),
                });
                share::record(tx, &claimed.id, &sent)?;
                self.counts.recaps += 1;
            }
        }
        Ok(())
    }

    /// Saves feedback and QA reviews for member `m`, given during the week
    /// before now; returns their ids.
    fn save_items(
        &mut self,
        tx: &Tx<'_>,
        m: usize,
        feedback: usize,
        qa: usize,
    ) -> coach::Result<Vec<String>> {
        let mut ids = Vec::with_capacity(feedback + qa);
        let member_id = self.members[m].member.id.clone();
        for i in 0..feedback + qa {
            let given = tx.now() - Duration::minutes(self.rng.range(60, 7 * 24 * 60) as i64);
            let date = given.format("%Y-%m-%dT%H:%M:00Z").to_string();
            let mut fields = saved::Fields::default();
            fields
                .set(Column::Member, Some(member_id.as_str()))
                .set(Column::Date, Some(date));
            let kind = if i < feedback {
                let positive = self.rng.chance(0.7);
                let comment = if positive {
                    sentence(&mut self.rng, PRAISE)
                } else {
                    sentence(&mut self.rng, COMPLAINT)
                };
                fields
                    .set(Column::Comment, Some(comment))
                    .set(
                        Column::Customer,
                        Some(format!("{} {}", self.rng.pick(FIRST), self.rng.pick(LAST))),
                    )
                    .set(Column::Channel, Some(*self.rng.pick(CHANNELS)));
                if self.rng.chance(0.85) {
                    let rating = if positive {
                        self.rng.range(4, 5)
                    } else {
                        self.rng.range(1, 3)
                    };
                    fields.set(Column::Rating, Some(rating.to_string()));
                } else {
                    fields.set(
                        Column::Tone,
                        Some(if positive { "positive" } else { "improve" }),
                    );
                }
                if self.rng.chance(0.5) {
                    let ticket = self.rng.range(100_000, 999_999);
                    fields.set(
                        Column::Url,
                        Some(format!("https://support.example.com/tickets/{ticket}")),
                    );
                }
                saved::Kind::Feedback
            } else {
                let score = (88.0 + 8.0 * self.rng.normal()).clamp(40.0, 100.0) as u32;
                fields
                    .set(Column::Score, Some(score.to_string()))
                    .set(Column::Reviewer, Some(*self.rng.pick(REVIEWERS)));
                if self.rng.chance(0.8) {
                    let comment = if score >= 80 {
                        sentence(&mut self.rng, PRAISE)
                    } else {
                        sentence(&mut self.rng, COMPLAINT)
                    };
                    fields.set(Column::Comment, Some(comment));
                }
                saved::Kind::Qa
            };
            ids.push(saved::save(tx, kind, &fields)?.id().to_string());
        }
        Ok(ids)
    }

    /// One 1:1 with member `m`, with everything that happens in it.
    fn session(
        &mut self,
        tx: &Tx<'_>,
        m: usize,
        held_at: DateTime<Utc>,
        kind: SessionKind,
    ) -> coach::Result<()> {
        let plan = Plan::new(&mut self.rng, kind);
        // Last week's actions, checked off at the start of this 1:1.
        let mut open = std::mem::take(&mut self.members[m].open);
        let mut still_open = Vec::with_capacity(open.len());
        for (action, slow) in open.drain(..) {
            let p = if slow { SLOW_DONE } else { FAST_DONE };
            if self.rng.chance(p) {
                action::set_done(tx, &action, true)?;
            } else {
                still_open.push((action, slow));
            }
        }
        self.members[m].open = still_open;

        let saved_ids = self.save_items(tx, m, plan.feedback, plan.qa)?;
        let member = self.members[m].member.clone();
        let title = match kind {
            SessionKind::Weekly => "Weekly check-in",
            SessionKind::Monthly => "Monthly goals",
            SessionKind::Annual => "Annual review",
        };
        let session = session::create(tx, &member, Some(title), Some(held_at))?;
        session::set_current(tx, &session)?;
        self.counts.sessions += 1;
        let mut items: u64 = 0;
        // Items a note can be dedicated to.
        let mut targets: Vec<String> = Vec::new();

        if kind == SessionKind::Monthly {
            if let Some(monthly) = &self.monthly {
                items += template::add_agenda(tx, monthly, &session)?.len() as u64;
            }
        }
        for item in saved::add_to_session(tx, &session, saved::Selection::Items(&saved_ids))? {
            targets.push(item.id().to_string());
            items += 1;
        }
        if plan.metrics == METRICS.len() {
            for added in metric::add_scorecard_to_session(tx, &session)? {
                targets.push(added.metric.id);
                items += 1;
            }
        } else {
            let mut names: Vec<&str> = METRICS.iter().map(|s| s.name).collect();
            for _ in 0..plan.metrics {
                let name = names.remove(self.rng.range(0, names.len() - 1));
                let added = metric::add_to_session(tx, &session, name, metric::Given::default())?;
                targets.push(added.metric.id);
                items += 1;
            }
        }
        for _ in 0..plan.attachments {
            let (name, path) = self.files.pick(&mut self.rng);
            let added = attachment::add(tx, tx.folder(), &session, &path, Some(&name))?;
            targets.push(added.id);
            items += 1;
        }
        for _ in 0..plan.shared {
            let body = markdown_note(&mut self.rng, &member.name);
            let added = note::add(tx, &session, &body, Visibility::Shared, None, None)?;
            // Now and then a note is deleted again (a tombstone stays).
            if self.rng.chance(0.005) {
                note::remove(tx, &added)?;
            }
            items += 1;
        }
        for _ in 0..plan.topics {
            let body = format!("{} (my topic)", sentence(&mut self.rng, TOPICS));
            note::add(tx, &session, &body, Visibility::Shared, Some(&member), None)?;
            items += 1;
        }
        for _ in 0..plan.private {
            let body = sentence(&mut self.rng, PRIVATE);
            note::add(tx, &session, &body, Visibility::Private, None, None)?;
            items += 1;
        }
        for _ in 0..plan.dedicated {
            if targets.is_empty() {
                break;
            }
            let target = self.rng.pick(&targets).clone();
            let (body, visibility) = if self.rng.chance(0.25) {
                (sentence(&mut self.rng, PRIVATE), Visibility::Private)
            } else {
                (
                    markdown_note(&mut self.rng, &member.name),
                    Visibility::Shared,
                )
            };
            note::add(tx, &session, &body, visibility, None, Some(&target))?;
            items += 1;
        }
        for _ in 0..plan.kudos {
            let body = sentence(&mut self.rng, KUDOS);
            let kudos_kind = *self.rng.pick(&[
                Some(kudos::Kind::Success),
                Some(kudos::Kind::Expertise),
                Some(kudos::Kind::Effort),
                Some(kudos::Kind::Values),
                None,
            ]);
            kudos::add(tx, &session, &body, kudos_kind)?;
            items += 1;
        }
        for _ in 0..plan.actions {
            let body = format!(
                "{} {}",
                self.rng.pick(ACTION_VERBS),
                self.rng.pick(ACTION_OBJECTS)
            );
            let owner = if self.rng.chance(0.2) {
                Owner::Coach
            } else {
                Owner::Member
            };
            let due = self
                .rng
                .chance(0.8)
                .then(|| held_at + Duration::days(self.rng.range(3, 21) as i64));
            let added = action::add(tx, &session, &body, owner, due)?;
            let slow = self.rng.chance(SLOW_ACTIONS);
            self.members[m].open.push((added, slow));
            items += 1;
        }
        self.counts.items += items;
        self.recaps.push_back((session.id.clone(), held_at));
        Ok(())
    }
}

/// Counts of what the database holds, for the summary.
fn totals(store: &mut Store) -> anyhow::Result<String> {
    const QUERIES: &[(&str, &str)] = &[
        ("members", "SELECT count(*) FROM members"),
        ("sessions", "SELECT count(*) FROM sessions WHERE deleted_at IS NULL"),
        ("notes, shared", "SELECT count(*) FROM notes WHERE deleted_at IS NULL AND visibility = 'shared' AND item_id IS NULL"),
        ("notes, private", "SELECT count(*) FROM notes WHERE deleted_at IS NULL AND visibility = 'private' AND item_id IS NULL"),
        ("notes, dedicated to an item", "SELECT count(*) FROM notes WHERE deleted_at IS NULL AND item_id IS NOT NULL"),
        ("notes, deleted", "SELECT count(*) FROM notes WHERE deleted_at IS NOT NULL"),
        ("feedback in sessions", "SELECT count(*) FROM feedback WHERE session_id IS NOT NULL"),
        ("feedback waiting", "SELECT count(*) FROM feedback WHERE session_id IS NULL"),
        ("QA reviews in sessions", "SELECT count(*) FROM qa_reviews WHERE session_id IS NOT NULL"),
        ("QA reviews waiting", "SELECT count(*) FROM qa_reviews WHERE session_id IS NULL"),
        ("session metrics", "SELECT count(*) FROM session_metrics"),
        ("attachments", "SELECT count(*) FROM attachments"),
        ("kudos", "SELECT count(*) FROM kudos"),
        ("actions", "SELECT count(*) FROM actions"),
        ("actions open", "SELECT count(*) FROM actions WHERE done_at IS NULL"),
        ("recaps sent", "SELECT count(*) FROM shares WHERE outcome = 'sent'"),
        ("sessions pending a recap", "SELECT count(*) FROM sessions WHERE status <> 'recap-sent'"),
        ("metric values", "SELECT count(*) FROM metric_values"),
        ("items in sessions (all of the above in sessions)",
         "SELECT (SELECT count(*) FROM notes WHERE deleted_at IS NULL)
               + (SELECT count(*) FROM feedback WHERE session_id IS NOT NULL)
               + (SELECT count(*) FROM qa_reviews WHERE session_id IS NOT NULL)
               + (SELECT count(*) FROM session_metrics) + (SELECT count(*) FROM attachments)
               + (SELECT count(*) FROM kudos) + (SELECT count(*) FROM actions)"),
    ];
    let mut out = String::new();
    store.read(|tx| {
        for (what, sql) in QUERIES {
            let n: i64 = tx.prepare(sql)?.query_row([], |r| r.get(0))?;
            let _ = writeln!(out, "  {what:<50} {n:>10}");
        }
        Ok(())
    })?;
    let size = std::fs::metadata(store.path())
        .map(|m| m.len())
        .unwrap_or(0);
    let _ = write!(
        out,
        "  {:<50} {:>10.1}",
        "file size, MiB",
        size as f64 / 1048576.0
    );
    Ok(out)
}

// ---------------------------------------------------------------------------
// Files to attach: a small pool, written before and removed after, so that
// the store keeps one copy of each content as it does in real use.

struct FilePool {
    folder: PathBuf,
    files: Vec<(String, PathBuf)>,
}

impl FilePool {
    fn create(db: &Path, seed: u64) -> anyhow::Result<FilePool> {
        let parent = db
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let folder = parent.join(format!(".generate-files-{}", std::process::id()));
        std::fs::create_dir_all(&folder)?;
        let mut rng = Rng::new(seed ^ 0xF11E);
        let mut files = Vec::new();
        let names = [
            "scorecard.csv",
            "qa-rubric.md",
            "call-notes.txt",
            "learning-path.md",
            "escalation-review.txt",
            "weekly-report.csv",
        ];
        for i in 0..36 {
            let name = names[i % names.len()];
            let mut content = String::new();
            let size = rng.range(1_000, 16_000);
            if name.ends_with(".csv") {
                content.push_str("date,metric,value\n");
                while content.len() < size {
                    let _ = writeln!(
                        content,
                        "2026-{:02}-{:02},{},{}",
                        rng.range(1, 12),
                        rng.range(1, 28),
                        rng.pick(&METRICS).name,
                        rng.range(1, 500)
                    );
                }
            } else {
                while content.len() < size {
                    content.push_str(&markdown_note(&mut rng, "the team"));
                    content.push_str("\n\n");
                }
            }
            let path = folder.join(format!("{i:02}-{name}"));
            std::fs::write(&path, content)?;
            files.push((name.to_string(), path));
        }
        Ok(FilePool { folder, files })
    }

    fn pick(&self, rng: &mut Rng) -> (String, PathBuf) {
        rng.pick(&self.files).clone()
    }

    fn remove(&self) {
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

// ---------------------------------------------------------------------------
// Text.

fn sentence(rng: &mut Rng, bank: &[&str]) -> String {
    let mut s = rng.pick(bank).to_string();
    if rng.chance(0.4) {
        s.push(' ');
        let tail = rng.pick(TAILS);
        s.push_str(tail);
    }
    s
}

/// A shared note in Markdown: a paragraph, a list, a checklist, a heading
/// with text, emphasis, links and code now and then.
fn markdown_note(rng: &mut Rng, name: &str) -> String {
    let mut out = String::new();
    match rng.range(0, 5) {
        0 => out.push_str(&sentence(rng, TALKING_POINTS)),
        1 => {
            let _ = writeln!(
                out,
                "**{}**: {}",
                rng.pick(HEADINGS),
                sentence(rng, TALKING_POINTS)
            );
        }
        2 => {
            let _ = writeln!(out, "{}:\n", rng.pick(HEADINGS));
            for _ in 0..rng.range(2, 5) {
                let _ = writeln!(out, "- {}", sentence(rng, TALKING_POINTS));
            }
        }
        3 => {
            for _ in 0..rng.range(2, 4) {
                let _ = writeln!(
                    out,
                    "- [ ] {} {}",
                    rng.pick(ACTION_VERBS),
                    rng.pick(ACTION_OBJECTS)
                );
            }
        }
        4 => {
            let _ = writeln!(
                out,
                "## {}\n\n{}",
                rng.pick(HEADINGS),
                sentence(rng, TALKING_POINTS)
            );
            if rng.chance(0.5) {
                let _ = write!(out, "\n{} did well here: _{}_", name, sentence(rng, PRAISE));
            }
        }
        _ => {
            let _ = write!(
                out,
                "{} See [the dashboard](https://bi.example.com/agents/{}) and the `{}` column.",
                sentence(rng, TALKING_POINTS),
                rng.range(1000, 9999),
                rng.pick(&METRICS).name
            );
        }
    }
    out
}

const FIRST: &[&str] = &[
    "Alex", "Jordan", "Sam", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn",
    "Priya", "Mateo", "Amara", "Kenji", "Sofia", "Liam", "Noor", "Elena", "Tomás", "Aisha", "Chen",
    "Fatima", "Lukas", "Maya", "Omar", "Ingrid", "Ravi", "Zoe", "Kofi", "Hana",
];
const LAST: &[&str] = &[
    "Kim",
    "Nguyen",
    "Garcia",
    "Smith",
    "Patel",
    "Müller",
    "Rossi",
    "Okafor",
    "Silva",
    "Tanaka",
    "Johansson",
    "Cohen",
    "Kowalski",
    "Dubois",
    "Haddad",
    "Martin",
    "Ivanova",
    "Reyes",
    "Mensah",
    "O'Brien",
    "Larsen",
    "Yilmaz",
    "Costa",
    "Novak",
    "Sato",
    "Ahmed",
    "Fischer",
    "Lopez",
    "Walker",
    "Berg",
];
const TEAMS: &[&str] = &["Support", "Billing", "Onboarding", "Escalations", "Sales"];
const CHANNELS: &[&str] = &["chat", "email", "phone", "social"];
const REVIEWERS: &[&str] = &["Dana Fox", "Lee Park", "Robin Ortiz", "QA team"];
const HEADINGS: &[&str] = &[
    "Wins this week",
    "Workload",
    "Customer feedback",
    "Career",
    "Training",
    "Scorecard",
    "Blockers",
    "Team",
    "Quality",
    "Goals",
];
const TALKING_POINTS: &[&str] = &[
    "Handle time is trending down since the new macros went live.",
    "The refund queue was busy all week; we talked about prioritising older tickets.",
    "Wants more ownership of the onboarding calls.",
    "Shadowing sessions with the escalations team went well.",
    "We reviewed three calls together and picked one habit to change.",
    "CSAT dipped on Tuesday after the outage; most comments were about wait times.",
    "Discussed the team lead track and what the next six months could look like.",
    "The knowledge base article on billing disputes needs an update.",
    "Schedule adherence is fine, but breaks keep getting pushed late.",
    "Good progress on the de-escalation learning path (module 3 of 5).",
    "Talked about how to say no to side requests without sounding unhelpful.",
    "First-contact resolution improved after the new troubleshooting checklist.",
];
const TAILS: &[&str] = &[
    "Follow up next week.",
    "Keep an eye on it.",
    "Agreed to revisit in a month.",
    "Great energy on this.",
    "Needs support from the team lead.",
];
const TOPICS: &[&str] = &[
    "I'd like to talk about the evening shifts",
    "Can we discuss the training budget?",
    "Feedback on the new ticket tags",
    "I want to mentor the new hires",
    "Question about my goals for the quarter",
];
const PRIVATE: &[&str] = &[
    "Seems tired; ask about workload.",
    "Compare with last quarter before the review.",
    "Mentioned a family situation; be flexible with the schedule.",
    "Possible candidate for the team lead role.",
    "Check whether the QA scores are consistent across reviewers.",
];
const PRAISE: &[&str] = &[
    "Solved my problem in minutes, very friendly.",
    "Patient and clear, explained every step.",
    "Went above and beyond to fix the billing error.",
    "Quick, accurate and kind.",
    "Great call opening and a clear summary at the end.",
];
const COMPLAINT: &[&str] = &[
    "Had to explain the issue twice.",
    "The answer was correct but took too long.",
    "Felt rushed at the end of the call.",
    "Missed the verification step.",
    "Tone was a bit abrupt.",
];
const KUDOS: &[&str] = &[
    "Calm, thorough handling of the outage calls.",
    "Helped two new hires through their first week.",
    "Wrote the best macro of the quarter.",
    "Covered the late shift without being asked.",
    "Turned an angry customer into a promoter.",
];
const ACTION_VERBS: &[&str] = &[
    "Review", "Update", "Practise", "Shadow", "Share", "Read", "Draft",
];
const ACTION_OBJECTS: &[&str] = &[
    "the refund playbook",
    "two escalation calls with a senior agent",
    "the billing FAQ in the knowledge base",
    "the de-escalation module",
    "notes from the QA calibration",
    "a proposal for the ticket tags",
    "the call opening script",
];
