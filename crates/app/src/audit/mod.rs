//! Recording what happens: each use case that changes data records its audit
//! events just before it calls the port, which appends them in the same
//! transaction (`ports::audit`). The request's id and source address come from
//! the web layer's scope; events never carry personal data, only ids and, for a
//! personal field, the fact that it changed.

pub mod anchor;
pub mod fields;

use std::cell::RefCell;
use std::future::Future;
use std::net::IpAddr;

use koprogo_domain::audit::{Change, EventBody, Outcome, PERSONAL};
use koprogo_domain::ids::{TenantId, UserId};
use uuid::Uuid;

use crate::App;
use crate::access::{Action, Actor, Grant};
use crate::error::AppError;
use crate::listing::{AuditSort, ListQuery, Page};
use crate::ports::audit::AuditFilter;

/// What the web layer knows of the request, and who turned out to make it.
#[derive(Debug, Default)]
pub struct RequestContext {
    pub request_id: String,
    pub source_ip: Option<IpAddr>,
    actor: RefCell<Option<(UserId, Option<TenantId>, String)>>,
}

impl RequestContext {
    pub fn new(request_id: String, source_ip: Option<IpAddr>) -> Self {
        Self { request_id, source_ip, actor: RefCell::new(None) }
    }
}

tokio::task_local! {
    static REQUEST: RequestContext;
}

impl App {
    /// Serves one request: its context for the events written about it, and
    /// the store's scope for what it keeps meanwhile. `None` only if the
    /// request's future did not complete inside the scope, which it always does.
    pub async fn serve_request<T: Send>(&self, context: RequestContext, request: impl Future<Output = T> + Send) -> Option<T> {
        let mut output = None;
        let work = async {
            output = Some(request.await);
        };
        REQUEST.scope(context, self.store.health.request_scope(Box::pin(work))).await;
        output
    }
}

/// Notes who the request turned out to be from (an authenticated actor), for
/// the events written about it afterwards (a denial).
pub fn note_actor(actor: &Actor) {
    let _ = REQUEST.try_with(|r| *r.actor.borrow_mut() = Some((actor.user_id, actor.tenant, actor.role.as_str().to_owned())));
}

fn request() -> (String, String) {
    REQUEST
        .try_with(|r| (r.request_id.clone(), r.source_ip.map(|ip| ip.to_string()).unwrap_or_default()))
        .unwrap_or_else(|_| (String::new(), "local".to_owned()))
}

/// One field of an object's state, with whether it is personal data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub value: Option<String>,
    pub personal: bool,
}

pub fn field(name: &'static str, value: Option<String>) -> Field {
    Field { name, value, personal: false }
}

pub fn personal(name: &'static str, value: Option<String>) -> Field {
    Field { name, value, personal: true }
}

/// The fields that differ between two states (`None`: the object did not
/// exist); a personal field's values are replaced by the mark that it had one.
pub fn diff(before: Option<&[Field]>, after: Option<&[Field]>) -> Vec<Change> {
    let (before, after) = (before.unwrap_or_default(), after.unwrap_or_default());
    let mut names: Vec<(&'static str, bool)> = Vec::new();
    for f in before.iter().chain(after) {
        if !names.iter().any(|(n, _)| *n == f.name) {
            names.push((f.name, f.personal));
        }
    }
    let value = |list: &[Field], name: &str| list.iter().find(|f| f.name == name).and_then(|f| f.value.clone());
    let mask = |v: Option<String>, personal: bool| if personal { v.map(|_| PERSONAL.to_owned()) } else { v };
    names
        .into_iter()
        .filter_map(|(name, personal)| {
            let (old, new) = (value(before, name), value(after, name));
            (old != new).then(|| Change { field: name.to_owned(), before: mask(old, personal), after: mask(new, personal) })
        })
        .collect()
}

/// What the trail says of one change.
pub struct Entry<'a> {
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: Option<Uuid>,
    pub changes: Vec<Change>,
}

impl<'a> Entry<'a> {
    /// `action` (`building.updated`) on the object of type `object_type` and id `id`.
    pub fn new(action: &'a str, object_type: &'a str, id: Uuid, changes: Vec<Change>) -> Self {
        Self { action, object_type, object_id: Some(id), changes }
    }
}

impl App {
    /// An event by `actor` in `tenant`, at the clock's time.
    pub(crate) fn event(&self, actor: Option<&Actor>, tenant: Option<TenantId>, entry: Entry<'_>, outcome: Outcome) -> EventBody {
        let (request_id, source_ip) = request();
        EventBody {
            at: self.clock.now(),
            organization: tenant.map_or_else(Uuid::nil, TenantId::as_uuid),
            actor_user: actor.map(|a| a.user_id.as_uuid()),
            actor_role: actor.map(|a| a.role.as_str().to_owned()),
            action: entry.action.to_owned(),
            object_type: entry.object_type.to_owned(),
            object_id: entry.object_id,
            outcome,
            request_id,
            source_ip,
            changes: entry.changes,
        }
    }

    /// A successful change by `grant`'s actor, for the port call that makes it.
    pub(crate) fn change(&self, actor: &Actor, grant: &Grant, entry: Entry<'_>) -> EventBody {
        self.event(Some(actor), Some(grant.tenant), entry, Outcome::Success)
    }

    /// Appends an event that changes no data (an export, a denial), now.
    pub(crate) async fn note(&self, event: EventBody) -> Result<(), AppError> {
        Ok(self.store.audit.append(vec![event]).await?)
    }

    /// A request refused by the policy, in the chain of the actor's
    /// organisation (or the platform's): method and path, never a body.
    pub async fn record_denial(&self, method: &str, path: &str) -> Result<(), AppError> {
        let Ok(Some((user, tenant, role))) = REQUEST.try_with(|r| r.actor.borrow().clone()) else { return Ok(()) };
        let (request_id, source_ip) = request();
        let event = EventBody {
            at: self.clock.now(),
            organization: tenant.map_or_else(Uuid::nil, TenantId::as_uuid),
            actor_user: Some(user.as_uuid()),
            actor_role: Some(role),
            action: "access.denied".to_owned(),
            object_type: "request".to_owned(),
            object_id: None,
            outcome: Outcome::Denied,
            request_id,
            source_ip,
            changes: vec![Change { field: "request".to_owned(), before: None, after: Some(format!("{method} {path}")) }],
        };
        self.note(event).await
    }

    /// A document with personal data leaving the service (a letter, a
    /// statement, a sheet): who took which, of what.
    pub async fn record_export(&self, actor: &Actor, document: &str, object: Uuid) -> Result<(), AppError> {
        let Some(tenant) = actor.tenant else { return Ok(()) };
        let changes = vec![Change { field: "document".to_owned(), before: None, after: Some(document.to_owned()) }];
        let entry = Entry { action: "document.exported", object_type: "document", object_id: Some(object), changes };
        self.note(self.event(Some(actor), Some(tenant), entry, Outcome::Success)).await
    }

    /// Every event of the filter, oldest first, for a file; the export itself
    /// goes into the trail.
    pub async fn export_audit(&self, actor: &Actor, filter: &AuditFilter) -> Result<Vec<koprogo_domain::audit::ChainedEvent>, AppError> {
        let grant = actor.grant(Action::ReadAudit)?;
        let mut events = Vec::new();
        for page in 1.. {
            let query = ListQuery { page, per_page: crate::listing::MAX_PER_PAGE, sort: AuditSort::Seq, descending: false };
            let found = self.store.audit.events(grant.tenant.as_uuid(), &query, filter).await?;
            let done = found.items.len() < usize::try_from(query.per_page).unwrap_or(usize::MAX);
            events.extend(found.items);
            if done {
                break;
            }
        }
        let entry = Entry { action: "audit.exported", object_type: "audit", object_id: None, changes: Vec::new() };
        self.note(self.change(actor, &grant, entry)).await?;
        Ok(events)
    }

    /// Recomputes the actor's organisation's chain.
    pub async fn verify_own_chain(&self, actor: &Actor) -> Result<anchor::ChainReport, AppError> {
        let grant = actor.grant(Action::ReadAudit)?;
        self.verify_chain(grant.tenant.as_uuid(), None).await
    }

    /// The organisation's trail, filtered, for its syndic.
    pub async fn audit_events(
        &self,
        actor: &Actor,
        query: &ListQuery<AuditSort>,
        filter: &AuditFilter,
    ) -> Result<Page<koprogo_domain::audit::ChainedEvent>, AppError> {
        let grant = actor.grant(Action::ReadAudit)?;
        Ok(self.store.audit.events(grant.tenant.as_uuid(), query, filter).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diff_names_what_changed_and_hides_personal_values() {
        let v = |s: &str| Some(s.to_owned());
        let before = [field("quota", v("100")), personal("email", v("a@b.be")), field("city", v("Liège"))];
        let after = [field("quota", v("120")), personal("email", v("c@d.be")), field("city", v("Liège"))];
        let changes = diff(Some(&before), Some(&after));
        assert_eq!(
            changes,
            vec![
                Change { field: "quota".into(), before: v("100"), after: v("120") },
                Change { field: "email".into(), before: v(PERSONAL), after: v(PERSONAL) },
            ]
        );
        let created = diff(None, Some(&before));
        assert_eq!(created.len(), 3);
        assert!(created.iter().all(|c| c.before.is_none()));
        assert_eq!(created[1].after.as_deref(), Some(PERSONAL), "no e-mail address in the trail");
    }
}
