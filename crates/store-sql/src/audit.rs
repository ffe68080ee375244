//! The audit trail's rows and the hints that let an append skip the head's
//! lock; the port itself is `adapter/audit.rs`.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use koprogo_domain::audit::{ChainedEvent, Change, EventBody, Outcome};
use uuid::Uuid;

/// The last head this process saw of each chain: a hint that lets one event be
/// appended in one statement instead of two. The insert checks the hint
/// against the stored head under the head's lock, so a stale hint (another
/// instance wrote, a transaction rolled back, a restore) costs the locking
/// path, never a wrong link.
static HEADS: LazyLock<Mutex<HashMap<Uuid, (u64, String)>>> = LazyLock::new(Mutex::default);

/// Chains remembered at most; past it the hints start again from none.
const HINTS_KEPT: usize = 10_000;

pub fn head_hint(organization: Uuid) -> Option<(u64, String)> {
    HEADS.lock().ok()?.get(&organization).cloned()
}

pub fn remember_head(organization: Uuid, head: (u64, String)) {
    if let Ok(mut heads) = HEADS.lock() {
        if heads.len() >= HINTS_KEPT {
            heads.clear();
        }
        heads.insert(organization, head);
    }
}

/// One gate per chain in this process: a writer holds its chain's gate from
/// its append to the end of its commit. Without it, writers of one
/// organisation all appended after the same hint; all but one found the head
/// moved once they got its lock, and took the locking path (measured on the
/// seed's mix, one organisation: 263 of 305 writes, three audit statements
/// each under the head's lock instead of one). Waiting here, a writer's
/// hint is the head its predecessor committed; another instance still makes
/// it stale now and then, which costs the locking path as before.
static GATES: LazyLock<Mutex<HashMap<Uuid, Arc<tokio::sync::Mutex<()>>>>> = LazyLock::new(Mutex::default);

/// As long as PostgreSQL's `lock_timeout` would have let the writer wait for
/// the head's lock: then the write fails as unavailable (503, retry).
const GATE_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// Holds the gates of `chains` (in order, so two writers never hold one each
/// of the other's); `None` when one stayed closed for `GATE_WAIT`.
pub async fn enter_chains(mut chains: Vec<Uuid>) -> Option<Vec<tokio::sync::OwnedMutexGuard<()>>> {
    chains.sort_unstable();
    chains.dedup();
    let gates: Vec<Arc<tokio::sync::Mutex<()>>> = {
        let mut all = GATES.lock().ok()?;
        if all.len() >= HINTS_KEPT {
            all.retain(|_, gate| Arc::strong_count(gate) > 1);
        }
        chains.iter().map(|chain| all.entry(*chain).or_default().clone()).collect()
    };
    let mut held = Vec::with_capacity(gates.len());
    for gate in gates {
        held.push(tokio::time::timeout(GATE_WAIT, gate.lock_owned()).await.ok()?);
    }
    Some(held)
}

pub const AUDIT_COLUMNS: &str = "organization_id, seq, at, actor_user, actor_role, action, object_type, object_id, outcome, request_id, \
     source_ip, changes, prev_hash, hash";

#[derive(sqlx::FromRow)]
pub struct AuditRow {
    pub organization_id: Uuid,
    pub seq: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor_user: Option<Uuid>,
    pub actor_role: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<Uuid>,
    pub outcome: String,
    pub request_id: String,
    pub source_ip: String,
    pub changes: String,
    pub prev_hash: String,
    pub hash: String,
}

/// `[["field", before, after], …]`: the changes as stored.
pub fn changes_text(changes: &[Change]) -> String {
    let rows: Vec<(&str, Option<&str>, Option<&str>)> =
        changes.iter().map(|c| (c.field.as_str(), c.before.as_deref(), c.after.as_deref())).collect();
    serde_json::to_string(&rows).unwrap_or_else(|_| "[]".to_owned())
}

impl TryFrom<AuditRow> for ChainedEvent {
    type Error = anyhow::Error;

    fn try_from(row: AuditRow) -> anyhow::Result<Self> {
        let changes: Vec<(String, Option<String>, Option<String>)> = serde_json::from_str(&row.changes)?;
        Ok(ChainedEvent {
            seq: u64::try_from(row.seq)?,
            prev_hash: row.prev_hash,
            hash: row.hash,
            body: EventBody {
                at: row.at,
                organization: row.organization_id,
                actor_user: row.actor_user,
                actor_role: row.actor_role,
                action: row.action,
                object_type: row.object_type,
                object_id: row.object_id,
                outcome: Outcome::parse(&row.outcome).map_err(|e| anyhow::anyhow!("stored outcome: {e}"))?,
                request_id: row.request_id,
                source_ip: row.source_ip,
                changes: changes.into_iter().map(|(field, before, after)| Change { field, before, after }).collect(),
            },
        })
    }
}

/// Events grouped by chain, in the order they were recorded.
pub fn by_chain(events: Vec<EventBody>) -> Vec<(Uuid, Vec<EventBody>)> {
    let mut chains: Vec<(Uuid, Vec<EventBody>)> = Vec::new();
    for event in events {
        match chains.iter_mut().find(|(org, _)| *org == event.organization) {
            Some((_, list)) => list.push(event),
            None => chains.push((event.organization, vec![event])),
        }
    }
    chains
}
