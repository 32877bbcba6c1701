//! The domain layer: the database, its queries and the rules around them. Server functions (for
//! the UI) and the REST API (for operators and exports) both call into here, so no rule is
//! written twice. It knows nothing of HTTP, sessions or pages: the web layers above adapt
//! requests to these functions.

pub mod access;
pub mod accounts;
pub mod admin_units;
pub mod audit;
pub mod boundary_import;
pub mod coverage;
pub mod cultural_houses;
pub mod db;
pub mod donations;
pub mod field;
pub mod figures;
pub mod geometry;
pub mod house_placement;
pub mod imports;
pub mod indicators;
pub mod map_layers;
pub mod meta;
pub mod params;
pub mod problems;
pub mod reference_imports;
pub mod reorganisation;
pub mod sync;
pub mod tabular;
pub mod text;
pub mod throttle;
pub mod tokens;
pub mod visit_edits;

pub use db::{Backend, Db};
pub use model::{said, Said};

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
    /// Input that breaks a rule, said in both languages so the person who typed it can read it.
    #[error("{0}")]
    Invalid(Said),
    /// The request is well-formed but the records' present state forbids it (no device left to
    /// allocate, a pledge already received, a name taken): a 409 with the reason.
    #[error("{0}")]
    StateConflict(Said),
    /// A file refused whole: every problem, by line or feature.
    #[error("the file was not imported: {} problem(s)", .0.len())]
    RejectedFile(Vec<imports::RowProblem>),
    /// A stored value the code does not know (a row edited by hand, or a newer version's data):
    /// a failure of the server, never blamed on the request.
    #[error("stored data is not readable: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<Said> for StoreError {
    fn from(said: Said) -> Self {
        StoreError::Invalid(said)
    }
}

/// Runs CPU-heavy work (a file's parsing, geometry checks, password hashing) on the blocking pool,
/// so the async workers keep answering other requests (`/healthz` included) meanwhile. Never call
/// it inside an open write transaction: the work would hold the lock.
pub async fn off_the_runtime<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| StoreError::Corrupt(format!("background work failed: {error}")))
}

/// A name read from a stored column (a status, a kind): an unknown one fails loudly, as a
/// corrupt row, rather than being read as some default.
pub fn parse_stored<T>(column: &str, text: &str) -> Result<T, StoreError>
where
    T: std::str::FromStr<Err = model::UnknownValue>,
{
    text.parse().map_err(|error| StoreError::Corrupt(format!("{column}: {error}")))
}

/// Whether a database error is the violation of the unique constraint `constraint`. PostgreSQL
/// names the constraint; SQLite reports only that a unique constraint failed, so there the
/// caller's statement (which can break only `constraint`) is the witness.
pub fn violates_unique(error: &sqlx::Error, constraint: &str) -> bool {
    error.as_database_error().is_some_and(|database| {
        database.kind() == sqlx::error::ErrorKind::UniqueViolation
            && database.constraint().is_none_or(|name| name == constraint)
    })
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

/// A moment that has happened: read as [`read_moment`], not before `earliest` (stored form) and
/// not after tomorrow (a day's leeway for clocks and time zones). A report dated 9999 would stay
/// "the latest" for ever; one dated year 1 is a typo.
pub fn read_past_moment(field: &str, value: &str, earliest: &str) -> Result<String, Said> {
    let moment = read_moment(field, value)?;
    let latest = format_utc(time::OffsetDateTime::now_utc() + time::Duration::days(1));
    if moment.as_str() < earliest || moment > latest {
        let first = earliest.get(..10).unwrap_or(earliest);
        return Err(said(
            format!("{field}: {moment} is not a plausible date (from {first} to tomorrow)"),
            format!("{field}: ngày {moment} không hợp lý (từ {first} đến ngày mai)"),
        ));
    }
    Ok(moment)
}

/// The earliest date an installation or a verification of equipment may carry.
pub const EARLIEST_EQUIPMENT_DATE: &str = "1990-01-01T00:00:00Z";
/// The earliest date a coverage report may carry.
pub const EARLIEST_REPORT_DATE: &str = "2000-01-01T00:00:00Z";

/// [`normalise_moment`] with the problem in both languages, for file imports.
pub fn read_moment(field: &str, value: &str) -> Result<String, imports::Said> {
    use time::format_description::well_known::Rfc3339;
    let value = value.trim();
    if let Ok(moment) = time::OffsetDateTime::parse(value, &Rfc3339) {
        return Ok(format_utc(moment));
    }
    // Offices write dates day first (31/12/2025); the table reader knows every such form.
    let date_text = tabular::parse_date(value).ok().flatten().unwrap_or_default();
    let date_format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(&date_text, &date_format).map(|date| format_utc(date.midnight().assume_utc())).map_err(|_| {
        imports::said(
            format!("{field}: expected YYYY-MM-DD or an RFC 3339 timestamp, got '{value}'"),
            format!("{field}: cần ngày dạng YYYY-MM-DD hoặc thời điểm RFC 3339, nhận được '{value}'"),
        )
    })
}
