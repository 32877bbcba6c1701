//! Facts about the data set as a whole (the `app_meta` table).

use super::StoreError;
use sqlx::{Any, Executor};

const DATASET_KEY: &str = "dataset";
const DEMO_DATASET: &str = "demo";
/// Who drew the administrative boundaries the map shows, as their licence asks to be credited.
const BOUNDARY_CREDIT_KEY: &str = "boundary_credit";

/// Whether the database currently holds the demo data set.
pub async fn is_demo<'e, E>(executor: E) -> Result<bool, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    Ok(get(executor, DATASET_KEY).await?.is_some_and(|value| value == DEMO_DATASET))
}

/// Marks the database as holding the demo data set.
pub async fn mark_demo<'e, E>(executor: E) -> Result<(), StoreError>
where
    E: Executor<'e, Database = Any>,
{
    set(executor, DATASET_KEY, DEMO_DATASET).await
}

/// The credit the map's attribution gives the boundaries in the database, if their source asks
/// for one (set by whoever loaded them; the demo sets its sources').
pub async fn boundary_credit<'e, E>(executor: E) -> Result<Option<String>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    Ok(get(executor, BOUNDARY_CREDIT_KEY).await?.filter(|value| !value.trim().is_empty()))
}

/// Records the credit of the boundaries in the database (see [`boundary_credit`]).
pub async fn set_boundary_credit<'e, E>(executor: E, credit: &str) -> Result<(), StoreError>
where
    E: Executor<'e, Database = Any>,
{
    set(executor, BOUNDARY_CREDIT_KEY, credit).await
}

async fn get<'e, E>(executor: E, key: &str) -> Result<Option<String>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let value: Option<(String,)> =
        sqlx::query_as("SELECT value FROM app_meta WHERE key = $1").bind(key).fetch_optional(executor).await?;
    Ok(value.map(|(value,)| value))
}

async fn set<'e, E>(executor: E, key: &str, value: &str) -> Result<(), StoreError>
where
    E: Executor<'e, Database = Any>,
{
    sqlx::query(
        "INSERT INTO app_meta (key, value) VALUES ($1, $2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .bind(key)
    .bind(value)
    .execute(executor)
    .await?;
    Ok(())
}
