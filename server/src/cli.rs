//! Command-line interface. Every option can also come from the environment (see `.env.example`).

use crate::demo;
use app::state::{AppState, SessionSettings, StateParts};
use app::web::sessions::DbSessionStore;
use clap::{Args, Parser, Subcommand};
use domain::accounts::{self, NewUser};
use domain::audit::{self, Actor};
use domain::boundary_import::{self, BoundaryOptions};
use domain::imports::RowProblem;
use domain::reference_imports::{self, ReferenceKind};
use domain::reorganisation;
use domain::{Db, StoreError};
use leptos::prelude::LeptosOptions;
use model::{Role, TileSource};
use std::net::SocketAddr;
use std::path::PathBuf;
use tower_sessions::session_store::ExpiredDeletion;

const OSM_TILES: &str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
const OSM_ATTRIBUTION: &str =
    "&copy; <a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a> contributors";

#[derive(Debug, Parser)]
#[command(name = "bandoso", version, about = "Bản Đồ Số: bản đồ số cho phong trào Bình dân học vụ số")]
pub struct Cli {
    /// Database: `sqlite://PATH` (embedded, created on first run) or `postgres://...`.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/bandoso.db", global = true)]
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
    /// Manage accounts.
    User {
        #[command(subcommand)]
        what: UserCommand,
    },
    /// Telecom operators (Viettel, VNPT and MobiFone are there from the first run).
    Operator {
        #[command(subcommand)]
        what: OperatorCommand,
    },
    /// Write a consistent copy of the (live) SQLite database to FILE. PostgreSQL: use pg_dump.
    Backup { file: PathBuf },
    /// Replace the SQLite database with the backup FILE; stop the server first. The current
    /// database is kept beside it as NAME.before-restore-TIMESTAMP.
    Restore { file: PathBuf },
    /// Write brotli and gzip copies of the built site's scripts, styles and wasm beside them
    /// (`make build` runs it); the server sends a copy to every browser that accepts it.
    Precompress {
        #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
        site_root: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. Without BANDOSO_NEW_PASSWORD a random password is generated and printed once.
    Add(UserAddArgs),
}

#[derive(Debug, Subcommand)]
pub enum OperatorCommand {
    /// Add an operator, or rename one: CODE (letters a-z, digits, '-'; e.g. vietnamobile) and the
    /// NAME people know it by.
    Add { code: String, name: String },
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    /// Login name: letters a-z, digits, '.', '_' and '-'.
    pub username: String,
    /// admin, leader, commune_officer, team_member or telecom.
    #[arg(long)]
    pub role: Role,
    /// Administrative unit codes the account acts in, comma separated (all roles but admin).
    #[arg(long, value_delimiter = ',')]
    pub scope: Vec<String>,
    /// Operator code, for telecom accounts (e.g. viettel).
    #[arg(long)]
    pub operator: Option<String>,
    /// Name shown in the app (defaults to the username).
    #[arg(long)]
    pub display_name: Option<String>,
    /// The password; read from the environment so it stays out of shell history and `ps`.
    #[arg(long, env = "BANDOSO_NEW_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Administrative boundaries: a GeoJSON FeatureCollection of Polygon/MultiPolygon features
    /// with `code` and `name` properties (and `level`, `parent_code` to create new units;
    /// `valid_from` for a unit a reorganisation creates on that day).
    Boundaries {
        file: PathBuf,
        /// Repair rings that cross or touch themselves (and say which) instead of refusing them.
        #[arg(long)]
        repair: bool,
        /// Check everything and report, writing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// A reorganisation of units (e.g. the merger of communes of 1 July 2025): a CSV or XLSX
    /// table with columns old_code, new_code, new_name, effective_date and optionally old_name,
    /// legal_basis, new_parent_code. An empty new_code dissolves a district.
    Reorganisation {
        file: PathBuf,
        /// Check everything and report, writing nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Villages of communes: commune_code, name, and optionally code (made from the commune's
    /// code and the name when absent) and unit_type (thôn, bản, khu phố, tổ dân phố).
    Villages(ReferenceFile),
    /// Cultural houses: village_code, name, and optionally code, lat, lon, wifi_status, provider.
    CulturalHouses(ReferenceFile),
    /// A household list: village_code, label, and optionally poor, near_poor, ethnic_minority,
    /// elderly, disability, adults, has_smartphone, lat, lon.
    Households(ReferenceFile),
    /// Accounts: username, display_name, role, scope (unit codes), operator; each new account's
    /// password is printed once.
    Accounts(ReferenceFile),
}

/// A reference-data file (XLSX, ODS or CSV/TSV text; English or Vietnamese headers, see the
/// templates at /api/v1/imports/templates/KIND.xlsx).
#[derive(Debug, Args)]
pub struct ReferenceFile {
    file: PathBuf,
    /// Check everything and report, writing nothing.
    #[arg(long)]
    dry_run: bool,
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
    /// Mark the session cookie Secure (HTTPS only); set it whenever the site is served over TLS.
    #[arg(long, env = "BANDOSO_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Addresses or CIDR networks of the proxies in front of the server (e.g. `127.0.0.1` for a
    /// TLS proxy on the same machine), comma separated. Their `Forwarded` / `X-Forwarded-For`
    /// headers name the client; nobody else's are believed. Empty: none.
    #[arg(long, env = "BANDOSO_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: app::web::client::TrustedProxies,
    /// Password of the first admin account, created when no admin exists; without it a random
    /// password is generated and printed once.
    #[arg(long, env = "BANDOSO_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,
    /// Minutes without a request after which a browser session ends.
    #[arg(long, env = "BANDOSO_SESSION_IDLE_MINUTES", default_value_t = 12 * 60)]
    pub session_idle_minutes: u64,
}

/// Errors of a command-line run, printed as one readable message.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{0}")]
    Import(String),
    #[error("cannot listen on {addr}: {source}")]
    Listen { addr: SocketAddr, source: std::io::Error },
    #[error("server stopped: {0}")]
    Serve(std::io::Error),
    #[error(transparent)]
    Demo(#[from] demo::DemoError),
    #[error(transparent)]
    Restore(#[from] crate::backup::RestoreError),
    #[error(transparent)]
    Precompress(#[from] crate::precompress::PrecompressError),
}

/// Opens the database and applies migrations: every command starts with this.
async fn open_database(url: &str) -> Result<Db, CliError> {
    let db = Db::connect(url).await?;
    db.migrate().await?;
    Ok(db)
}

pub async fn run(cli: Cli) -> Result<(), CliError> {
    // Backup and restore run before the database is opened as usual: a backup writes nothing to
    // it (not even migrations), and a restore is about to replace its file.
    match &cli.command {
        Command::Backup { file } => {
            let db = Db::connect(&cli.database_url).await?;
            db.backup_into(file).await?;
            println!("backup written to {}", file.display());
            return Ok(());
        }
        Command::Restore { file } => {
            let kept = crate::backup::restore(file, &cli.database_url).await?;
            println!("restored {}", file.display());
            if let Some(kept) = kept {
                println!("the previous database is kept as {}", kept.display());
            }
            return Ok(());
        }
        Command::Precompress { site_root } => {
            let outcome = crate::precompress::precompress(site_root)?;
            println!(
                "{}: {} files given brotli and gzip copies, {} already up to date",
                site_root.display(),
                outcome.written,
                outcome.up_to_date
            );
            return Ok(());
        }
        _ => {}
    }
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
        Command::Import { what: ImportCommand::Boundaries { file, repair, dry_run } } => {
            import_boundaries(&db, file, BoundaryOptions { dry_run, repair }).await
        }
        Command::Import { what: ImportCommand::Reorganisation { file, dry_run } } => {
            import_reorganisation(&db, file, dry_run).await
        }
        Command::Import { what: ImportCommand::Villages(file) } => {
            import_reference(&db, ReferenceKind::Villages, file).await
        }
        Command::Import { what: ImportCommand::CulturalHouses(file) } => {
            import_reference(&db, ReferenceKind::CulturalHouses, file).await
        }
        Command::Import { what: ImportCommand::Households(file) } => {
            import_reference(&db, ReferenceKind::Households, file).await
        }
        Command::Import { what: ImportCommand::Accounts(file) } => {
            import_reference(&db, ReferenceKind::Accounts, file).await
        }
        Command::User { what: UserCommand::Add(args) } => add_user(&db, args).await,
        Command::Operator { what: OperatorCommand::Add { code, name } } => {
            domain::coverage::add_operator(&db, &code, &name, Actor::CommandLine).await?;
            eprintln!("Operator '{}' is known as '{}'.", code.trim().to_lowercase(), name.trim());
            Ok(())
        }
        Command::Serve(args) => serve(db, args).await,
        // Handled above, before the database is opened.
        Command::Backup { .. } | Command::Restore { .. } | Command::Precompress { .. } => Ok(()),
    }
}

async fn add_user(db: &Db, args: UserAddArgs) -> Result<(), CliError> {
    let generated = args.password.is_none();
    let password = args.password.unwrap_or_else(accounts::generate_password);
    let username = args.username.trim().to_owned();
    create_account(
        db,
        &NewAccount {
            username: &username,
            display_name: args.display_name.as_deref().unwrap_or(&username),
            password: &password,
            role: args.role,
            operator: args.operator.as_deref(),
            scope_codes: &args.scope,
        },
    )
    .await?;
    println!("account {username} created ({})", args.role);
    if generated {
        println!("password (shown once; change it after signing in): {password}");
    }
    Ok(())
}

/// An account to create from the command line, before its password is hashed.
struct NewAccount<'a> {
    username: &'a str,
    display_name: &'a str,
    password: &'a str,
    role: Role,
    operator: Option<&'a str>,
    scope_codes: &'a [String],
}

/// Creates an account in one transaction with its audit entry (actor: the command line).
async fn create_account(db: &Db, account: &NewAccount<'_>) -> Result<i64, CliError> {
    let password_hash = accounts::prepare_password(account.password).await?;
    let mut tx = db.begin_write().await?;
    let user = NewUser {
        username: account.username,
        display_name: account.display_name,
        password_hash: &password_hash,
        role: account.role,
        operator: account.operator,
        scope_codes: account.scope_codes,
    };
    let id = accounts::insert(&mut tx, &user).await?;
    let after = serde_json::json!({
        "username": account.username,
        "role": account.role,
        "operator": account.operator,
        "scope": account.scope_codes,
    });
    audit::record(
        &mut *tx,
        Actor::CommandLine,
        &audit::Change {
            action: "create",
            entity_type: "user",
            entity_id: &id.to_string(),
            before: None,
            after: Some(&after),
        },
    )
    .await?;
    tx.commit().await.map_err(StoreError::from)?;
    Ok(id)
}

/// Makes sure an admin can sign in on a fresh installation: when no active admin exists, creates
/// `admin` with `BANDOSO_ADMIN_PASSWORD`, or with a random password printed once. There is never
/// a default password.
pub async fn ensure_first_admin(db: &Db, configured_password: Option<String>) -> Result<(), CliError> {
    if accounts::has_active_admin(db.pool()).await? {
        return Ok(());
    }
    let generated = configured_password.is_none();
    let password = configured_password.unwrap_or_else(accounts::generate_password);
    let account = NewAccount {
        username: "admin",
        display_name: "Quản trị hệ thống",
        password: &password,
        role: Role::Admin,
        operator: None,
        scope_codes: &[],
    };
    create_account(db, &account).await?;
    if generated {
        eprintln!(
            "First run: created account 'admin' with password {password} (shown once; change it after signing in)."
        );
    } else {
        eprintln!("First run: created account 'admin' with the password from BANDOSO_ADMIN_PASSWORD.");
    }
    Ok(())
}

async fn import_boundaries(db: &Db, file: PathBuf, options: BoundaryOptions) -> Result<(), CliError> {
    let bytes = tokio::fs::read(&file).await.map_err(|source| CliError::Read { path: file.clone(), source })?;
    let outcome = boundary_import::import_boundaries(db, &bytes, options, Actor::CommandLine)
        .await
        .map_err(|error| refused(&file, error))?;
    for repaired in &outcome.repaired {
        println!("  feature {} ({}): {}", repaired.feature, repaired.code, repaired.summary);
    }
    println!(
        "{}: {}{} created, {} updated, {} kept for units a reorganisation will create",
        file.display(),
        if outcome.dry_run { "dry run, nothing written: " } else { "" },
        outcome.created,
        outcome.updated,
        outcome.pending
    );
    Ok(())
}

async fn import_reorganisation(db: &Db, file: PathBuf, dry_run: bool) -> Result<(), CliError> {
    let bytes = tokio::fs::read(&file).await.map_err(|source| CliError::Read { path: file.clone(), source })?;
    let outcome =
        reorganisation::import(db, &bytes, dry_run, Actor::CommandLine).await.map_err(|error| refused(&file, error))?;
    println!(
        "{}: {}{} lines, {} units ended, {} created, {} moved to their new unit, {} accounts rescoped, \
         {} lines already applied",
        file.display(),
        if outcome.dry_run { "dry run, nothing written: " } else { "" },
        outcome.rows,
        outcome.ended,
        outcome.created,
        outcome.moved,
        outcome.accounts_rescoped,
        outcome.already_applied
    );
    if !outcome.ignored_columns.is_empty() {
        println!("  columns not read: {}", outcome.ignored_columns.join(", "));
    }
    Ok(())
}

async fn import_reference(db: &Db, kind: ReferenceKind, args: ReferenceFile) -> Result<(), CliError> {
    let ReferenceFile { file, dry_run } = args;
    let bytes = tokio::fs::read(&file).await.map_err(|source| CliError::Read { path: file.clone(), source })?;
    let outcome = reference_imports::import(db, kind, &bytes, dry_run, Actor::CommandLine)
        .await
        .map_err(|error| refused(&file, error))?;
    println!(
        "{}: {}{} lines, {} created, {} updated, {} unchanged",
        file.display(),
        if outcome.dry_run { "dry run, nothing written: " } else { "" },
        outcome.rows,
        outcome.created,
        outcome.updated,
        outcome.unchanged
    );
    if !outcome.ignored_columns.is_empty() {
        println!("  columns not read: {}", outcome.ignored_columns.join(", "));
    }
    for line in &outcome.sign_in_sheet {
        println!("  {}\t{}\t{} (shown once)", line.username, line.display_name, line.password);
    }
    Ok(())
}

/// A refused file's problems, one per line, each with where it is; other errors as they are.
fn refused(file: &std::path::Path, error: StoreError) -> CliError {
    let StoreError::RejectedFile(problems) = error else { return error.into() };
    let lines: Vec<String> = problems.iter().map(|problem| format!("  {}", where_and_what(problem))).collect();
    CliError::Import(format!(
        "{}: nothing imported, {} problem(s):\n{}",
        file.display(),
        problems.len(),
        lines.join("\n")
    ))
}

fn where_and_what(problem: &RowProblem) -> String {
    match (problem.line, problem.feature) {
        (Some(line), _) => format!("line {line}: {}", problem.message),
        (_, Some(feature)) => format!("feature {feature}: {}", problem.message),
        _ => problem.message.clone(),
    }
}

async fn serve(db: Db, args: ServeArgs) -> Result<(), CliError> {
    if args.demo && demo::load_if_empty(&db).await? {
        tracing::info!("database was empty: demo data loaded (accounts: README, password {})", demo::DEMO_PASSWORD);
    }
    ensure_first_admin(&db, args.admin_password.clone()).await?;
    match crate::precompress::remove_stale_copies(std::path::Path::new(&args.site_root)) {
        Ok(removed) if !removed.is_empty() => tracing::warn!(
            count = removed.len(),
            "removed compressed copies older than the files they copy; run `bandoso precompress` after a build"
        ),
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "could not check the site's compressed copies"),
    }
    let session_store = DbSessionStore::new(db.clone());
    tokio::spawn(async move {
        let mut every_quarter_hour = tokio::time::interval(std::time::Duration::from_secs(15 * 60));
        loop {
            every_quarter_hour.tick().await;
            if let Err(error) = session_store.delete_expired().await {
                tracing::warn!(%error, "could not delete expired sessions");
            }
        }
    });
    let leptos_options = LeptosOptions::builder()
        .output_name("bandoso")
        .site_root(args.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(args.addr)
        .build();
    let state = AppState::new(StateParts {
        leptos_options,
        db,
        tiles: TileSource { url: args.tile_url, attribution: args.tile_attribution },
        sessions: SessionSettings {
            secure_cookie: args.secure_cookies,
            idle_timeout: std::time::Duration::from_secs(args.session_idle_minutes.saturating_mul(60)),
        },
        map_layers: Default::default(),
        trusted_proxies: args.trusted_proxies,
    });
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|source| CliError::Listen { addr: args.addr, source })?;
    tracing::info!("serving on http://{}", args.addr);
    axum::serve(listener, crate::app(state).into_make_service_with_connect_info::<SocketAddr>())
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
