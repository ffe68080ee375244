//! Heads exported outside the database: the last number and hash of a chain,
//! signed with the server's Ed25519 key. Whoever keeps one (the syndic, a
//! separate store) can later prove that the chain still holds it — a chain
//! that was cut, or rewritten whole by someone with the database's keys, no
//! longer does.

use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use koprogo_domain::audit::{Broken, Verifier};
use uuid::Uuid;

use crate::App;
use crate::access::{Action, Actor};
use crate::error::AppError;

/// The server's signing key.
pub struct Signer(SigningKey);

impl Signer {
    pub fn from_seed(seed: [u8; 32]) -> Self {
        Self(SigningKey::from_bytes(&seed))
    }

    /// A new key from the system's random source.
    pub fn generate() -> Result<Self, AppError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| AppError::Internal(anyhow::anyhow!("no randomness: {e}")))?;
        Ok(Self::from_seed(seed))
    }

    pub fn seed(&self) -> [u8; 32] {
        self.0.to_bytes()
    }

    pub fn public_key(&self) -> String {
        hex(self.0.verifying_key().as_bytes())
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let bytes: Option<Vec<u8>> =
        (0..text.len()).step_by(2).map(|i| text.get(i..i + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok())).collect();
    bytes.and_then(|b| <[u8; N]>::try_from(b).ok())
}

/// A chain's head as exported: what was signed, and the signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedHead {
    pub organization: Uuid,
    pub seq: u64,
    pub hash: String,
    pub at: DateTime<Utc>,
    pub public_key: String,
    pub signature: String,
}

impl SignedHead {
    fn message(organization: Uuid, seq: u64, hash: &str, at: DateTime<Utc>) -> String {
        format!("koprogo audit head v1\n{organization}\n{seq}\n{hash}\n{}", at.format("%Y-%m-%dT%H:%M:%S%.6fZ"))
    }

    /// Whether the signature is the key's, on these very figures.
    pub fn signature_holds(&self) -> bool {
        let (Some(key), Some(signature)) = (unhex::<32>(&self.public_key), unhex::<64>(&self.signature)) else { return false };
        let Ok(key) = VerifyingKey::from_bytes(&key) else { return false };
        let message = Self::message(self.organization, self.seq, &self.hash, self.at);
        key.verify(message.as_bytes(), &Signature::from_bytes(&signature)).is_ok()
    }
}

/// What verifying a chain found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainReport {
    pub organization: Uuid,
    pub events: u64,
    /// The last event's hash (none for an empty chain).
    pub head: Option<String>,
    pub broken: Option<Broken>,
}

impl App {
    /// Recomputes a chain from its first event, a slice at a time; with an
    /// exported head, also checks that the chain still holds it.
    pub async fn verify_chain(&self, organization: Uuid, anchor: Option<&SignedHead>) -> Result<ChainReport, AppError> {
        self.verify_chain_reporting(organization, anchor, &|_| {}).await
    }

    /// The same, telling `verified` how many events each slice added (a
    /// command's progress).
    pub async fn verify_chain_reporting(
        &self,
        organization: Uuid,
        anchor: Option<&SignedHead>,
        verified: &(dyn Fn(u64) + Sync),
    ) -> Result<ChainReport, AppError> {
        let mut verifier = Verifier::default();
        let mut anchored = None;
        let mut broken = None;
        'slices: loop {
            let after = verifier.head().map_or(0, |(seq, _)| seq);
            let slice = self.store.audit.chain(organization, after, 5_000).await?;
            if slice.is_empty() {
                break;
            }
            for event in &slice {
                if let Err(found) = verifier.feed(event) {
                    broken = Some(found);
                    break 'slices;
                }
                if anchor.is_some_and(|a| a.seq == event.seq) {
                    anchored = Some(event.hash.clone());
                }
            }
            verified(u64::try_from(slice.len()).unwrap_or(u64::MAX));
        }
        if let (None, Some(anchor)) = (&broken, anchor) {
            if !anchor.signature_holds() || anchor.organization != organization {
                broken = Some(Broken { seq: anchor.seq, reason: "the exported head's signature does not hold" });
            } else if let Err(found) = verifier.contains(anchor.seq, &anchor.hash, |_| anchored.clone()) {
                broken = Some(found);
            }
        }
        let (events, head) = verifier.head().map_or((0, None), |(seq, hash)| (seq, Some(hash.to_owned())));
        Ok(ChainReport { organization, events, head, broken })
    }

    /// Every chain of the database, verified (the command line's `audit verify`).
    pub async fn verify_all_chains(&self) -> Result<Vec<ChainReport>, AppError> {
        let mut reports = Vec::new();
        for organization in self.store.audit.chains().await? {
            reports.push(self.verify_chain(organization, None).await?);
        }
        Ok(reports)
    }

    /// Every chain with the number of events its head claims (read from the
    /// heads, not counted): how much a verification has to read.
    pub async fn audit_chains(&self) -> Result<Vec<(Uuid, u64)>, AppError> {
        let mut chains = Vec::new();
        for organization in self.store.audit.chains().await? {
            chains.push((organization, self.store.audit.head(organization).await?.map_or(0, |(seq, _)| seq)));
        }
        Ok(chains)
    }

    /// The chain's head signed with `signer`, to keep outside the database.
    pub async fn sign_head(&self, organization: Uuid, signer: &Signer) -> Result<SignedHead, AppError> {
        let (seq, hash) = self.store.audit.head(organization).await?.unwrap_or((0, koprogo_domain::audit::GENESIS.to_owned()));
        let at = self.clock.now();
        let signature = signer.0.sign(SignedHead::message(organization, seq, &hash, at).as_bytes());
        Ok(SignedHead { organization, seq, hash, at, public_key: signer.public_key(), signature: hex(&signature.to_bytes()) })
    }

    /// The actor's organisation's head, signed by the service (if it has a key).
    pub async fn signed_head(&self, actor: &Actor) -> Result<SignedHead, AppError> {
        let grant = actor.grant(Action::ReadAudit)?;
        let signer = self.signer.as_ref().ok_or_else(|| AppError::Unavailable(anyhow::anyhow!("the service has no audit signing key")))?;
        self.sign_head(grant.tenant.as_uuid(), signer).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_head_s_signature_holds_only_on_its_own_figures() {
        let signer = Signer::from_seed([7; 32]);
        let at = DateTime::from_timestamp(1_780_000_000, 0).unwrap();
        let message = SignedHead::message(Uuid::nil(), 4, "ab", at);
        let signature = hex(&signer.0.sign(message.as_bytes()).to_bytes());
        let head = SignedHead { organization: Uuid::nil(), seq: 4, hash: "ab".into(), at, public_key: signer.public_key(), signature };
        assert!(head.signature_holds());
        assert!(!SignedHead { seq: 5, ..head.clone() }.signature_holds(), "a longer chain claimed");
        assert!(!SignedHead { public_key: Signer::from_seed([8; 32]).public_key(), ..head }.signature_holds(), "another key");
    }
}
