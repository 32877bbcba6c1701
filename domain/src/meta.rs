//! Facts about the data set as a whole (the `app_meta` table).

use super::StoreError;
use sqlx::{Any, Executor};

const DATASET_KEY: &str = "dataset";
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
