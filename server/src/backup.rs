//! `bandoso backup` and `bandoso restore` for the embedded SQLite database. (PostgreSQL: pg_dump
//! and pg_restore, see `domain::db::POSTGRES_BACKUP_HELP`.)
//!
//! A restore never destroys what it replaces: the current database file is kept beside it as
//! `NAME.before-restore-TIMESTAMP`, so restoring the wrong file loses nothing.

use domain::db::{sqlite_path, Backend, POSTGRES_BACKUP_HELP, POSTGRES_BACKUP_HELP_VI};
use domain::{Db, StoreError};
use model::said;
use std::path::{Path, PathBuf};

/// What went wrong with a restore, in words for the command line.
#[derive(Debug, thiserror::Error)]
pub enum RestoreError {
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{0} is not a Bản Đồ Số backup: {1}")]
    NotABackup(PathBuf, String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> RestoreError + '_ {
    move |source| RestoreError::Io { path: path.to_owned(), source }
}

/// Replaces the SQLite database of `database_url` with the backup `file` (stop the server first).
/// The backup is checked before anything is touched; the current file is kept aside; the restored
/// database is migrated, so an older backup comes back at the current schema. Returns where the
/// previous database was kept, if there was one.
pub async fn restore(file: &Path, database_url: &str) -> Result<Option<PathBuf>, RestoreError> {
    if Backend::from_url(database_url)? == Backend::Postgres {
        return Err(StoreError::Invalid(said(POSTGRES_BACKUP_HELP, POSTGRES_BACKUP_HELP_VI)).into());
    }
    let target = sqlite_path(database_url)
        .ok_or_else(|| {
            StoreError::Invalid(said(
                "an in-memory database cannot be restored into",
                "không thể khôi phục vào cơ sở dữ liệu trong bộ nhớ",
            ))
        })?
        .to_owned();
    check_backup(file).await?;

    let staging = target.with_extension("restoring");
    std::fs::copy(file, &staging).map_err(io(&staging))?;
    let kept = if target.exists() {
        let stamp = domain::now_utc_text().replace(':', "");
        let kept = PathBuf::from(format!("{}.before-restore-{stamp}", target.display()));
        std::fs::rename(&target, &kept).map_err(io(&target))?;
        Some(kept)
    } else {
        None
    };
    // The write-ahead log of the old database must not be replayed into the restored one.
    for suffix in ["-wal", "-shm"] {
        let stale = PathBuf::from(format!("{}{suffix}", target.display()));
        if stale.exists() {
            std::fs::remove_file(&stale).map_err(io(&stale))?;
        }
    }
    std::fs::rename(&staging, &target).map_err(io(&target))?;
    let db = Db::connect(database_url).await?;
    db.migrate().await?;
    db.close().await;
    Ok(kept)
}

/// A backup is a SQLite file holding this application's migrations table.
async fn check_backup(file: &Path) -> Result<(), RestoreError> {
    if !file.is_file() {
        return Err(RestoreError::NotABackup(file.to_owned(), "no such file".to_owned()));
    }
    let mut header = [0_u8; 16];
    let read = std::fs::File::open(file).and_then(|mut opened| std::io::Read::read_exact(&mut opened, &mut header));
    if read.is_err() || &header != b"SQLite format 3\0" {
        return Err(RestoreError::NotABackup(file.to_owned(), "not a SQLite database".to_owned()));
    }
    // Read-only and without the application's connection settings: checking a backup must not
    // change it (not even its journal mode).
    use sqlx::Connection;
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(file).read_only(true);
    let mut connection = sqlx::SqliteConnection::connect_with(&options).await.map_err(StoreError::from)?;
    let migrations: Result<(i64,), sqlx::Error> =
        sqlx::query_as("SELECT COUNT(*) FROM _sqlx_migrations").fetch_one(&mut connection).await;
    let _ = connection.close().await;
    match migrations {
        Ok((count,)) if count > 0 => Ok(()),
        _ => Err(RestoreError::NotABackup(file.to_owned(), "it holds no Bản Đồ Số schema".to_owned())),
    }
}
