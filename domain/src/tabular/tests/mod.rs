//! The reader's tests: every format of one table reads the same rows; every unreadable file and
//! bad cell says what to fix, in both languages.

mod common;
mod formats;
mod problems;
