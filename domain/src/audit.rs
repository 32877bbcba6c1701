//! The audit trail: every write records who did it, when, to what, and the before/after state.

use super::access::Principal;
use super::StoreError;
use serde::Serialize;
use sqlx::{Any, Executor};

/// One audit entry as listed for admins.
#[derive(utoipa::ToSchema, Clone, Debug, PartialEq, Serialize, sqlx::FromRow)]
pub struct AuditEntry {
    pub id: i64,
    pub occurred_at: String,
    pub actor: String,
    pub action: String,
    pub entity_type: String,
    pub entity_id: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

/// Who wrote: a principal, or the command line (operators at the server's console).
#[derive(Clone, Copy, Debug)]
pub enum Actor<'a> {
    Principal(&'a Principal),
    CommandLine,
}

impl Actor<'_> {
    /// The audit log's `actor`, `user_id` and `token_id` for this actor.
    fn columns(self) -> (String, Option<i64>, Option<i64>) {
        match self {
            Actor::Principal(principal) => (principal.audit_name(), Some(principal.user_id), principal.token_id),
            Actor::CommandLine => ("command line".to_owned(), None, None),
        }
    }
}

/// What one write did: the action, the entity it touched, and its state before and after (as
/// JSON; `None` where there is no state, e.g. before a creation).
#[derive(Clone, Copy, Debug)]
pub struct Change<'a> {
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: &'a str,
    pub before: Option<&'a serde_json::Value>,
    pub after: Option<&'a serde_json::Value>,
}

/// Records one write, inside the caller's transaction so the entry exists exactly when the change does.
pub async fn record<'e, E>(executor: E, actor: Actor<'_>, change: &Change<'_>) -> Result<(), StoreError>
where
    E: Executor<'e, Database = Any>,
{
    let (name, user_id, token_id) = actor.columns();
    sqlx::query(
        "INSERT INTO audit_log (occurred_at, actor, user_id, token_id, action, entity_type, entity_id, before_json, after_json)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(super::now_utc_text())
    .bind(name)
    .bind(user_id)
    .bind(token_id)
    .bind(change.action)
    .bind(change.entity_type)
    .bind(change.entity_id)
    .bind(change.before.map(|value| value.to_string()))
    .bind(change.after.map(|value| value.to_string()))
    .execute(executor)
    .await?;
    Ok(())
}

/// A change to record later in the same transaction, its state owned: a sync batch collects one
/// per stored record and writes them together with [`record_all`].
#[derive(Clone, Debug)]
pub struct PendingChange {
    pub action: &'static str,
    pub entity_type: &'static str,
    pub entity_id: String,
    pub after: serde_json::Value,
}

/// Records one actor's writes in multi-row statements, inside the caller's transaction (so, as
/// with [`record`], the entries exist exactly when the changes do).
pub async fn record_all(
    tx: &mut sqlx::Transaction<'_, Any>,
    actor: Actor<'_>,
    changes: &[PendingChange],
) -> Result<(), StoreError> {
    use super::db::{values_placeholders, BULK_CHUNK_ROWS};
    let (name, user_id, token_id) = actor.columns();
    let occurred_at = super::now_utc_text();
    for chunk in changes.chunks(BULK_CHUNK_ROWS) {
        let sql = format!(
            "INSERT INTO audit_log (occurred_at, actor, user_id, token_id, action, entity_type, entity_id, before_json, after_json)
             VALUES {}",
            values_placeholders(chunk.len(), 9)
        );
        let mut query = sqlx::query(&sql);
        for change in chunk {
            query = query
                .bind(occurred_at.clone())
                .bind(name.clone())
                .bind(user_id)
                .bind(token_id)
                .bind(change.action)
                .bind(change.entity_type)
                .bind(change.entity_id.clone())
                .bind(None::<String>)
                .bind(change.after.to_string());
        }
        query.execute(&mut **tx).await?;
    }
    Ok(())
}

/// The history of one entity, newest first.
pub async fn for_entity<'e, E>(
    executor: E,
    entity_type: &str,
    entity_id: &str,
    page: super::db::Page,
) -> Result<Vec<AuditEntry>, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    Ok(sqlx::query_as(
        "SELECT id, occurred_at, actor, action, entity_type, entity_id, before_json, after_json
         FROM audit_log WHERE entity_type = $1 AND entity_id = $2
         ORDER BY occurred_at DESC, id DESC
         LIMIT $3 OFFSET $4",
    )
    .bind(entity_type)
    .bind(entity_id)
    .bind(page.limit)
    .bind(page.offset)
    .fetch_all(executor)
    .await?)
}
