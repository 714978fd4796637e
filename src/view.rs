//! What an audience sees of a session: the one place that decides it.
//!
//! Every output of a session (`session show`, its `--json`, the member's
//! view, the emails) is built from a [`SessionView`], and a view for
//! [`Audience::Member`] is built without ever reading a private record.

use serde::Serialize;

use crate::action::{self, Action};
use crate::attachment::{self, Attachment};
use crate::kudos::{self, Kudos};
use crate::metric::{self, SessionMetric};
use crate::note::{self, Note};
use crate::saved::{self, Balance, Feedback, QaReview};
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
    /// The member's actions from earlier sessions (held before this one)
    /// that were still open when this session was created, in their current
    /// state: one checked off since shows as done here too.
    pub carried_over: Vec<Action>,
    /// Notes, oldest first. For the member, shared notes only.
    pub notes: Vec<Note>,
    /// Metrics brought into the session, in the order they were added,
    /// each with its dedicated notes (for the member, shared ones only).
    pub metrics: Vec<SessionMetric>,
    /// Customer feedback brought into the session, oldest first, each with
    /// its dedicated notes.
    pub feedback: Vec<Feedback>,
    /// QA reviews brought into the session, oldest first, each with its
    /// dedicated notes.
    pub qa_reviews: Vec<QaReview>,
    /// Section 7: attachments, in the order they were added, each with its
    /// dedicated notes (for the member, shared ones only).
    pub attachments: Vec<Attachment>,
    /// Kudos given in this session, oldest first.
    pub kudos: Vec<Kudos>,
    /// Action items agreed in this session, by due date.
    pub actions: Vec<Action>,
    /// Recognition against criticism: positive items, items to improve, kudos.
    pub balance: Balance,
}

/// The coach, as a session names them.
#[derive(Debug, Clone, Serialize)]
pub struct Coach {
    pub name: Option<String>,
    pub email: Option<String>,
}

/// Builds the view of `session` for `audience`.
pub fn session_view(tx: &Tx<'_>, session: Session, audience: Audience) -> Result<SessionView> {
    let id = session.id.as_str();
    let (feedback, qa_reviews) = saved::for_session(tx, id, audience)?;
    Ok(SessionView {
        audience,
        coach: Coach {
            name: config::get(tx, "user.name")?,
            email: config::get(tx, "user.email")?,
        },
        carried_over: action::carried_over(tx, &session)?,
        notes: note::list(tx, id, audience)?,
        metrics: metric::for_session(tx, id, audience)?,
        feedback,
        qa_reviews,
        attachments: attachment::for_session(tx, id, audience)?,
        kudos: kudos::for_session(tx, id)?,
        actions: action::for_session(tx, id)?,
        balance: saved::balance(tx, id)?,
        session,
    })
}
