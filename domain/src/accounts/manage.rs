//! Managing accounts. Admins manage every account. Commune officers add, change, disable and
//! reset the passwords of the team members of their own communes, and never reach beyond their
//! scope: an officer sees and changes only team-member accounts whose every unit lies in the
//! officer's scope. Every change is audited; passwords are hashed before the transaction opens.

use super::{check_account, get_row, insert, list_rows, replace_scope, scope_codes, update, NewUser};
use crate::access::{self, Denied, Principal};
use crate::audit::{self, Actor};
use crate::{admin_units, StoreError};
use model::accounts::{Account, AccountChange, NewAccount};
use model::{said, Capability, Role};

/// An account just created, with the password made up for it when none was given (shown once,
/// for the new member's sign-in sheet).
#[derive(Clone, Debug, PartialEq)]
pub struct CreatedAccount {
    pub account: Account,
    pub generated_password: Option<String>,
}

/// An account with its scope, read on one connection (a transaction's, to see its own writes).
async fn load(connection: &mut sqlx::AnyConnection, id: i64) -> Result<Account, StoreError> {
    let row = get_row(&mut *connection, id).await?;
    Ok(Account {
        scope: scope_codes(&mut *connection, row.id).await?,
        role: crate::parse_stored("app_user.role", &row.role)?,
        id: row.id,
        username: row.username,
        display_name: row.display_name,
        operator: row.operator,
        disabled: row.disabled_at.is_some(),
    })
}

/// Whether the principal may manage an account of `role` over the units of `scope` (codes):
/// admins any; commune officers team members whose every unit is in their own scope.
pub(crate) async fn may_manage(
    connection: &mut sqlx::AnyConnection,
    principal: &Principal,
    role: Role,
    scope: &[String],
) -> Result<bool, StoreError> {
    match principal.role {
        Role::Admin => Ok(true),
        Role::CommuneOfficer if role == Role::TeamMember && !scope.is_empty() => {
            for code in scope {
                let Some((unit, _)) = admin_units::find_by_code(&mut *connection, code).await? else {
                    return Ok(false);
                };
                if !crate::params::unit_in_scope(&mut *connection, principal, unit).await? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        _ => Ok(false),
    }
}

/// The accounts the principal manages, by username.
pub async fn accounts(db: &crate::Db, principal: &Principal) -> Result<Vec<Account>, StoreError> {
    access::require(principal, Capability::ManageAccounts)?;
    let mut connection = db.pool().acquire().await?;
    let mut managed = Vec::new();
    for row in list_rows(&mut *connection).await? {
        let account = load(&mut connection, row.id).await?;
        if may_manage(&mut connection, principal, account.role, &account.scope).await? {
            managed.push(account);
        }
    }
    Ok(managed)
}

/// One account: one's own, or one the principal manages (any other is not found, so its
/// existence is not revealed).
pub async fn account(db: &crate::Db, principal: &Principal, id: i64) -> Result<Account, StoreError> {
    let mut connection = db.pool().acquire().await?;
    let account = load(&mut connection, id).await?;
    if id == principal.user_id || may_manage(&mut connection, principal, account.role, &account.scope).await? {
        Ok(account)
    } else {
        Err(StoreError::NotFound)
    }
}

/// Creates an account the principal may manage, with its scope.
pub async fn create(db: &crate::Db, principal: &Principal, new: &NewAccount) -> Result<CreatedAccount, StoreError> {
    access::require(principal, Capability::ManageAccounts)?;
    let username = new.username.trim();
    check_account(username, new.role, new.operator.as_deref(), &new.scope)?;
    let generated_password = new.password.is_none().then(super::generate_password);
    let password = new.password.as_deref().or(generated_password.as_deref()).unwrap_or_default();
    let password_hash = super::prepare_password(password).await?;
    let mut tx = db.begin_write().await?;
    if !may_manage(&mut tx, principal, new.role, &new.scope).await? {
        return Err(Denied::Scope.into());
    }
    let user = NewUser {
        username,
        display_name: &new.display_name,
        password_hash: &password_hash,
        role: new.role,
        operator: new.operator.as_deref(),
        scope_codes: &new.scope,
    };
    let id = insert(&mut tx, &user).await?;
    let account = load(&mut tx, id).await?;
    let change = audit::Change {
        action: "create",
        entity_type: "user",
        entity_id: &id.to_string(),
        before: None,
        after: Some(&serde_json::json!(account)),
    };
    audit::record(&mut *tx, Actor::Principal(principal), &change).await?;
    tx.commit().await?;
    Ok(CreatedAccount { account, generated_password })
}

/// Changes an account the principal manages (name, role, operator, scope, disabled, password),
/// into a shape the principal may still manage.
pub async fn change(
    db: &crate::Db,
    principal: &Principal,
    id: i64,
    change: &AccountChange,
) -> Result<Account, StoreError> {
    access::require(principal, Capability::ManageAccounts)?;
    let password_hash = match &change.password {
        Some(password) => Some(super::prepare_password(password).await?),
        None => None,
    };
    let mut tx = db.begin_write().await?;
    let before = load(&mut tx, id).await?;
    if !may_manage(&mut tx, principal, before.role, &before.scope).await? {
        return Err(StoreError::NotFound);
    }
    let role = change.role.unwrap_or(before.role);
    let operator = change.operator.clone().unwrap_or_else(|| before.operator.clone());
    let scope = change.scope.clone().unwrap_or_else(|| before.scope.clone());
    let display_name = change.display_name.clone().unwrap_or_else(|| before.display_name.clone());
    let display_name = crate::text::required("display_name", &display_name, super::MAX_DISPLAY_NAME_CHARS)?;
    let disabled = change.disabled.unwrap_or(before.disabled);
    if id == principal.user_id && (role != before.role || disabled) {
        return Err(said(
            "an account cannot change its own role or disable itself",
            "không thể tự đổi vai trò hoặc tự khóa tài khoản của mình",
        )
        .into());
    }
    check_account(&before.username, role, operator.as_deref(), &scope)?;
    if !may_manage(&mut tx, principal, role, &scope).await? {
        return Err(Denied::Scope.into());
    }
    update(&mut *tx, id, &display_name, role, operator.as_deref(), disabled).await?;
    replace_scope(&mut tx, id, &scope).await?;
    if let Some(password_hash) = &password_hash {
        super::set_password_hash(&mut *tx, id, password_hash).await?;
    }
    let after = load(&mut tx, id).await?;
    let entry = audit::Change {
        action: if password_hash.is_some() { "update_and_reset_password" } else { "update" },
        entity_type: "user",
        entity_id: &id.to_string(),
        before: Some(&serde_json::json!(before)),
        after: Some(&serde_json::json!(after)),
    };
    audit::record(&mut *tx, Actor::Principal(principal), &entry).await?;
    tx.commit().await?;
    Ok(after)
}

/// Gives an account the principal manages a new password, made up here and answered once for
/// its owner's sign-in sheet. The account's sessions end with its old password.
pub async fn reset_password(db: &crate::Db, principal: &Principal, id: i64) -> Result<String, StoreError> {
    let password = super::generate_password();
    let reset = AccountChange { password: Some(password.clone()), ..AccountChange::default() };
    change(db, principal, id, &reset).await?;
    Ok(password)
}
