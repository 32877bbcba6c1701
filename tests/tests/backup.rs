//! `bandoso backup` / `bandoso restore`: a consistent copy of a live SQLite database comes back
//! whole, a restore keeps what it replaces, and bad input changes nothing.

use bandoso_tests::TestDb;

const TABLES: [&str; 7] =
    ["admin_unit", "cultural_house", "wifi_change", "coverage_report", "household", "visit", "app_user"];

async fn counts(db: &domain::Db) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in TABLES {
        let (count,): (i64,) =
            sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(db.pool()).await.expect("count");
        counts.push(count);
    }
    counts
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_of_a_live_database_restores_the_same_data_and_keeps_what_it_replaced() {
    let test_db = TestDb::sqlite().await;
    server::demo::reload(&test_db.db).await.expect("demo");
    let folder = tempfile::tempdir().expect("temporary folder");
    let backup = folder.path().join("bandoso-backup.db");

    // A writer keeps committing while the backup is taken: the copy holds whole transactions.
    let writer = {
        let db = test_db.db.clone();
        tokio::spawn(async move {
            for round in 0..200 {
                sqlx::query("INSERT INTO app_meta (key, value) VALUES ($1, 'x')")
                    .bind(format!("backup-test-{round}"))
                    .execute(db.pool())
                    .await
                    .expect("concurrent write");
            }
        })
    };
    test_db.db.backup_into(&backup).await.expect("backup");
    writer.await.expect("writer");
    let at_backup = counts(&test_db.db).await;
    let again = test_db.db.backup_into(&backup).await.expect_err("never overwrites");
    assert!(again.to_string().contains("exists"), "{again}");

    // Into a database that exists: it is kept aside, the backup takes its place.
    let target = folder.path().join("restored.db");
    let url = format!("sqlite://{}", target.display());
    let other = domain::Db::connect(&url).await.expect("target");
    other.migrate().await.expect("migrate");
    other.close().await;
    let kept = server::backup::restore(&backup, &url).await.expect("restore").expect("previous database kept");
    assert!(kept.exists(), "{}", kept.display());
    let restored = domain::Db::connect(&url).await.expect("open restored");
    assert_eq!(counts(&restored).await, at_backup, "every table as it was");
    let (integrity,): (String,) =
        sqlx::query_as("PRAGMA integrity_check").fetch_one(restored.pool()).await.expect("integrity");
    assert_eq!(integrity, "ok");
    restored.close().await;

    // Bad input changes nothing.
    let not_a_backup = folder.path().join("notes.txt");
    std::fs::write(&not_a_backup, "không phải cơ sở dữ liệu").expect("write");
    let error = server::backup::restore(&not_a_backup, &url).await.expect_err("refused");
    assert!(error.to_string().contains("not a SQLite database"), "{error}");
    let missing = server::backup::restore(&folder.path().join("missing.db"), &url).await.expect_err("refused");
    assert!(missing.to_string().contains("no such file"), "{missing}");
    let restored = domain::Db::connect(&url).await.expect("open restored");
    assert_eq!(counts(&restored).await, at_backup, "a refused restore leaves the database alone");
    restored.close().await;
    test_db.finish().await;
}

#[tokio::test]
async fn postgresql_backups_are_made_with_pg_dump() {
    let Some(test_db) = TestDb::postgres().await else { return };
    let folder = tempfile::tempdir().expect("temporary folder");
    let error = test_db.db.backup_into(&folder.path().join("x.db")).await.expect_err("not for PostgreSQL");
    assert!(error.to_string().contains("pg_dump"), "{error}");
    let error = server::backup::restore(&folder.path().join("x.db"), &test_db.url).await.expect_err("not here");
    assert!(error.to_string().contains("pg_restore"), "{error}");
    test_db.finish().await;
}
