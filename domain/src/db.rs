//! One connection pool for SQLite or PostgreSQL behind sqlx's `Any` driver.
//!
//! Queries are written once in portable SQL (`$1` placeholders, text timestamps, no
//! dialect-only functions) and run on both backends; only the migrations differ per dialect.

use super::StoreError;
use model::said;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyPool, Executor};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("../migrations/postgres");

/// How PostgreSQL databases are backed up and restored: with PostgreSQL's own tools, which copy
/// a live database consistently.
pub const POSTGRES_BACKUP_HELP: &str = "PostgreSQL databases are backed up with pg_dump: \
     pg_dump --format=custom --file=bandoso.dump \"$DATABASE_URL\", and restored with \
     pg_restore --clean --if-exists --dbname=\"$DATABASE_URL\" bandoso.dump";
/// [`POSTGRES_BACKUP_HELP`] in Vietnamese.
pub const POSTGRES_BACKUP_HELP_VI: &str = "Cơ sở dữ liệu PostgreSQL được sao lưu bằng pg_dump: \
     pg_dump --format=custom --file=bandoso.dump \"$DATABASE_URL\", và khôi phục bằng \
     pg_restore --clean --if-exists --dbname=\"$DATABASE_URL\" bandoso.dump";

/// Which database engine a URL points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Picks the backend from the URL scheme.
    pub fn from_url(url: &str) -> Result<Backend, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            let scheme = url.split(':').next().unwrap_or_default();
            Err(StoreError::Invalid(said(
                format!("DATABASE_URL must start with sqlite: or postgres://, got '{scheme}'"),
                format!("DATABASE_URL phải bắt đầu bằng sqlite: hoặc postgres://, nhận được '{scheme}'"),
            )))
        }
    }
}

/// The application's database handle; cheap to clone (the pool is shared).
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

impl Db {
    /// Opens a pool. For SQLite the file and its folder are created if missing, and every
    /// connection runs in WAL mode with foreign keys on, full synchronous commits, and a busy
    /// timeout, so concurrent writers wait for each other instead of failing.
    pub async fn connect(url: &str) -> Result<Db, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let url = match backend {
            Backend::Sqlite => sqlite_url_creating_folder(url)?,
            Backend::Postgres => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 4,
                Backend::Postgres => 10,
            })
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |connection, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        connection.execute("PRAGMA journal_mode = WAL").await?;
                        connection.execute("PRAGMA foreign_keys = ON").await?;
                        connection.execute("PRAGMA busy_timeout = 5000").await?;
                        // FULL: a commit is on disk before it is acknowledged, so a record a phone
                        // has handed over (and then forgets) survives a power cut, not only a
                        // crash of the server. The sync commits once per batch, so the flush is
                        // paid per batch, not per record.
                        connection.execute("PRAGMA synchronous = FULL").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        Ok(Db { pool, backend })
    }

    /// Applies the pending migrations of this backend's dialect.
    ///
    /// SQLite cannot drop a constraint, so some migrations rebuild a table (copy, drop, rename).
    /// SQLite's documented procedure for that needs foreign keys off, and the pragma is ignored
    /// inside the transaction each migration runs in: the migrations therefore run on one
    /// connection with foreign keys switched off before, then every reference is checked
    /// (`PRAGMA foreign_key_check`) and foreign keys switched back on before the connection
    /// returns to the pool.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match self.backend {
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
            Backend::Sqlite => {
                let mut connection = self.pool.acquire().await?;
                connection.execute("PRAGMA foreign_keys = OFF").await?;
                let migrated = SQLITE_MIGRATIONS.run(&mut *connection).await;
                let dangling = sqlx::query("PRAGMA foreign_key_check").fetch_all(&mut *connection).await;
                connection.execute("PRAGMA foreign_keys = ON").await?;
                migrated?;
                let dangling = dangling?.len();
                if dangling > 0 {
                    return Err(StoreError::Corrupt(format!(
                        "{dangling} rows refer to rows that do not exist after migrating; \
                         see PRAGMA foreign_key_check"
                    )));
                }
            }
        }
        crate::figures::rebuild_if_stale(self).await
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`): a transaction that reads first and writes later would otherwise fail
    /// ("database is locked") when another writer commits in between, instead of waiting its turn
    /// within the busy timeout. PostgreSQL's row locks already make writers wait.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// Writes a consistent copy of a live SQLite database to `target` (`VACUUM INTO`: one read
    /// transaction, so writers carry on and the copy holds exactly the commits before it began).
    /// PostgreSQL databases are copied with `pg_dump`, as the error says.
    pub async fn backup_into(&self, target: &Path) -> Result<(), StoreError> {
        if self.backend == Backend::Postgres {
            return Err(StoreError::Invalid(said(POSTGRES_BACKUP_HELP, POSTGRES_BACKUP_HELP_VI)));
        }
        if target.exists() {
            return Err(StoreError::Invalid(said(
                format!("{} exists already; a backup never overwrites a file", target.display()),
                format!("{} đã có; bản sao lưu không bao giờ ghi đè lên tệp", target.display()),
            )));
        }
        let target_text = target.to_str().ok_or_else(|| {
            StoreError::Invalid(said(
                format!("{} is not a UTF-8 path", target.display()),
                format!("{} không phải đường dẫn UTF-8", target.display()),
            ))
        })?;
        sqlx::query("VACUUM INTO $1").bind(target_text).execute(&self.pool).await?;
        Ok(())
    }

    /// Answers whether the database responds to a trivial query (health checks).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes every connection; used by tests before dropping their database.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Adds `mode=rwc` (create if missing) to a SQLite URL and creates the file's folder, so the first
/// `make run` on a fresh clone needs no set-up step.
/// The file of a `sqlite:` URL (`None` for an in-memory database).
pub fn sqlite_path(url: &str) -> Option<&Path> {
    let path = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:").split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| Path::new(path))
}

fn sqlite_url_creating_folder(url: &str) -> Result<String, StoreError> {
    let path_part =
        url.trim_start_matches("sqlite://").trim_start_matches("sqlite:").split('?').next().unwrap_or_default();
    if !path_part.is_empty() && path_part != ":memory:" {
        if let Some(folder) = Path::new(path_part).parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder).map_err(|error| {
                StoreError::Invalid(said(
                    format!("cannot create database folder {}: {error}", folder.display()),
                    format!("không tạo được thư mục cơ sở dữ liệu {}: {error}", folder.display()),
                ))
            })?;
        }
    }
    Ok(if url.contains("mode=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    })
}

/// An optional float as a `(present, value)` pair, for SQL written `CASE WHEN $flag THEN $value END`.
///
/// sqlx 0.8's `Any` driver binds a NULL `f64` as a PostgreSQL `float4` (its Real/Double null kinds
/// are swapped), and the statement cached with that type then rejects every non-NULL `f64`. Binding
/// a concrete float plus a flag keeps the parameter types stable on both databases.
pub fn nullable_f64(value: Option<f64>) -> (bool, f64) {
    (value.is_some(), value.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_rows_then_columns() {
        assert_eq!(values_placeholders(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(values_placeholders(1, 1), "($1)");
    }

    #[test]
    fn backend_follows_the_url_scheme() {
        assert_eq!(Backend::from_url("sqlite://data/x.db").ok(), Some(Backend::Sqlite));
        assert_eq!(Backend::from_url("postgres://u@h/db").ok(), Some(Backend::Postgres));
        assert!(Backend::from_url("mysql://h/db").is_err());
    }
}

/// A page of a listing: at most `limit` rows after skipping `offset`, in the listing's stable
/// order. Listings that can grow without bound (histories, audit) always take one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Page {
    pub limit: i64,
    pub offset: i64,
}

impl Page {
    /// Everything: for internal callers that need the whole listing.
    pub const ALL: Page = Page { limit: i64::MAX, offset: 0 };

    /// The first `limit` rows.
    pub const fn first(limit: i64) -> Page {
        Page { limit, offset: 0 }
    }
}

/// `($1, $2, …), ($k+1, …), …`: the VALUES list of a multi-row INSERT of `rows` rows of `columns`
/// parameters each. Bulk imports insert in chunks with it: one statement per chunk instead of one
/// per row is what makes a 50,000-row file take seconds (sqlx's `QueryBuilder` cannot be used
/// with the `Any` driver, whose placeholders are dialect-specific).
pub fn values_placeholders(rows: usize, columns: usize) -> String {
    (0..rows)
        .map(|row| {
            let cells: Vec<String> = (1..=columns).map(|column| format!("${}", row * columns + column)).collect();
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Rows per statement of a chunked bulk write: well under SQLite's 32,766 and PostgreSQL's
/// 65,535 parameters for the widest row written this way.
pub const BULK_CHUNK_ROWS: usize = 500;
