//! Backups and restores. A backup is one zip file — `manifest.json` (time,
//! backend, schema version, every table's row count and content hash) and
//! the database's consistent snapshot (a SQLite file, a `pg_dump` archive) —
//! optionally encrypted with a passphrase (age, scrypt). A restore checks the
//! snapshot against its manifest before it is used, puts it in place, brings
//! the schema forward and re-applies the erasure log.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail, ensure};
use chrono::{DateTime, Utc};
use indicatif::ProgressBar;
use koprogo_app::App;
use koprogo_app::ports::privacy::TableDigest;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

pub const FORMAT: &str = "koprogo-backup/1";
const PAYLOAD: &str = "database.snapshot";
const AGE_MAGIC: &[u8] = b"age-encryption.org/v1";

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct TableEntry {
    pub table: String,
    pub rows: u64,
    pub sha256: String,
}

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Manifest {
    pub format: String,
    pub created_at: DateTime<Utc>,
    pub koprogo_version: String,
    /// `sqlite` or `postgresql`.
    pub backend: String,
    pub schema_version: i64,
    pub payload: String,
    pub payload_bytes: u64,
    pub payload_sha256: String,
    pub tables: Vec<TableEntry>,
}

fn entries(digests: Vec<TableDigest>) -> Vec<TableEntry> {
    digests.into_iter().map(|d| TableEntry { table: d.table, rows: d.rows, sha256: d.sha256 }).collect()
}

/// The tables whose content differs from the manifest's, named.
pub fn differences(manifest: &[TableEntry], found: &[TableEntry]) -> Vec<String> {
    let mut differ: Vec<String> = manifest
        .iter()
        .filter(|m| !found.contains(m))
        .map(|m| match found.iter().find(|f| f.table == m.table) {
            Some(f) => format!("{} ({} rows in the manifest, {} found, hashes differ)", m.table, m.rows, f.rows),
            None => format!("{} (missing)", m.table),
        })
        .collect();
    differ.extend(
        found.iter().filter(|f| !manifest.iter().any(|m| m.table == f.table)).map(|f| format!("{} (not in the manifest)", f.table)),
    );
    differ
}

fn file_sha256(path: &Path) -> anyhow::Result<(u64, String)> {
    let mut file = std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0; 1 << 16];
    let mut bytes = 0u64;
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(buffer.get(..read).unwrap_or_default());
        bytes += u64::try_from(read)?;
    }
    Ok((bytes, format!("{:x}", hasher.finalize())))
}

/// A folder for one backup's or restore's work files, removed with it.
struct Scratch(PathBuf);

impl Scratch {
    fn new(near: &Path) -> anyhow::Result<Self> {
        let path = near.join(format!(".koprogo-work-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(Self(path))
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Takes a backup into `folder`; returns its path and manifest. `progress`
/// is told each stage (hidden when nobody watches).
pub async fn create(app: &App, folder: &Path, passphrase: Option<String>, progress: &ProgressBar) -> anyhow::Result<(PathBuf, Manifest)> {
    std::fs::create_dir_all(folder).with_context(|| format!("creating {}", folder.display()))?;
    let scratch = Scratch::new(folder)?;
    let payload = scratch.0.join(PAYLOAD);
    let snapshot = app.snapshot(&payload).await.map_err(|e| anyhow::anyhow!("taking the snapshot: {e}"))?;
    let created_at = Utc::now();
    progress.set_message("hashing the snapshot");
    let (payload_bytes, payload_sha256) = file_sha256(&payload)?;
    let manifest = Manifest {
        format: FORMAT.to_owned(),
        created_at,
        koprogo_version: env!("CARGO_PKG_VERSION").to_owned(),
        backend: snapshot.backend.to_owned(),
        schema_version: snapshot.schema_version,
        payload: PAYLOAD.to_owned(),
        payload_bytes,
        payload_sha256,
        tables: entries(snapshot.tables),
    };
    let name = format!("koprogo-backup-{}.zip{}", created_at.format("%Y%m%dT%H%M%S%.3fZ"), if passphrase.is_some() { ".age" } else { "" });
    let target = folder.join(&name);
    progress.set_message(if passphrase.is_some() { "writing and encrypting the archive" } else { "writing the archive" });
    let (work, written) = (scratch.0.clone(), manifest.clone());
    let partial = tokio::task::spawn_blocking(move || write_archive(&work, &written, passphrase)).await??;
    std::fs::rename(&partial, &target).with_context(|| format!("moving the backup to {}", target.display()))?;
    drop(scratch);
    Ok((target, manifest))
}

fn write_archive(work: &Path, manifest: &Manifest, passphrase: Option<String>) -> anyhow::Result<PathBuf> {
    let zip_path = work.join("backup.zip");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&zip_path)?);
    let deflated = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(true);
    zip.start_file("manifest.json", deflated)?;
    zip.write_all(serde_json::to_string_pretty(manifest)?.as_bytes())?;
    // A PostgreSQL archive is compressed already; a SQLite file is not.
    let method = if manifest.backend == "sqlite" { zip::CompressionMethod::Deflated } else { zip::CompressionMethod::Stored };
    zip.start_file(PAYLOAD, deflated.compression_method(method))?;
    std::io::copy(&mut std::fs::File::open(work.join(PAYLOAD))?, &mut zip)?;
    zip.finish()?.sync_all()?;
    let Some(passphrase) = passphrase else { return Ok(zip_path) };
    let sealed = work.join("backup.zip.age");
    let encryptor = age::Encryptor::with_user_passphrase(age::secrecy::SecretString::from(passphrase));
    let mut writer = encryptor.wrap_output(std::fs::File::create(&sealed)?)?;
    std::io::copy(&mut std::fs::File::open(&zip_path)?, &mut writer)?;
    writer.finish()?.sync_all()?;
    Ok(sealed)
}

/// The manifest and the snapshot of a backup, unpacked (and decrypted) into `work`.
fn unpack(file: &Path, work: &Path, passphrase: Option<&str>) -> anyhow::Result<(Manifest, PathBuf)> {
    let mut head = [0u8; 21];
    let read = std::fs::File::open(file).with_context(|| format!("reading {}", file.display()))?.read(&mut head)?;
    let zip_path = if head.get(..read) == Some(AGE_MAGIC) {
        let passphrase =
            passphrase.context("the backup is encrypted: give its passphrase (--passphrase-file or KOPROGO_BACKUP_PASSPHRASE)")?;
        let decryptor = age::Decryptor::new(std::io::BufReader::new(std::fs::File::open(file)?))?;
        let identity = age::scrypt::Identity::new(age::secrecy::SecretString::from(passphrase.to_owned()));
        let mut reader =
            decryptor.decrypt(std::iter::once(&identity as &dyn age::Identity)).context("decrypting the backup (wrong passphrase?)")?;
        let opened = work.join("backup.zip");
        std::io::copy(&mut reader, &mut std::fs::File::create(&opened)?).context("decrypting the backup")?;
        opened
    } else {
        file.to_owned()
    };
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&zip_path)?).context("the backup is not a KoproGo archive")?;
    ensure!(!zip.has_duplicate_names(), "two entries of the backup have the same name: it is not one of ours");
    // A manifest is a few kilobytes; the snapshot is what the manifest says, and no more is unpacked.
    let manifest: Manifest =
        serde_json::from_reader(std::io::Read::take(zip.by_name("manifest.json").context("the backup has no manifest")?, 4 * 1024 * 1024))?;
    ensure!(manifest.format == FORMAT, "unknown backup format {:?} (this version reads {FORMAT})", manifest.format);
    let payload = work.join(PAYLOAD);
    let snapshot = zip.by_name(&manifest.payload).context("the backup has no snapshot")?;
    std::io::copy(&mut std::io::Read::take(snapshot, manifest.payload_bytes.saturating_add(1)), &mut std::fs::File::create(&payload)?)?;
    let (bytes, sha256) = file_sha256(&payload)?;
    ensure!(
        bytes == manifest.payload_bytes && sha256 == manifest.payload_sha256,
        "the snapshot does not match its manifest: the backup is damaged"
    );
    Ok((manifest, payload))
}

/// What a restore did.
pub struct Restored {
    pub manifest: Manifest,
    pub moved_aside: Option<PathBuf>,
}

/// Restores `file` as the database of `url`; `open` then opens it (migrating
/// forward) with the erasure log, to re-apply it.
pub async fn restore(file: &Path, url: &str, replace: bool, passphrase: Option<&str>, progress: &ProgressBar) -> anyhow::Result<Restored> {
    let near = file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let scratch = Scratch::new(near)?;
    let (file, work, secret) = (file.to_owned(), scratch.0.clone(), passphrase.map(str::to_owned));
    let (manifest, payload) = tokio::task::spawn_blocking(move || unpack(&file, &work, secret.as_deref())).await??;
    let postgres = url.starts_with("postgres://") || url.starts_with("postgresql://");
    progress.set_message("restoring the snapshot and checking it against the manifest");
    let moved_aside = match (manifest.backend.as_str(), postgres) {
        ("sqlite", false) => {
            let (version, digests) = koprogo_store_sqlite::digest_file(&payload).await?;
            check(&manifest, version, entries(digests))?;
            koprogo_store_sqlite::install_file(&payload, url, replace)?
        }
        ("postgresql", true) => {
            koprogo_store_postgres::restore_dump(&payload, url).await?;
            let store = koprogo_store_postgres::connect_unmigrated(url).await?;
            check(&manifest, store.catalog.schema_version().await?, entries(store.catalog.digests().await?))?;
            None
        }
        (backend, _) => bail!("this is a {backend} backup; restore it into a {backend} database"),
    };
    drop(scratch);
    Ok(Restored { manifest, moved_aside })
}

fn check(manifest: &Manifest, version: i64, found: Vec<TableEntry>) -> anyhow::Result<()> {
    ensure!(version == manifest.schema_version, "the snapshot is at schema {version}, its manifest says {}", manifest.schema_version);
    let differ = differences(&manifest.tables, &found);
    ensure!(differ.is_empty(), "the restored tables differ from the manifest: {}", differ.join("; "));
    Ok(())
}

/// The backups of `folder`, oldest first.
fn backups_in(folder: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(folder)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("koprogo-backup-") && n.contains(".zip")))
        .collect();
    found.sort();
    Ok(found)
}

/// Keeps the newest `keep` backups of `folder`; returns those removed.
pub fn prune(folder: &Path, keep: usize) -> anyhow::Result<Vec<PathBuf>> {
    let found = backups_in(folder)?;
    let excess = found.len().saturating_sub(keep.max(1));
    let removed: Vec<PathBuf> = found.into_iter().take(excess).collect();
    for path in &removed {
        std::fs::remove_file(path).with_context(|| format!("removing {}", path.display()))?;
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(table: &str, rows: u64, sha: &str) -> TableEntry {
        TableEntry { table: table.to_owned(), rows, sha256: sha.to_owned() }
    }

    #[test]
    fn differences_name_each_table() {
        let manifest = vec![entry("owners", 3, "a"), entry("units", 2, "b")];
        assert!(differences(&manifest, &manifest).is_empty());
        let found = vec![entry("owners", 4, "c"), entry("payments", 1, "d")];
        let differ = differences(&manifest, &found);
        assert_eq!(differ.len(), 3, "{differ:?}");
        assert!(differ.iter().any(|d| d.starts_with("owners (3 rows")));
        assert!(differ.iter().any(|d| d == "units (missing)"));
        assert!(differ.iter().any(|d| d == "payments (not in the manifest)"));
    }

    #[test]
    fn pruning_keeps_the_newest() {
        let folder = std::env::temp_dir().join(format!("koprogo-prune-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&folder).unwrap();
        for stamp in ["20261101T000000.000Z", "20261102T000000.000Z", "20261103T000000.000Z"] {
            std::fs::write(folder.join(format!("koprogo-backup-{stamp}.zip")), b"x").unwrap();
        }
        std::fs::write(folder.join("notes.txt"), b"kept").unwrap();
        let removed = prune(&folder, 2).unwrap();
        assert_eq!(removed, vec![folder.join("koprogo-backup-20261101T000000.000Z.zip")]);
        assert_eq!(backups_in(&folder).unwrap().len(), 2);
        assert!(folder.join("notes.txt").exists());
        std::fs::remove_dir_all(folder).unwrap();
    }
}
