//! The domain layer: the database, its queries and the rules around them. Server functions (for
//! the UI) and the REST API (for operators and exports) both call into here, so no rule is
//! written twice. Compiled only on the server (`ssr`).

pub mod access;
pub mod accounts;
pub mod admin_units;
pub mod audit;
pub mod auth_backend;
pub mod boundary_import;
pub mod coverage;
pub mod csv_import;
pub mod cultural_houses;
pub mod db;
pub mod donations;
pub mod field;
pub mod geometry;
pub mod indicators;
pub mod layer_cache;
pub mod map_layers;
pub mod meta;
pub mod sessions;
pub mod throttle;
pub mod tokens;
pub mod visit_edits;

pub use db::{Backend, Db};

/// What can go wrong below the HTTP layer. Database detail stays in here: the layers above log it
/// and answer with a generic message.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error(transparent)]
    Denied(#[from] access::Denied),
    /// The record changed since the version the writer read.
    #[error("the record changed meanwhile: it is now at version {current_version}")]
    Conflict { current_version: i64 },
    #[error("{0}")]
    Invalid(String),
    /// The request is well-formed but the records' present state forbids it (no device left to
    /// allocate, a pledge already received): a 409 with the reason.
    #[error("{0}")]
    StateConflict(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// `NotFound` when an UPDATE matched no row: the record it names does not exist.
pub fn touched_a_row(result: &sqlx::any::AnyQueryResult) -> Result<(), StoreError> {
    if result.rows_affected() == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}

/// The current time as stored in every timestamp column: UTC, whole seconds, `Z` suffix, so that
/// text order is time order on both databases.
/// This year (UTC): the dashboard's default plan year.
pub fn current_year() -> i32 {
    time::OffsetDateTime::now_utc().year()
}

pub fn now_utc_text() -> String {
    format_utc(time::OffsetDateTime::now_utc())
}

/// Formats a moment the way timestamp columns store it.
pub fn format_utc(moment: time::OffsetDateTime) -> String {
    let utc = moment.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        utc.year(),
        u8::from(utc.month()),
        utc.day(),
        utc.hour(),
        utc.minute(),
        utc.second()
    )
}

/// Reads a date or UTC timestamp and returns it in the stored form.
pub fn normalise_moment(field: &str, value: &str) -> Result<String, StoreError> {
    read_moment(field, value).map_err(StoreError::from)
}

/// [`normalise_moment`] with the problem in both languages, for file imports.
pub fn read_moment(field: &str, value: &str) -> Result<String, csv_import::Said> {
    use time::format_description::well_known::Rfc3339;
    let value = value.trim();
    if let Ok(moment) = time::OffsetDateTime::parse(value, &Rfc3339) {
        return Ok(format_utc(moment));
    }
    let date_format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(value, &date_format).map(|date| format_utc(date.midnight().assume_utc())).map_err(|_| {
        csv_import::said(
            format!("{field}: expected YYYY-MM-DD or an RFC 3339 timestamp, got '{value}'"),
            format!("{field}: cần ngày dạng YYYY-MM-DD hoặc thời điểm RFC 3339, nhận được '{value}'"),
        )
    })
}
