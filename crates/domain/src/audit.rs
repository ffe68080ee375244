//! The tamper-evident audit trail (DOMAIN §4 O3): every organisation's events
//! form one chain, numbered from 1 without gaps; each event's hash is the
//! SHA-256 of the previous hash and the event's canonical text, so changing,
//! removing or reordering any event breaks every hash after it, and a head
//! kept outside (signed, exported) shows a cut tail.
//!
//! Events name people by their ids and never carry personal data: a change of
//! a personal field records that it changed, not its values, so that erasing a
//! person (GDPR art. 17) leaves the chain intact.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// The hash before an organisation's first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

crate::code_enum!(
    /// How an attempt ended.
    Outcome { Success = "success", Denied = "denied", Failed = "failed" }
);

/// One field's change: its value before and after, or only that it changed
/// (`personal`), or none where it did not exist (a creation, a deletion).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// What is written of a personal value: that there was one.
pub const PERSONAL: &str = "\u{2022}personal";

/// What happened, as the use cases record it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventBody {
    pub at: DateTime<Utc>,
    /// `Uuid::nil()` for the platform's own chain (sign-in attempts of unknown accounts, …).
    pub organization: Uuid,
    pub actor_user: Option<Uuid>,
    pub actor_role: Option<String>,
    /// `building.created`, `expense.approved`, `auth.login_failed`, …
    pub action: String,
    pub object_type: String,
    pub object_id: Option<Uuid>,
    pub outcome: Outcome,
    pub request_id: String,
    pub source_ip: String,
    pub changes: Vec<Change>,
}

/// An event in its chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainedEvent {
    pub seq: u64,
    pub prev_hash: String,
    pub hash: String,
    pub body: EventBody,
}

fn quoted(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn optional(out: &mut String, text: Option<&str>) {
    match text {
        Some(text) => quoted(out, text),
        None => out.push_str("null"),
    }
}

/// The event as hashed: JSON with its keys in a fixed order, times to the
/// microsecond in UTC. Readable, and the same on every machine and store.
pub fn canonical(seq: u64, prev_hash: &str, body: &EventBody) -> String {
    let mut out = String::with_capacity(512);
    out.push_str("{\"action\":");
    quoted(&mut out, &body.action);
    out.push_str(",\"actor_role\":");
    optional(&mut out, body.actor_role.as_deref());
    out.push_str(",\"actor_user\":");
    optional(&mut out, body.actor_user.map(|u| u.to_string()).as_deref());
    out.push_str(",\"at\":");
    quoted(&mut out, &body.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string());
    out.push_str(",\"changes\":[");
    for (i, change) in body.changes.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        quoted(&mut out, &change.field);
        out.push(',');
        optional(&mut out, change.before.as_deref());
        out.push(',');
        optional(&mut out, change.after.as_deref());
        out.push(']');
    }
    out.push_str("],\"object_id\":");
    optional(&mut out, body.object_id.map(|u| u.to_string()).as_deref());
    out.push_str(",\"object_type\":");
    quoted(&mut out, &body.object_type);
    out.push_str(",\"organization\":");
    quoted(&mut out, &body.organization.to_string());
    out.push_str(",\"outcome\":");
    quoted(&mut out, body.outcome.as_str());
    out.push_str(",\"prev\":");
    quoted(&mut out, prev_hash);
    out.push_str(",\"request_id\":");
    quoted(&mut out, &body.request_id);
    out.push_str(&format!(",\"seq\":{seq},\"source_ip\":"));
    quoted(&mut out, &body.source_ip);
    out.push('}');
    out
}

pub fn hash(seq: u64, prev_hash: &str, body: &EventBody) -> String {
    let digest = Sha256::new().chain_update(prev_hash.as_bytes()).chain_update(canonical(seq, prev_hash, body).as_bytes()).finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Puts `body` after `head` (`None`: the first event of the chain).
pub fn link(head: Option<(u64, &str)>, body: EventBody) -> ChainedEvent {
    let (seq, prev_hash) = head.map_or((1, GENESIS.to_owned()), |(seq, hash)| (seq + 1, hash.to_owned()));
    let hash = hash(seq, &prev_hash, &body);
    ChainedEvent { seq, prev_hash, hash, body }
}

/// Where a chain breaks first, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Broken {
    /// The first event that does not verify (the one after the last good one
    /// when events are missing).
    pub seq: u64,
    pub reason: &'static str,
}

/// A chain's verification, event by event, in order: feed every event, then
/// read the head. Streams, so a million events need no memory.
#[derive(Clone, Debug, Default)]
pub struct Verifier {
    head: Option<(u64, String)>,
}

impl Verifier {
    /// # Errors
    /// The event that breaks the chain: a gap or a repeat in the numbering, a
    /// link to something other than the previous hash, or a hash that does
    /// not match the event's content.
    pub fn feed(&mut self, event: &ChainedEvent) -> Result<(), Broken> {
        let (expected_seq, expected_prev) = match &self.head {
            None => (1, GENESIS),
            Some((seq, hash)) => (seq + 1, hash.as_str()),
        };
        if event.seq != expected_seq {
            return Err(Broken { seq: expected_seq, reason: "an event is missing or out of order" });
        }
        if event.prev_hash != expected_prev {
            return Err(Broken { seq: event.seq, reason: "it does not link to the previous event" });
        }
        if hash(event.seq, &event.prev_hash, &event.body) != event.hash {
            return Err(Broken { seq: event.seq, reason: "its content does not match its hash" });
        }
        self.head = Some((event.seq, event.hash.clone()));
        Ok(())
    }

    /// The last verified event: (seq, hash); `None` for an empty chain.
    pub fn head(&self) -> Option<(u64, &str)> {
        self.head.as_ref().map(|(seq, hash)| (*seq, hash.as_str()))
    }

    /// Checks that a head kept outside (an anchor) is in the verified chain:
    /// a chain cut after the anchor, or rewritten before it, fails.
    /// `hash_at` gives the verified chain's hash at a number.
    pub fn contains(&self, anchor_seq: u64, anchor_hash: &str, hash_at: impl Fn(u64) -> Option<String>) -> Result<(), Broken> {
        let last = self.head.as_ref().map_or(0, |(seq, _)| *seq);
        if anchor_seq > last {
            return Err(Broken { seq: last + 1, reason: "the chain ends before the exported head: events were cut" });
        }
        if hash_at(anchor_seq).as_deref() != Some(anchor_hash) {
            return Err(Broken { seq: anchor_seq, reason: "the exported head's hash is not the chain's: events were rewritten" });
        }
        Ok(())
    }
}

/// Verifies a whole chain held in memory (tests and small chains).
pub fn verify(events: &[ChainedEvent]) -> Result<Option<(u64, String)>, Broken> {
    let mut verifier = Verifier::default();
    for event in events {
        verifier.feed(event)?;
    }
    Ok(verifier.head().map(|(seq, hash)| (seq, hash.to_owned())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(n: u64) -> EventBody {
        EventBody {
            at: DateTime::from_timestamp(1_780_000_000 + i64::try_from(n).unwrap(), 123_456_000).unwrap(),
            organization: Uuid::from_u128(7),
            actor_user: Some(Uuid::from_u128(u128::from(n))),
            actor_role: Some("syndic".to_owned()),
            action: "expense.approved".to_owned(),
            object_type: "expense".to_owned(),
            object_id: Some(Uuid::from_u128(99)),
            outcome: Outcome::Success,
            request_id: format!("req-{n}"),
            source_ip: "192.0.2.1".to_owned(),
            changes: vec![Change { field: "status".to_owned(), before: Some("draft".to_owned()), after: Some("approved".to_owned()) }],
        }
    }

    fn chain(n: u64) -> Vec<ChainedEvent> {
        let mut events: Vec<ChainedEvent> = Vec::new();
        for i in 0..n {
            let head = events.last().map(|e| (e.seq, e.hash.as_str()));
            let next = link(head, body(i));
            events.push(next);
        }
        events
    }

    #[test]
    fn the_canonical_form_is_fixed_and_escaped() {
        let mut b = body(1);
        b.changes.push(Change { field: "email".to_owned(), before: Some(PERSONAL.to_owned()), after: None });
        b.request_id = "a\"b\n".to_owned();
        let text = canonical(3, GENESIS, &b);
        assert!(text.starts_with(
            r#"{"action":"expense.approved","actor_role":"syndic","actor_user":"00000000-0000-0000-0000-000000000001","at":"2026-05-28T"#
        ));
        assert!(text.contains(r#"["email","•personal",null]"#) && text.contains(r#""request_id":"a\"b\u000a""#), "{text}");
        assert_eq!(hash(3, GENESIS, &b), hash(3, GENESIS, &b.clone()));
    }

    #[test]
    fn a_chain_verifies_and_names_its_head() {
        let events = chain(5);
        assert_eq!(verify(&events), Ok(Some((5, events[4].hash.clone()))));
        assert_eq!(verify(&[]), Ok(None));
    }

    #[test]
    fn a_cut_tail_is_seen_against_the_exported_head() {
        let events = chain(6);
        let anchor = (6, events[5].hash.clone());
        let mut cut = Verifier::default();
        events[..4].iter().for_each(|e| cut.feed(e).unwrap());
        let hash_at = |seq: u64| events.get(usize::try_from(seq - 1).ok()?).map(|e| e.hash.clone());
        assert_eq!(cut.contains(anchor.0, &anchor.1, hash_at).unwrap_err().seq, 5);
        let mut whole = Verifier::default();
        events.iter().for_each(|e| whole.feed(e).unwrap());
        assert!(whole.contains(anchor.0, &anchor.1, hash_at).is_ok());
        assert!(whole.contains(3, &events[4].hash, hash_at).is_err(), "a head that is not the chain's");
    }

    proptest::proptest! {
        /// Any single tampering — a field changed, an event removed, two
        /// swapped, a suffix re-hashed — is caught, at the first bad event.
        #[test]
        fn every_tampering_is_found_at_its_first_event(kind in 0u8..5, at in 0usize..20, other in 0usize..20) {
            let mut events = chain(20);
            let expected = match kind {
                0 => { events[at].body.action = "expense.deleted".to_owned(); at + 1 }
                1 => { events[at].body.changes.clear(); at + 1 }
                2 if at == 19 => {
                    events.remove(at);
                    proptest::prop_assert!(verify(&events).is_ok(), "a cut tail is only seen against an exported head");
                    return Ok(());
                }
                2 => { events.remove(at); at + 1 }
                3 => {
                    proptest::prop_assume!(at != other);
                    events.swap(at, other);
                    at.min(other) + 1
                }
                _ => {
                    // Rewrite one event and re-hash everything after it: only its link to the past breaks… unless it was the first.
                    events[at].body.source_ip = "203.0.113.9".to_owned();
                    let head = if at == 0 { None } else { Some((events[at - 1].seq, events[at - 1].hash.clone())) };
                    let mut previous = head;
                    for e in events.iter_mut().skip(at) {
                        let relinked = link(previous.as_ref().map(|(s, h)| (*s, h.as_str())), e.body.clone());
                        *e = relinked;
                        previous = Some((e.seq, e.hash.clone()));
                    }
                    proptest::prop_assert!(verify(&events).is_ok(), "a full re-hash is only seen against an exported head");
                    return Ok(());
                }
            };
            let broken = verify(&events).unwrap_err();
            proptest::prop_assert_eq!(broken.seq, u64::try_from(expected).unwrap());
        }
    }
}
