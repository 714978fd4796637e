//! What an audience sees of a session: the one place that decides it.
//!
//! Every output of a session (`session show`, its `--json`, the member's
//! view, the emails) is built from a [`SessionView`], and a view for
//! [`Audience::Member`] is built without ever reading a private record.

use serde::Serialize;

use crate::metric::{self, SessionMetric};
use crate::note::{self, Note};
use crate::session::Session;
use crate::store::Tx;
use crate::{config, Result};

/// Who a view is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    /// The coach, the database's owner: sees everything, private notes too.
    Owner,
    /// The team member: sees what is shared with them, nothing private.
    Member,
}

/// A session as one audience sees it.
#[derive(Debug, Clone, Serialize)]
pub struct SessionView {
    pub audience: Audience,
    #[serde(flatten)]
    pub session: Session,
    pub coach: Coach,
    /// Notes, oldest first. For the member, shared notes only.
    pub notes: Vec<Note>,
    /// Metrics brought into the session, in the order they were added,
    /// each with its dedicated notes (for the member, shared ones only).
    pub metrics: Vec<SessionMetric>,
}

/// The coach, as a session names them.
#[derive(Debug, Clone, Serialize)]
pub struct Coach {
    pub name: Option<String>,
    pub email: Option<String>,
}

/// Builds the view of `session` for `audience`.
pub fn session_view(tx: &Tx<'_>, session: Session, audience: Audience) -> Result<SessionView> {
    let notes = note::list(tx, &session.id, audience)?;
    let metrics = metric::for_session(tx, &session.id, audience)?;
    Ok(SessionView {
        audience,
        coach: Coach {
            name: config::get(tx, "user.name")?,
            email: config::get(tx, "user.email")?,
        },
        notes,
        metrics,
        session,
    })
}
