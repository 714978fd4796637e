//! What an audience sees of a session: the one place that assembles it.
//!
//! Every output of a session (`session show`, its `--json`, the member's
//! view, the emails) is built from a [`SessionView`]. The view is generic
//! over how it holds notes: the owner's holds [`Note`]s, the member's
//! ([`MemberView`]) holds [`SharedNote`]s, which only the notes module can
//! make and only from a shared row, so a member-facing output cannot hold a
//! private note whatever it forgets.

use serde::Serialize;

use crate::action::{self, Action};
use crate::attachment::{self, Attachment};
use crate::audience::Audience;
use crate::config::Settings;
use crate::kudos::{self, Kudos};
use crate::metric::{self, SessionMetric};
use crate::note::{self, Note, SharedNote, Visible};
use crate::saved::{self, Balance, Feedback, QaReview};
use crate::session::Session;
use crate::store::{ShortIds, Tx};
use crate::Result;

/// A session as one audience sees it: [`Note`]s for the owner,
/// [`SharedNote`]s for the member.
#[derive(Debug, Clone, Serialize)]
pub struct SessionView<N = Note> {
    pub audience: Audience,
    #[serde(flatten)]
    pub session: Session,
    pub coach: Coach,
    /// The member's actions from earlier sessions (held before this one)
    /// that were still open when this session was created, in their current
    /// state: one checked off since shows as done here too.
    pub carried_over: Vec<Action>,
    /// Notes, oldest first. For the member, shared notes only.
    pub notes: Vec<N>,
    /// Metrics brought into the session, in the order they were added,
    /// each with its dedicated notes (for the member, shared ones only).
    pub metrics: Vec<SessionMetric<N>>,
    /// Customer feedback brought into the session, oldest first, each with
    /// its dedicated notes.
    pub feedback: Vec<Feedback<N>>,
    /// QA reviews brought into the session, oldest first, each with its
    /// dedicated notes.
    pub qa_reviews: Vec<QaReview<N>>,
    /// Section 7: attachments, in the order they were added, each with its
    /// dedicated notes (for the member, shared ones only).
    pub attachments: Vec<Attachment<N>>,
    /// Kudos given in this session, oldest first.
    pub kudos: Vec<Kudos>,
    /// Action items agreed in this session, by due date.
    pub actions: Vec<Action>,
    /// Recognition against criticism: positive items, items to improve, kudos.
    pub balance: Balance,
}

/// What the team member sees of a session: the only view member-facing
/// outputs take.
pub type MemberView = SessionView<SharedNote>;

/// The coach, as a session names them.
#[derive(Debug, Clone, Serialize)]
pub struct Coach {
    pub name: Option<String>,
    pub email: Option<String>,
}

/// Builds the view of `session` for the audience of `N`: the owner's
/// (`session_view::<Note>`) or the member's (`session_view::<SharedNote>`),
/// with the short ids `ids` asks for (an email prints only the member's
/// actions').
pub fn session_view<N: Visible>(
    tx: &Tx<'_>,
    session: Session,
    ids: ShortIds,
) -> Result<SessionView<N>> {
    let id = session.id.as_str();
    let (feedback, qa_reviews) = saved::for_session(tx, id, ids)?;
    Ok(SessionView {
        audience: N::AUDIENCE,
        coach: Coach {
            name: Settings::of(tx)?.user_name()?,
            email: Settings::of(tx)?.user_email()?,
        },
        carried_over: action::carried_over(tx, &session, ids)?,
        notes: note::list(tx, id, ids)?,
        metrics: metric::for_session(tx, id, ids)?,
        feedback,
        qa_reviews,
        attachments: attachment::for_session(tx, id, ids)?,
        kudos: kudos::for_session(tx, id, ids)?,
        actions: action::for_session(tx, id)?,
        balance: saved::balance(tx, id)?,
        session,
    })
}
