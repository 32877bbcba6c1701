//! Statements built together with their parameters. [`Params::bind`] keeps a value and answers
//! the placeholder (`$n`) to write where it goes, so a statement's text and its values cannot
//! fall out of step, however its clauses are combined (no hand-numbered `$12`, no dummy values
//! to line a shared clause up).

use crate::access::{Principal, Visibility};
use crate::StoreError;
use model::Role;
use sqlx::any::{AnyArguments, AnyRow};
use sqlx::error::BoxDynError;
use sqlx::query::{Query, QueryAs};
use sqlx::{Any, Arguments, Encode, Executor, FromRow, Type};

/// The values of one statement, in the order their placeholders were handed out.
#[derive(Default)]
pub struct Params<'q> {
    arguments: AnyArguments<'q>,
    /// The first value that could not be encoded; the statement then fails with it.
    failed: Option<BoxDynError>,
}

impl<'q> Params<'q> {
    pub fn new() -> Params<'q> {
        Params::default()
    }

    /// Keeps `value` and answers its placeholder.
    pub fn bind<T>(&mut self, value: T) -> String
    where
        T: 'q + Encode<'q, Any> + Type<Any>,
    {
        if let Err(error) = self.arguments.add(value) {
            self.failed.get_or_insert(error);
        }
        format!("${}", self.arguments.len())
    }

    /// The units of a principal's scope: admins act everywhere, everyone else within the units
    /// their account names and all below them.
    pub fn scope_of(&mut self, principal: &Principal) -> InScope {
        let everywhere = self.bind(principal.role == Role::Admin);
        let cte = scope_units(&self.bind(principal.user_id));
        InScope { cte, everywhere }
    }

    /// The units a listing may show a viewer ([`Visibility`]): everywhere, or an account's scope.
    pub fn visible_to(&mut self, visibility: Visibility) -> InScope {
        let everywhere = self.bind(visibility.scope_of_user.is_none());
        let cte = scope_units(&self.bind(visibility.scope_of_user.unwrap_or_default()));
        InScope { cte, everywhere }
    }

    /// The values, or the first that could not be encoded (a value the driver cannot send).
    fn arguments(self) -> Result<AnyArguments<'q>, StoreError> {
        match self.failed {
            Some(error) => Err(StoreError::Database(sqlx::Error::Encode(error))),
            None => Ok(self.arguments),
        }
    }

    /// The statement `sql` with these values, for rows read as `O`.
    pub fn query_as<'s, O>(self, sql: &'s str) -> Result<QueryAs<'s, Any, O, AnyArguments<'s>>, StoreError>
    where
        'q: 's,
        O: for<'r> FromRow<'r, AnyRow>,
    {
        Ok(sqlx::query_as_with(sql, self.arguments()?))
    }

    /// The statement `sql` with these values, for writes.
    pub fn query<'s>(self, sql: &'s str) -> Result<Query<'s, Any, AnyArguments<'s>>, StoreError>
    where
        'q: 's,
    {
        Ok(sqlx::query_with(sql, self.arguments()?))
    }
}

/// The clause `scope_units(id)` of every unit the account `user` names, all below them, and the
/// units they were made of before a reorganisation (with all below those), for a `WITH RECURSIVE`:
/// the officer of the commune made of Thành Trực and five others in July 2025 sees their
/// history, donations and reports too. The unit tree is walked in SQL, so a commune covers its
/// villages.
fn scope_units(user: &str) -> String {
    format!(
        "scope_units(id) AS (
             SELECT admin_unit_id FROM user_scope WHERE user_id = {user}
             UNION
             SELECT unit.id FROM admin_unit unit JOIN scope_units covering
                 ON unit.parent_id = covering.id OR unit.successor_id = covering.id
         )"
    )
}

/// A scope in SQL: [`InScope::cte`] goes after `WITH RECURSIVE`, [`InScope::covers`] in a
/// `WHERE`.
pub struct InScope {
    pub cte: String,
    /// The placeholder of "everywhere" (true for admins and unrestricted listings).
    everywhere: String,
}

impl InScope {
    /// The placeholder that is true when the scope is everywhere.
    pub fn everywhere(&self) -> &str {
        &self.everywhere
    }

    /// The condition that the unit whose id is in `column` lies within the scope.
    pub fn covers(&self, column: &str) -> String {
        format!("({} OR {column} IN (SELECT id FROM scope_units))", self.everywhere)
    }
}

/// Whether an administrative unit lies within a principal's scope (admins: always).
pub async fn unit_in_scope<'e, E>(executor: E, principal: &Principal, unit_id: i64) -> Result<bool, StoreError>
where
    E: Executor<'e, Database = Any>,
{
    if principal.role == Role::Admin {
        return Ok(true);
    }
    let mut params = Params::new();
    let scope = params.scope_of(principal);
    let sql =
        format!("WITH RECURSIVE {} SELECT COUNT(*) FROM scope_units WHERE id = {}", scope.cte, params.bind(unit_id));
    let (count,): (i64,) = params.query_as(&sql)?.fetch_one(executor).await?;
    Ok(count > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_the_values_in_the_order_they_are_bound() {
        let mut params = Params::new();
        assert_eq!(params.bind(7_i64), "$1");
        let principal =
            Principal { user_id: 3, username: "u".into(), role: Role::Leader, operator: None, token_id: None };
        let scope = params.scope_of(&principal);
        assert_eq!(scope.covers("v.id"), "($2 OR v.id IN (SELECT id FROM scope_units))");
        assert!(scope.cte.contains("user_id = $3"), "{}", scope.cte);
        assert_eq!(params.bind("text".to_owned()), "$4");
    }
}
