//! The erasure log as a file of JSON lines next to the database (ids and
//! times only). It is outside the database on purpose: restoring a backup
//! older than an erasure must not bring the person back, so `restore` and
//! `serve` re-apply it. Several servers on one database share one file.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use koprogo_app::StoreError;
use koprogo_app::privacy::{ErasureLog, ErasureRecord, Subject};
use koprogo_domain::ids::{OwnerId, TenantId, UserId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Serialize, Deserialize)]
struct Line {
    at: DateTime<Utc>,
    /// `owner` or `user`.
    subject: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    organization: Option<Uuid>,
    id: Uuid,
}

impl From<&ErasureRecord> for Line {
    fn from(record: &ErasureRecord) -> Self {
        match record.subject {
            Subject::Owner { organization, owner } => {
                Line { at: record.at, subject: "owner".to_owned(), organization: Some(organization.as_uuid()), id: owner.as_uuid() }
            }
            Subject::User(user) => Line { at: record.at, subject: "user".to_owned(), organization: None, id: user.as_uuid() },
        }
    }
}

impl TryFrom<Line> for ErasureRecord {
    type Error = anyhow::Error;

    fn try_from(line: Line) -> anyhow::Result<Self> {
        let subject = match (line.subject.as_str(), line.organization) {
            ("owner", Some(organization)) => {
                Subject::Owner { organization: TenantId::from_uuid(organization), owner: OwnerId::from_uuid(line.id) }
            }
            ("user", None) => Subject::User(UserId::from_uuid(line.id)),
            (other, _) => anyhow::bail!("unknown erasure subject {other:?}"),
        };
        Ok(ErasureRecord { at: line.at, subject })
    }
}

pub struct FileErasureLog {
    path: PathBuf,
    /// One writer at a time in this process; lines are appended whole.
    writing: Mutex<()>,
}

impl FileErasureLog {
    pub fn new(path: &Path) -> anyhow::Result<Self> {
        if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder).with_context(|| format!("creating {}", folder.display()))?;
        }
        Ok(Self { path: path.to_owned(), writing: Mutex::new(()) })
    }

    fn read(&self) -> anyhow::Result<Vec<ErasureRecord>> {
        let text = match std::fs::read_to_string(&self.path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(error) => return Err(error).with_context(|| format!("reading {}", self.path.display())),
        };
        text.lines()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty())
            .map(|(n, line)| {
                let parsed: Line = serde_json::from_str(line).with_context(|| format!("{} line {}", self.path.display(), n + 1))?;
                ErasureRecord::try_from(parsed).with_context(|| format!("{} line {}", self.path.display(), n + 1))
            })
            .collect()
    }

    fn write(&self, records: &[ErasureRecord]) -> anyhow::Result<()> {
        let mut text = String::new();
        for record in records {
            text.push_str(&serde_json::to_string(&Line::from(record))?);
            text.push('\n');
        }
        let _guard = self.writing.lock().map_err(|_| anyhow::anyhow!("erasure log lock poisoned"))?;
        let mut file = std::fs::OpenOptions::new().create(true).append(true).open(&self.path)?;
        file.write_all(text.as_bytes())?;
        // Durable before the erasure commits: a crash after the commit must find it here.
        file.sync_all()?;
        Ok(())
    }
}

impl ErasureLog for FileErasureLog {
    fn append(&self, records: &[ErasureRecord]) -> Result<(), StoreError> {
        self.write(records).map_err(|e| StoreError::Internal(e.context(format!("writing the erasure log {}", self.path.display()))))
    }

    fn records(&self) -> Result<Vec<ErasureRecord>, StoreError> {
        self.read().map_err(StoreError::Internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_survive_the_file() {
        let folder = std::env::temp_dir().join(format!("koprogo-erasures-{}", Uuid::now_v7()));
        let log = FileErasureLog::new(&folder.join("erasures.jsonl")).unwrap();
        assert!(log.records().unwrap().is_empty());
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let owner = ErasureRecord { at, subject: Subject::Owner { organization: TenantId::generate(), owner: OwnerId::generate() } };
        let user = ErasureRecord { at, subject: Subject::User(UserId::generate()) };
        log.append(&[owner]).unwrap();
        log.append(&[user]).unwrap();
        assert_eq!(log.records().unwrap(), vec![owner, user]);
        std::fs::write(
            folder.join("erasures.jsonl"),
            "{\"at\":\"1970-01-01T00:00:00Z\",\"subject\":\"pet\",\"id\":\"0195f1c2-7a3b-7c00-9d4e-5f60718293a4\"}\n",
        )
        .unwrap();
        assert!(log.records().is_err(), "an unreadable log is an error, never an empty one");
        std::fs::remove_dir_all(folder).unwrap();
    }
}
