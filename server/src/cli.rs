//! Command-line interface. Every option can also come from the environment (see `.env.example`).

use crate::demo;
use app::domain::boundary_import::{self, ImportError};
use app::domain::{Db, StoreError};
use app::model::TileSource;
use app::state::AppState;
use clap::{Args, Parser, Subcommand};
use leptos::prelude::LeptosOptions;
use std::net::SocketAddr;
use std::path::PathBuf;

const OSM_TILES: &str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
const OSM_ATTRIBUTION: &str =
    "&copy; <a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a> contributors";

#[derive(Debug, Parser)]
#[command(
    name = "bandoso",
    version,
    about = "Bản Đồ Số: bản đồ số cho phong trào Bình dân học vụ số"
)]
pub struct Cli {
    /// Database: `sqlite://PATH` (embedded, created on first run) or `postgres://...`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/bandoso.db",
        global = true
    )]
    pub database_url: String,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Apply migrations and serve the web app and the API.
    Serve(ServeArgs),
    /// Apply pending migrations and exit.
    Migrate,
    /// Replace the data with the Thạch Thành demo data set (refuses to touch real data).
    SeedDemo,
    /// Import data from a file.
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Administrative boundaries: a GeoJSON FeatureCollection of Polygon/MultiPolygon features
    /// with `code` and `name` properties (and `level`, `parent_code` to create new units).
    Boundaries { file: PathBuf },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; 0.0.0.0:3000 makes it reachable from phones on the same network.
    #[arg(long, env = "BANDOSO_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    /// Folder holding the built site (`pkg/`, `vendor/`, icons), as cargo-leptos writes it.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
    /// Map tile URL template.
    #[arg(long, env = "BANDOSO_TILE_URL", default_value = OSM_TILES)]
    pub tile_url: String,
    /// Attribution shown for the tiles (HTML).
    #[arg(long, env = "BANDOSO_TILE_ATTRIBUTION", default_value = OSM_ATTRIBUTION)]
    pub tile_attribution: String,
    /// Load the demo data set when the database is empty (never overwrites data).
    #[arg(long, env = "BANDOSO_DEMO")]
    pub demo: bool,
}

/// Errors of a command-line run, printed as one readable message.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Import(String),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("server stopped: {0}")]
    Serve(std::io::Error),
    #[error(transparent)]
    Demo(#[from] demo::DemoError),
}

/// Opens the database and applies migrations: every command starts with this.
async fn open_database(url: &str) -> Result<Db, CliError> {
    let db = Db::connect(url).await?;
    db.migrate().await?;
    Ok(db)
}

pub async fn run(cli: Cli) -> Result<(), CliError> {
    let db = open_database(&cli.database_url).await?;
    match cli.command {
        Command::Migrate => {
            println!("migrations applied");
            Ok(())
        }
        Command::SeedDemo => {
            let counts = demo::reload(&db).await?;
            println!("demo data loaded: {counts}");
            Ok(())
        }
        Command::Import {
            what: ImportCommand::Boundaries { file },
        } => import_boundaries(&db, file).await,
        Command::Serve(args) => serve(db, args).await,
    }
}

async fn import_boundaries(db: &Db, file: PathBuf) -> Result<(), CliError> {
    let text = tokio::fs::read_to_string(&file)
        .await
        .map_err(|source| CliError::Read {
            path: file.clone(),
            source,
        })?;
    match boundary_import::import_boundaries(db, &text).await {
        Ok(summary) => {
            println!(
                "{}: {} created, {} updated",
                file.display(),
                summary.created,
                summary.updated
            );
            Ok(())
        }
        Err(ImportError::Rejected(problems)) => {
            let lines: Vec<String> = problems.iter().map(|p| format!("  {p}")).collect();
            Err(CliError::Import(format!(
                "{}: nothing imported, {} problem(s):\n{}",
                file.display(),
                problems.len(),
                lines.join("\n")
            )))
        }
        Err(ImportError::Store(error)) => Err(error.into()),
    }
}

async fn serve(db: Db, args: ServeArgs) -> Result<(), CliError> {
    if args.demo && demo::load_if_empty(&db).await? {
        tracing::info!("database was empty: demo data loaded");
    }
    let leptos_options = LeptosOptions::builder()
        .output_name("bandoso")
        .site_root(args.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(args.addr)
        .build();
    let state = AppState {
        leptos_options,
        db,
        tiles: TileSource {
            url: args.tile_url,
            attribution: args.tile_attribution,
        },
    };
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|source| CliError::Listen {
            addr: args.addr,
            source,
        })?;
    tracing::info!("serving on http://{}", args.addr);
    axum::serve(listener, crate::app(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(CliError::Serve)
}

/// Resolves on Ctrl-C or SIGTERM so in-flight requests finish before the process exits.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
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
        () = ctrl_c => {},
        () = terminate => {},
    }
}
