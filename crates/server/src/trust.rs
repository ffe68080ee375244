//! The trust commands: the audit trail verified from the command line, its
//! heads signed with the server's key; backups and restores; the register of
//! processing and the searches and re-applied erasures of the GDPR.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use koprogo_app::App;
use koprogo_app::audit::anchor::{ChainReport, SignedHead, Signer};

use crate::settings::{AuditHeadArgs, AuditVerifyArgs, BackupArgs, ErasureArgs, FileSettings, GdprCommand, RestoreArgs};

/// The signing key at `path`, created (readable by its owner only) when
/// missing. Two servers starting together on one key file both end up with
/// the key the first one wrote.
pub fn signer(path: &Path) -> anyhow::Result<Signer> {
    for _ in 0..50 {
        match read_key(path) {
            Ok(Some(signer)) => return Ok(signer),
            Ok(None) => match create_key(path) {
                Ok(signer) => return Ok(signer),
                Err(error) if error.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == std::io::ErrorKind::AlreadyExists) => {}
                Err(error) => return Err(error),
            },
            Err(error) => return Err(error),
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    anyhow::bail!("{} is being written by another process and never completes", path.display())
}

/// The key in `path`; `None` when there is none yet (or it is still being written).
fn read_key(path: &Path) -> anyhow::Result<Option<Signer>> {
    let Ok(text) = std::fs::read_to_string(path) else { return Ok(None) };
    if text.trim().len() < 64 {
        return Ok(None);
    }
    {
        let bytes: Vec<u8> = (0..text.trim().len())
            .step_by(2)
            .map(|i| text.trim().get(i..i + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok()))
            .collect::<Option<_>>()
            .with_context(|| format!("{} is not a hex key", path.display()))?;
        let seed = <[u8; 32]>::try_from(bytes).map_err(|_| anyhow::anyhow!("{} does not hold a 32-byte key", path.display()))?;
        Ok(Some(Signer::from_seed(seed)))
    }
}

fn create_key(path: &Path) -> anyhow::Result<Signer> {
    let signer = Signer::generate().map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(folder).with_context(|| format!("creating {}", folder.display()))?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    let hex: String = signer.seed().iter().map(|b| format!("{b:02x}")).collect();
    writeln!(file, "{hex}")?;
    tracing::info!(path = %path.display(), public_key = %signer.public_key(), "created the audit signing key");
    Ok(signer)
}

fn print(report: &ChainReport) {
    let who = if report.organization.is_nil() { "platform".to_owned() } else { report.organization.to_string() };
    match &report.broken {
        None => println!("{who}: {} events, intact, head {}", report.events, report.head.as_deref().unwrap_or("(empty)")),
        Some(broken) => println!("{who}: BROKEN at event {}: {} ({} events verified before it)", broken.seq, broken.reason, report.events),
    }
}

pub async fn verify(app: &App, args: &AuditVerifyArgs) -> anyhow::Result<()> {
    let anchor: Option<SignedHead> = match &args.anchor {
        Some(path) => {
            let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            let view: koprogo_web::api::audit::SignedHeadView = serde_json::from_str(&text).context("the anchor is not a signed head")?;
            Some(view.into())
        }
        None => None,
    };
    let chains: Vec<(uuid::Uuid, u64)> = match (args.organization, &anchor) {
        (Some(organization), _) => app.audit_chains().await?.into_iter().filter(|(o, _)| *o == organization).collect(),
        (None, Some(anchor)) => app.audit_chains().await?.into_iter().filter(|(o, _)| *o == anchor.organization).collect(),
        (None, None) => app.audit_chains().await?,
    };
    let chains = match (chains.is_empty(), args.organization.or(anchor.as_ref().map(|a| a.organization))) {
        // A chain with no event yet still gets its (empty) report.
        (true, Some(organization)) => vec![(organization, 0)],
        _ => chains,
    };
    let progress = crate::progress::bar(chains.iter().map(|(_, events)| events).sum(), "verifying the audit chains");
    let mut reports = Vec::with_capacity(chains.len());
    for (organization, _) in chains {
        reports.push(app.verify_chain_reporting(organization, anchor.as_ref(), &|n| progress.inc(n)).await?);
    }
    progress.finish_and_clear();
    reports.iter().for_each(print);
    let broken = reports.iter().filter(|r| r.broken.is_some()).count();
    anyhow::ensure!(broken == 0, "{broken} of {} chains do not verify", reports.len());
    Ok(())
}

pub async fn head(app: &App, args: &AuditHeadArgs) -> anyhow::Result<()> {
    let signer = signer(&args.key.audit_key)?;
    let head: koprogo_web::api::audit::SignedHeadView = app.sign_head(args.organization, &signer).await?.into();
    println!("{}", serde_json::to_string_pretty(&head)?);
    Ok(())
}

/// The app with the erasure log of `args`.
pub fn with_erasures(app: App, args: &ErasureArgs) -> anyhow::Result<App> {
    Ok(app.with_erasure_log(std::sync::Arc::new(crate::erasures::FileErasureLog::new(&args.erasure_log)?)))
}

pub async fn backup(app: &App, args: &BackupArgs) -> anyhow::Result<()> {
    let progress = crate::progress::stages("taking the snapshot");
    let (path, manifest) = crate::backup::create(app, &args.to, args.passphrase.passphrase()?, &progress).await?;
    progress.finish_and_clear();
    let rows: u64 = manifest.tables.iter().map(|t| t.rows).sum();
    println!(
        "{}: {} backup, schema {}, {} tables, {rows} rows, snapshot {} bytes (sha256 {})",
        path.display(),
        manifest.backend,
        manifest.schema_version,
        manifest.tables.len(),
        manifest.payload_bytes,
        manifest.payload_sha256
    );
    Ok(())
}

/// Restores, checks against the manifest, opens (migrating forward) and
/// re-applies the erasure log.
pub async fn restore(args: &RestoreArgs, file: &FileSettings) -> anyhow::Result<()> {
    let database = crate::settings::Database::resolve(&args.database, file);
    let url = match &database {
        crate::settings::Database::Sqlite { url } | crate::settings::Database::Postgres { url, .. } => url.clone(),
    };
    let progress = crate::progress::stages("reading the backup");
    let restored = crate::backup::restore(&args.from, &url, args.replace, args.passphrase.passphrase()?.as_deref(), &progress).await;
    progress.finish_and_clear();
    let restored = restored?;
    let m = &restored.manifest;
    println!(
        "restored the {} backup of {} (schema {}): {} tables identical to the manifest",
        m.backend,
        m.created_at,
        m.schema_version,
        m.tables.len()
    );
    if let Some(aside) = &restored.moved_aside {
        println!("the database it replaced was moved to {}", aside.display());
    }
    let app = with_erasures(crate::commands::app(&args.database, file, koprogo_app::AppSettings::default()).await?, &args.erasures)?;
    let again = app.reapply_erasures().await?;
    println!("erasure log re-applied: {} owners and {} logins erased again", again.owners, again.users);
    Ok(())
}

pub async fn gdpr(command: GdprCommand, file: &FileSettings) -> anyhow::Result<()> {
    match command {
        GdprCommand::Register => {
            print!("{}", register_markdown());
            Ok(())
        }
        GdprCommand::Search(args) => {
            let app = crate::commands::app(&args.database, file, koprogo_app::AppSettings::default()).await?;
            let found = app.occurrences(&args.text).await?;
            if found.is_empty() {
                println!("no column holds {:?}", args.text);
            }
            for (table, column, rows) in found {
                println!("{table}.{column}: {rows} rows");
            }
            Ok(())
        }
        GdprCommand::Reapply(args) => {
            let app =
                with_erasures(crate::commands::app(&args.database, file, koprogo_app::AppSettings::default()).await?, &args.erasures)?;
            let again = app.reapply_erasures().await?;
            println!("{} owners and {} logins erased again", again.owners, again.users);
            Ok(())
        }
    }
}

/// The register of processing activities, from the inventory.
fn register_markdown() -> String {
    use koprogo_app::privacy::inventory::{ACTIVITIES, columns_of};
    let mut out = String::from("# Register of processing activities (GDPR Art. 30)\n\nGenerated by KoproGo from its data inventory.\n");
    for activity in ACTIVITIES {
        out.push_str(&format!(
            "\n## {}\n\n- Lawful basis: {}\n- Data subjects: {}\n- Recipients: {}\n- Retention: {}\n- Data:\n",
            activity.name, activity.lawful_basis, activity.subjects, activity.recipients, activity.retention
        ));
        let columns = columns_of(activity.purpose);
        let mut categories: Vec<_> = columns.iter().map(|(c, _)| *c).collect();
        categories.dedup();
        for category in categories {
            let names: Vec<&str> = columns.iter().filter(|(c, _)| *c == category).map(|(_, n)| n.as_str()).collect();
            out.push_str(&format!("  - {}: {}\n", category.label(), names.join(", ")));
        }
    }
    out
}
