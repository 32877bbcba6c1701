//! Facts about the data set as a whole (the `app_meta` table).

use super::StoreError;
use sqlx::{Any, Executor};

const DATASET_KEY: &str = "dataset";
/// Who drew the administrative boundaries the map shows, as their licence asks to be credited.
const BOUNDARY_CREDIT_KEY: &str = "boundary_credit";
const DEMO_DATASET: &str = "demo";

/// Whether the database currently holds the demo data set.
pub async fn is_demo<'e, E>(executor: E) -> Result<bool, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let value: Option<(String,)> =
        sqlx::query_as("SELECT value FROM app_meta WHERE key = $1").bind(DATASET_KEY).fetch_optional(executor).await?;
    Ok(value.is_some_and(|(value,)| value == DEMO_DATASET))
}

/// Marks the database as holding the demo data set.
pub async fn mark_demo<'e, E>(executor: E) -> Result<(), StoreError>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "INSERT INTO app_meta (key, value) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(DATASET_KEY)
    .bind(DEMO_DATASET)
    .execute(executor)
    .await?;
    Ok(())
}

/// The credit the map's attribution gives the boundaries in the database, if their source asks
/// for one (set by whoever loaded them; the demo sets its sources').
pub async fn boundary_credit<'e, E>(executor: E) -> Result<Option<String>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let value: Option<(String,)> = sqlx::query_as("SELECT value FROM app_meta WHERE key = $1")
        .bind(BOUNDARY_CREDIT_KEY)
        .fetch_optional(executor)
        .await?;
    Ok(value.map(|(value,)| value).filter(|value| !value.trim().is_empty()))
}

/// Records the credit of the boundaries in the database (see [`boundary_credit`]).
pub async fn set_boundary_credit<'e, E>(executor: E, credit: &str) -> Result<(), StoreError>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "INSERT INTO app_meta (key, value) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(BOUNDARY_CREDIT_KEY)
    .bind(credit)
    .execute(executor)
    .await?;
    Ok(())
}
