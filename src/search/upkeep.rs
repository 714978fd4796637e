//! The search index against the records: what `coach doctor` checks and
//! `--repair` mends.
//!
//! Coach's writes keep the index with triggers each connection creates
//! (src/store/triggers.sql); a write by another program (the sqlite3
//! shell, a script) leaves it behind. [`indexed`] says, from the records
//! alone, what the triggers would have written.

use crate::store::Tx;
use crate::{note, Result};

/// Each indexed record as the triggers index it: its id, kind, member,
/// session and date (`search_docs`), and its text columns (`search_text`:
/// `body`, `about`; `tags` follow from the member and kind), for the
/// records whose id `id_is` (SQL: `IS NOT NULL` for all, `= d.record_id`
/// for one looked up by its key). A note, kudos or action of a deleted
/// session is not indexed, nor a deleted record. The notes' part is
/// [`note::search_indexed`] (only `note.rs` reads the notes table).
fn indexed(id_is: &str) -> String {
    format!(
        "{notes}
         UNION ALL
         SELECT id, 'feedback', member_id, session_id, given_at, comment, concat_ws(' ', customer, channel)
         FROM feedback WHERE deleted_at IS NULL AND id {id_is}
         UNION ALL
         SELECT id, 'qa', member_id, session_id, reviewed_at, coalesce(comment, ''), coalesce(reviewer, '')
         FROM qa_reviews WHERE deleted_at IS NULL AND id {id_is}
         UNION ALL
         SELECT k.id, 'kudos', s.member_id, s.id, s.held_at, k.body, ''
         FROM kudos k JOIN sessions s ON s.id = k.session_id
         WHERE k.deleted_at IS NULL AND s.deleted_at IS NULL AND k.id {id_is}
         UNION ALL
         SELECT id, 'kudos', member_id, NULL, created_at, body, ''
         FROM kudos WHERE session_id IS NULL AND deleted_at IS NULL AND id {id_is}
         UNION ALL
         SELECT a.id, 'action', a.member_id, s.id, s.held_at, a.body, ''
         FROM actions a JOIN sessions s ON s.id = a.session_id
         WHERE a.deleted_at IS NULL AND s.deleted_at IS NULL AND a.id {id_is}",
        notes = note::search_indexed(id_is)
    )
}

/// The ids of the records whose index rows are missing or differ from
/// [`indexed`], and of the index rows of no indexed record. One pass over
/// the records, one over the index, each a lookup by id: no set of all
/// ids is held in memory.
fn wrong_ids() -> String {
    format!(
        "SELECT e.record_id FROM ({all}) e
             LEFT JOIN search_docs d ON d.record_id = e.record_id
             LEFT JOIN search_text t ON t.rowid = d.rowid
         WHERE d.rowid IS NULL OR d.kind IS NOT e.kind OR d.member_id IS NOT e.member_id
             OR d.session_id IS NOT e.session_id OR d.at IS NOT e.at
             OR t.body IS NOT e.body OR t.about IS NOT e.about
             OR t.tags IS NOT 'm' || e.member_id || ' k' || e.kind
         UNION
         SELECT d.record_id FROM search_docs d
         WHERE NOT EXISTS ({one})",
        all = indexed("IS NOT NULL"),
        one = indexed("= d.record_id")
    )
}

/// Text rows of the index that no `search_docs` row points to.
const LOOSE_TEXT: &str = "SELECT t.rowid FROM search_text t
                          WHERE NOT EXISTS (SELECT 1 FROM search_docs d WHERE d.rowid = t.rowid)";

/// How many records the search index has wrong (missing, stale, or of no
/// record), and how many loose text rows it holds.
pub fn faults(tx: &Tx<'_>) -> Result<u64> {
    let count = |sql: &str| -> Result<u64> {
        let n: i64 = tx
            .prepare(&format!("SELECT count(*) FROM ({sql})"))?
            .query_row([], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    };
    Ok(count(&wrong_ids())? + count(LOOSE_TEXT)?)
}

/// Indexes again the records [`faults`] finds, as the triggers would
/// have: their rows taken out, then written anew in date order (the
/// trigger on `search_docs` gives each its place by date).
pub fn repair(tx: &Tx<'_>) -> Result<()> {
    // What this transaction staged is in the index first, and the rows
    // taken out are out before any is written anew (a new row may take
    // the rowid of one taken out).
    tx.flush_search()?;
    tx.execute_batch(&format!(
        "DROP TABLE IF EXISTS temp.search_wrong;
         CREATE TEMP TABLE search_wrong (record_id TEXT PRIMARY KEY) WITHOUT ROWID;
         INSERT INTO temp.search_wrong {wrong};
         DELETE FROM search_docs WHERE record_id IN (SELECT record_id FROM temp.search_wrong);",
        wrong = wrong_ids(),
    ))?;
    tx.flush_search()?;
    tx.execute_batch(&format!(
        "DELETE FROM search_text WHERE rowid IN ({LOOSE_TEXT});
         INSERT INTO search_docs (record_id, kind, member_id, session_id, at)
             SELECT e.record_id, e.kind, e.member_id, e.session_id, e.at
             FROM ({all}) e JOIN temp.search_wrong w ON w.record_id = e.record_id
             ORDER BY e.at;
         INSERT INTO search_text (rowid, body, about, tags)
             SELECT d.rowid, e.body, e.about, 'm' || e.member_id || ' k' || e.kind
             FROM ({all}) e JOIN temp.search_wrong w ON w.record_id = e.record_id
                 JOIN search_docs d ON d.record_id = e.record_id
             ORDER BY d.rowid;
         DROP TABLE temp.search_wrong;",
        all = indexed("IS NOT NULL")
    ))?;
    Ok(())
}
