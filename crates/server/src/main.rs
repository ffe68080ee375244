//! The `koprogo` binary: settings, logs and the composition root.

mod backup;
mod commands;
mod demo;
mod erasures;
mod progress;
mod settings;
mod telemetry;
mod trust;

use clap::Parser;

/// mimalloc hands freed memory back to the system: a login's 19 MiB argon2
/// block does not stay resident as it does in glibc's per-thread arenas.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use settings::{Cli, Command, FileSettings};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let file = match FileSettings::load(&cli.config) {
        Ok(file) => file,
        Err(error) => {
            eprintln!("koprogo: {error:#}");
            return std::process::ExitCode::FAILURE;
        }
    };
    telemetry::init(cli.log.as_deref().or(file.log.as_deref()), cli.log_format.as_deref().or(file.log_format.as_deref()));
    let outcome = match cli.command {
        Command::Serve(args) => commands::serve(*args, &file).await,
        Command::Migrate(args) => commands::migrate(&args, &file).await,
        Command::Seed(args) => commands::seed(args, &file).await,
        Command::User(settings::UserCommand::Create(args)) => commands::create_user(args, &file).await,
        Command::Audit(command) => commands::audit(command, &file).await,
        Command::Backup(args) => commands::backup(args, &file).await,
        Command::Restore(args) => trust::restore(&args, &file).await,
        Command::Gdpr(command) => trust::gdpr(command, &file).await,
        Command::Billing(command) => commands::billing(command, &file).await,
    };
    match outcome {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("koprogo: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
