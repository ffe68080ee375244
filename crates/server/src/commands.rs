//! What each subcommand does, wired from the settings.

use std::sync::Arc;

use anyhow::{Context, bail};
use koprogo_app::account::{Membership, NewAccount};
use koprogo_app::ports::SystemClock;
use koprogo_app::{App, AppSettings, Store};
use koprogo_domain::account::{Language, Role};
use koprogo_domain::ids::{BuildingId, OwnerId, TenantId};
use koprogo_web::WebSettings;

use crate::settings::{DEFAULT_LISTEN, Database, DatabaseArgs, FileSettings, SeedArgs, ServeArgs, UserCreateArgs};

/// Opens the store named by the settings, applying its migrations.
async fn open(args: &DatabaseArgs, file: &FileSettings) -> anyhow::Result<Store> {
    let database = Database::resolve(args, file);
    tracing::info!(database = %database.describe(), "opening the database");
    let store = match &database {
        Database::Sqlite { url } => koprogo_store_sqlite::open(url).await,
        Database::Postgres { url, max_connections } => koprogo_store_postgres::connect(url, *max_connections).await,
    };
    store.with_context(|| format!("opening {}", database.describe()))
}

pub async fn app(args: &DatabaseArgs, file: &FileSettings, settings: AppSettings) -> anyhow::Result<App> {
    let store = open(args, file).await?;
    App::new(store, Arc::new(SystemClock), settings).map_err(|e| anyhow::anyhow!("{e}"))
}

pub async fn serve(args: ServeArgs, file: &FileSettings) -> anyhow::Result<()> {
    let mut settings = AppSettings::default();
    if let Some(burst) = args.login_ip_burst.or(file.login_ip_burst) {
        settings.throttle.ip_burst = burst;
    }
    if let Some(burst) = args.signup_ip_burst.or(file.signup_ip_burst) {
        settings.throttle.signup_burst = burst;
    }
    let app = app(&args.database, file, settings).await?.with_signer(crate::trust::signer(&args.key.audit_key)?);
    let app = crate::trust::with_erasures(app, &args.erasures)?.with_billing(args.billing.settings()?);
    // A database restored by hand from an old backup must not name the erased.
    app.reapply_erasures().await?;
    if args.demo {
        crate::demo::seed_if_empty(&app).await?;
    }
    let listen = match args.listen.or(file.listen) {
        Some(listen) => listen,
        None => DEFAULT_LISTEN.parse()?,
    };
    let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("listening on {listen}"))?;
    tracing::info!(address = %listener.local_addr()?, "KoproGo is serving; API under /api/v1, document at /api/v1/openapi.json");
    tokio::spawn(purge_sessions_periodically(app.clone()));
    tokio::spawn(bill_monthly(app.clone()));
    if let Some(folder) = args.backup_dir.clone() {
        let schedule =
            BackupSchedule { folder, every: args.backup_every, keep: args.backup_keep, passphrase: args.passphrase.passphrase()? };
        tokio::spawn(back_up_periodically(app.clone(), schedule));
    }
    let mut settings = WebSettings {
        trusted_proxies: file.trusted_proxies.clone(),
        secure_cookies: args.secure_cookies || file.secure_cookies,
        metrics_token: args.metrics_token.clone().or_else(|| file.metrics_token.clone()),
        carbon: koprogo_web::ops::Carbon {
            watts_per_vcpu: args.carbon.co2_watts_per_vcpu,
            grid_g_per_kwh: args.carbon.co2_grid,
            network_g_per_kb: args.carbon.co2_network,
            ..koprogo_web::ops::Carbon::default()
        },
        ..WebSettings::default()
    };
    if let Some(seconds) = args.header_timeout.or(file.header_timeout) {
        settings.header_timeout = std::time::Duration::from_secs(seconds.max(1));
    }
    if let Some(seconds) = args.body_timeout.or(file.body_timeout) {
        settings.body_pace.grace = std::time::Duration::from_secs(seconds.max(1));
    }
    if let Some(rate) = args.body_min_rate.or(file.body_min_rate) {
        settings.body_pace.min_bytes_per_second = rate.max(1);
    }
    if let Some(clients) = args.max_clients.or(file.max_clients) {
        settings.max_clients = clients.max(1);
    }
    koprogo_web::serve(listener, app, settings, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

/// Expired tokens are deleted every ten minutes, so the sessions table stays
/// the size of the live sessions.
async fn purge_sessions_periodically(app: App) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        every.tick().await;
        match app.purge_expired_sessions().await {
            Ok(0) => {}
            Ok(purged) => tracing::info!(purged, "expired tokens deleted"),
            Err(error) => tracing::warn!(error = %error, "purging expired tokens failed; retrying later"),
        }
    }
}

/// Each hour, the month that is over gets its invoices if it has none yet
/// (idempotent: two instances may both try).
async fn bill_monthly(app: App) {
    let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
    loop {
        every.tick().await;
        let last_month = koprogo_domain::billing::Month::of(app.clock.today()).previous();
        if let Err(error) = app.run_billing(None, last_month).await {
            tracing::warn!(target: "koprogo::billing", error = %error, period = %last_month, "the monthly invoicing failed; retrying in an hour");
        }
    }
}

struct BackupSchedule {
    folder: std::path::PathBuf,
    every: std::time::Duration,
    keep: usize,
    passphrase: Option<String>,
}

/// A backup every `every` (the first one after one interval), the oldest
/// beyond `keep` removed; each outcome logged, the last success in /metrics.
async fn back_up_periodically(app: App, schedule: BackupSchedule) {
    let start = tokio::time::Instant::now() + schedule.every;
    let mut every = tokio::time::interval_at(start, schedule.every);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        match crate::backup::create(&app, &schedule.folder, schedule.passphrase.clone(), &indicatif::ProgressBar::hidden()).await {
            Ok((path, manifest)) => {
                app.operations.backup_succeeded(manifest.created_at);
                let rows: u64 = manifest.tables.iter().map(|t| t.rows).sum();
                tracing::info!(target: "koprogo::backup", path = %path.display(), rows, bytes = manifest.payload_bytes, "backup written");
                match crate::backup::prune(&schedule.folder, schedule.keep) {
                    Ok(removed) if !removed.is_empty() => {
                        tracing::info!(target: "koprogo::backup", removed = removed.len(), "old backups removed")
                    }
                    Ok(_) => {}
                    Err(error) => tracing::warn!(target: "koprogo::backup", error = %error, "removing old backups failed"),
                }
            }
            Err(error) => {
                tracing::error!(target: "koprogo::backup", error = %format!("{error:#}"), "backup failed; retrying at the next interval")
            }
        }
    }
}

/// Ctrl-C or SIGTERM: stop accepting, finish what is in flight.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down; finishing in-flight requests");
}

pub async fn migrate(args: &DatabaseArgs, file: &FileSettings) -> anyhow::Result<()> {
    open(args, file).await?;
    println!("migrations applied");
    Ok(())
}

pub async fn seed(args: SeedArgs, file: &FileSettings) -> anyhow::Result<()> {
    if !args.demo {
        bail!("say what to seed: `koprogo seed --demo`");
    }
    let app = app(&args.database, file, AppSettings::default()).await?;
    let Some(syndic) = crate::demo::seed_if_empty(&app).await? else {
        bail!("the database already holds data; the demo is only loaded into an empty database");
    };
    if let Some(times) = args.grow.filter(|t| *t > 0) {
        crate::demo::volume::grow_demo(&app, &syndic, times).await?;
    }
    if let Some(scale) = args.volume.filter(|s| *s > 0) {
        crate::demo::volume::seed_volume(&app, scale).await?;
    }
    if [args.grow, args.volume].into_iter().flatten().any(|n| n > 0) {
        // Plans chosen before autovacuum's first pass would be measured otherwise.
        app.refresh_statistics().await?;
    }
    Ok(())
}

pub async fn create_user(args: UserCreateArgs, file: &FileSettings) -> anyhow::Result<()> {
    let role = Role::parse(&args.role).map_err(|e| anyhow::anyhow!("--role {e}"))?;
    let app = app(&args.database, file, AppSettings::default()).await?;
    let generated = args.password.is_none();
    let password = match args.password {
        Some(password) => password,
        None => koprogo_app::auth::issue_token("")?.secret,
    };
    let user = app
        .create_user(NewAccount {
            email: &args.email,
            password: &password,
            first_name: &args.first_name,
            last_name: &args.last_name,
            language: Language::Fr,
            is_platform_admin: role == Role::PlatformAdmin,
            demo: false,
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e}: {e:?}"))?;
    if role != Role::PlatformAdmin {
        let organization = args.organization.context("--organization is required for this role")?;
        let tenant = match organization.parse::<uuid::Uuid>() {
            Ok(id) => TenantId::from_uuid(id),
            Err(_) => match app.organization_by_name(&organization).await? {
                Some(found) => found.id,
                None => app.create_organization(&organization).await.map_err(|e| anyhow::anyhow!("{e:?}"))?.id,
            },
        };
        let membership = Membership {
            tenant,
            user: user.id,
            role,
            owner: args.owner.map(OwnerId::from_uuid),
            buildings: args.buildings.into_iter().map(BuildingId::from_uuid).collect(),
        };
        app.grant_membership(membership).await.map_err(|e| anyhow::anyhow!("{e}: {e:?}"))?;
    }
    println!("created {} ({})", user.email.as_str(), role);
    if generated {
        println!("password: {password}");
    }
    Ok(())
}

pub async fn audit(command: crate::settings::AuditCommand, file: &FileSettings) -> anyhow::Result<()> {
    use crate::settings::AuditCommand;
    match command {
        AuditCommand::Verify(args) => crate::trust::verify(&app(&args.database, file, AppSettings::default()).await?, &args).await,
        AuditCommand::Head(args) => crate::trust::head(&app(&args.database, file, AppSettings::default()).await?, &args).await,
    }
}

pub async fn billing(command: crate::settings::BillingCommand, file: &FileSettings) -> anyhow::Result<()> {
    let crate::settings::BillingCommand::Run(args) = command;
    let app = app(&args.database, file, AppSettings::default()).await?.with_billing(args.billing.settings()?);
    let period = match &args.period {
        Some(raw) => koprogo_domain::billing::Month::parse(raw).map_err(|e| anyhow::anyhow!("--period {raw:?}: {e}"))?,
        None => koprogo_domain::billing::Month::of(app.clock.today()).previous(),
    };
    let made = app.run_billing(None, period).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    for invoice in &made {
        println!("{} {} {} buildings, total {}", invoice.number, invoice.tenant, invoice.lines.len(), invoice.total.to_decimal_string());
    }
    println!("{period}: {} invoices issued", made.len());
    Ok(())
}

pub async fn backup(args: crate::settings::BackupArgs, file: &FileSettings) -> anyhow::Result<()> {
    crate::trust::backup(&app(&args.database, file, AppSettings::default()).await?, &args).await
}
