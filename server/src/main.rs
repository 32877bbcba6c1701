//! The `bandoso` command: serve the app, migrate, load demo data, import boundaries.

use clap::Parser;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    server::init_tracing();
    let cli = server::cli::Cli::parse();
    match server::cli::run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("bandoso: {error}");
            ExitCode::FAILURE
        }
    }
}
