//! Kept figures: the counts the leaders' answers need, per village and per unit of the time, by
//! quarter, kept up to date by the database's triggers as data is written (migration 0012 says
//! what is kept and why it stays exact). This module reads them ([`stocks`], [`tree`]) and
//! rebuilds them from the records ([`rebuild`]), which is both how a bulk load catches up and
//! the recount the tests hold the kept figures to.

pub mod rebuild;
pub mod stocks;
pub mod tree;

pub use rebuild::{pause, rebuild, rebuild_if_stale};
pub use stocks::{Area, Stocks, UnitStocks};
pub use tree::{Boundaries, UnitTree};

use crate::Backend;

/// SQL of the quarter (`2025-Q3`) of a text moment or day in `expression`.
pub(crate) fn quarter_sql(backend: Backend, expression: &str) -> String {
    match backend {
        Backend::Postgres => format!("quarter_of({expression})"),
        Backend::Sqlite => {
            format!("(substr({expression}, 1, 4) || '-Q' || ((CAST(substr({expression}, 6, 2) AS INTEGER) + 2) / 3))")
        }
    }
}

/// SQL of the later of two texts that compare in time order (moments, days, quarters).
pub(crate) fn later_sql(backend: Backend, first: &str, second: &str) -> String {
    match backend {
        Backend::Postgres => format!("GREATEST({first}, {second})"),
        Backend::Sqlite => format!("MAX({first}, {second})"),
    }
}
