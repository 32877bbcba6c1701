//! The two migration sets (SQLite and PostgreSQL dialects) must build the same schema: the same
//! queries run on both, so a column, an index or a named constraint added to one dialect only is
//! a bug waiting for the other database.

use bandoso_tests::TestDb;
use std::collections::BTreeSet;

/// One fact of a schema, comparable across the two dialects.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Fact {
    /// Table, column, the kind of its type, and whether it may be NULL.
    Column { table: String, column: String, kind: &'static str, nullable: bool },
    /// An index created by name (`CREATE INDEX …`).
    Index { table: String, name: String },
    /// A constraint given a name (`CONSTRAINT name …`).
    Constraint { table: String, name: String },
}

/// The kind of a column's type as both dialects spell it.
fn kind(declared: &str) -> &'static str {
    match declared.to_ascii_lowercase().as_str() {
        "integer" | "bigint" | "smallint" => "integer",
        "real" | "double precision" | "float8" => "real",
        "text" | "character varying" => "text",
        "blob" | "bytea" => "bytes",
        "boolean" => "boolean",
        _ => "other",
    }
}

/// Tables only SQLite has, and why: its triggers cannot call functions, so the kept figures'
/// changes pass through these always-empty queue tables where PostgreSQL calls the functions
/// `figure_change()` and `recorder_change()` (migration 0012).
const SQLITE_ONLY_TABLES: [&str; 2] = ["figure_change", "recorder_change"];

async fn sqlite_schema(test_db: &TestDb) -> BTreeSet<Fact> {
    let pool = test_db.db.pool();
    let sql = format!(
        "SELECT name, sql FROM sqlite_master
         WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' AND name NOT IN ({})",
        SQLITE_ONLY_TABLES.map(|table| format!("'{table}'")).join(", ")
    );
    let tables: Vec<(String, String)> = sqlx::query_as(&sql).fetch_all(pool).await.expect("tables");
    let mut facts = BTreeSet::new();
    for (table, sql) in tables {
        let columns: Vec<(String, String, i64, i64)> =
            sqlx::query_as(&format!("SELECT name, type, \"notnull\", pk FROM pragma_table_info('{table}')"))
                .fetch_all(pool)
                .await
                .expect("columns");
        for (column, declared, not_null, primary_key) in columns {
            let nullable = not_null == 0 && primary_key == 0;
            facts.insert(Fact::Column { table: table.clone(), column, kind: kind(&declared), nullable });
        }
        for name in named_constraints(&sql) {
            facts.insert(Fact::Constraint { table: table.clone(), name });
        }
    }
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT tbl_name, name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex_%'",
    )
    .fetch_all(pool)
    .await
    .expect("indexes");
    facts.extend(indexes.into_iter().map(|(table, name)| Fact::Index { table, name }));
    facts
}

/// The names in `CONSTRAINT name …` clauses of a `CREATE TABLE` statement.
fn named_constraints(create_table: &str) -> Vec<String> {
    let words: Vec<&str> = create_table.split_whitespace().collect();
    words.windows(2).filter(|pair| pair[0].eq_ignore_ascii_case("CONSTRAINT")).map(|pair| pair[1].to_owned()).collect()
}

async fn postgres_schema(test_db: &TestDb) -> BTreeSet<Fact> {
    let pool = test_db.db.pool();
    let columns: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT table_name::TEXT, column_name::TEXT, data_type::TEXT, is_nullable::TEXT FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .expect("columns");
    let mut facts: BTreeSet<Fact> = columns
        .into_iter()
        .map(|(table, column, declared, nullable)| Fact::Column {
            table,
            column,
            kind: kind(&declared),
            nullable: nullable == "YES",
        })
        .collect();
    // Constraints PostgreSQL names itself (primary and foreign keys, NOT NULL, inline CHECKs) are
    // not named by the migrations and have no name in SQLite.
    let constraints: Vec<(String, String)> = sqlx::query_as(
        "SELECT conrelid::regclass::TEXT, conname::TEXT FROM pg_constraint
         WHERE connamespace = 'public'::regnamespace AND contype IN ('c', 'u')
           AND conname NOT LIKE '%\\_check' AND conname NOT LIKE '%\\_not\\_null'",
    )
    .fetch_all(pool)
    .await
    .expect("constraints");
    facts.extend(constraints.into_iter().map(|(table, name)| Fact::Constraint { table, name }));
    // Indexes that back a primary key or a named unique constraint are the constraint's, not an
    // index of their own (as in SQLite, where they are `sqlite_autoindex_…`).
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT tablename::TEXT, indexname::TEXT FROM pg_indexes
         WHERE schemaname = 'public' AND tablename <> '_sqlx_migrations'
           AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))",
    )
    .fetch_all(pool)
    .await
    .expect("indexes");
    facts.extend(indexes.into_iter().map(|(table, name)| Fact::Index { table, name }));
    facts
}

#[tokio::test]
async fn both_migration_sets_build_the_same_schema() {
    let sqlite = TestDb::sqlite().await;
    let Some(postgres) = TestDb::postgres().await else { return sqlite.finish().await };
    let (on_sqlite, on_postgres) = (sqlite_schema(&sqlite).await, postgres_schema(&postgres).await);
    let only_sqlite: Vec<&Fact> = on_sqlite.difference(&on_postgres).collect();
    let only_postgres: Vec<&Fact> = on_postgres.difference(&on_sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "the migrations differ:\n  only on SQLite: {only_sqlite:#?}\n  only on PostgreSQL: {only_postgres:#?}"
    );
    assert!(on_sqlite.len() > 100, "the comparison read the schema ({} facts)", on_sqlite.len());
    sqlite.finish().await;
    postgres.finish().await;
}
