//! Accounts from a list: the 10 to 30 team members of a commune at once, each new one with a
//! password made up for it and shown once, for the printed sign-in sheet. The same rules as one
//! account at a time ([`crate::accounts`]): an officer creates and changes only team members whose
//! every unit lies in the officer's communes. A list never carries passwords.

use super::{Applied, Context, Kind, SignInLine};
use crate::accounts::{self, NewUser, MAX_DISPLAY_NAME_CHARS};
use crate::audit::Actor;
use crate::tabular::{Column, Spec, Values, Words};
use crate::{Db, StoreError};
use model::{said, Role, Said};
use serde::Deserialize;
use sqlx::{Any, Transaction};

/// Roles as offices write them.
const ROLE_WORDS: &Words = &[
    ("Quản trị", "admin"),
    ("Quản trị viên", "admin"),
    ("Lãnh đạo", "leader"),
    ("Cán bộ xã", "commune_officer"),
    ("Cán bộ", "commune_officer"),
    ("Tổ công nghệ", "team_member"),
    ("Thành viên tổ công nghệ", "team_member"),
    ("Tổ viên", "team_member"),
    ("Nhà mạng", "telecom"),
];

pub(super) const SPEC: Spec = Spec {
    columns: &[
        Column { key: "username", aliases: &["Tên đăng nhập", "Tài khoản"], required: true },
        Column { key: "display_name", aliases: &["Họ tên", "Họ và tên", "Tên hiển thị"], required: true },
        Column { key: "role", aliases: &["Vai trò", "Chức năng"], required: true },
        Column {
            key: "scope", aliases: &["Phạm vi", "Địa bàn", "Mã đơn vị", "Mã xã/thôn"], required: false
        },
        Column { key: "operator", aliases: &["Nhà mạng", "Mã nhà mạng"], required: false },
    ],
    values: &[("role", Values::Words(ROLE_WORDS))],
};

pub(super) const EXAMPLE: &[&str] = &["tcn.kimtan.01", "Nguyễn Thị B", "Tổ công nghệ", "15187-01, 15187-02", ""];

#[derive(Deserialize)]
pub(super) struct Row {
    username: String,
    display_name: String,
    role: String,
    scope: Option<String>,
    operator: Option<String>,
}

pub(super) struct NewAccountLine {
    username: String,
    display_name: String,
    role: Role,
    scope: Vec<String>,
    operator: Option<String>,
    /// For an account that did not exist when the file was read: its password and the hash.
    password: Option<(String, String)>,
}

pub(super) struct Accounts;

impl Kind for Accounts {
    type Row = Row;
    type Item = NewAccountLine;
    const SPEC: &'static Spec = &SPEC;
    const AUDIT: (&'static str, &'static str) = ("import_accounts", "user");

    fn check(row: &Row) -> Result<NewAccountLine, Vec<Said>> {
        let mut problems = Vec::new();
        let username = row.username.trim().to_owned();
        let display_name = crate::text::required("display_name", &row.display_name, MAX_DISPLAY_NAME_CHARS)
            .map_err(|e| problems.push(e))
            .ok();
        let role: Option<Role> =
            row.role.parse().map_err(|_| problems.push(said("role: required", "role: bắt buộc ghi vai trò"))).ok();
        let mut scope: Vec<String> = (row.scope.as_deref().unwrap_or_default())
            .split([',', ';', ' ', '\n'])
            .map(str::trim)
            .filter(|code| !code.is_empty())
            .map(str::to_owned)
            .collect();
        scope.sort();
        scope.dedup();
        let operator = row.operator.as_deref().map(str::trim).filter(|o| !o.is_empty()).map(str::to_lowercase);
        if let Some(role) = role {
            match accounts::check_account(&username, role, operator.as_deref(), &scope) {
                Err(StoreError::Invalid(problem)) => problems.push(problem),
                Err(other) => problems.push(said(other.to_string(), other.to_string())),
                Ok(()) => {}
            }
        }
        match (display_name, role) {
            (Some(display_name), Some(role)) if problems.is_empty() => {
                Ok(NewAccountLine { username, display_name, role, scope, operator, password: None })
            }
            _ => Err(problems),
        }
    }

    /// Makes up and hashes a password for each account not there yet, before the transaction
    /// opens (hashing is slow on purpose, and must not hold the write lock).
    async fn prepare(db: &Db, items: &mut [(u64, NewAccountLine)]) -> Result<(), StoreError> {
        let mut new = Vec::new();
        for (index, (_, item)) in items.iter().enumerate() {
            let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM app_user WHERE username = $1")
                .bind(&item.username)
                .fetch_optional(db.pool())
                .await?;
            if found.is_none() {
                new.push(index);
            }
        }
        let count = new.len();
        let passwords = crate::off_the_runtime(move || {
            (0..count)
                .map(|_| {
                    let password = accounts::generate_password();
                    accounts::hash_password(&password).map(|hash| (password, hash))
                })
                .collect::<Result<Vec<_>, StoreError>>()
        })
        .await??;
        for (index, password) in new.into_iter().zip(passwords) {
            items[index].1.password = Some(password);
        }
        Ok(())
    }

    async fn apply(
        tx: &mut Transaction<'static, Any>,
        context: &mut Context<'_>,
        line: &NewAccountLine,
    ) -> Result<Result<(Applied, String), Vec<Said>>, StoreError> {
        if let Err(problem) = context.first_time("account", &line.username) {
            return Ok(Err(problem));
        }
        if !may_manage(tx, context.actor, line.role, &line.scope).await? {
            return Ok(Err(vec![beyond_reach()]));
        }
        let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM app_user WHERE username = $1")
            .bind(&line.username)
            .fetch_optional(&mut **tx)
            .await?;
        let applied = match found {
            None => {
                let Some((_, hash)) = &line.password else {
                    return Ok(Err(vec![said(
                        "username: the account appeared while the file was being read; import the file again",
                        "username: tài khoản vừa được tạo trong lúc đọc tệp; hãy nhập lại tệp",
                    )]));
                };
                let user = NewUser {
                    username: &line.username,
                    display_name: &line.display_name,
                    password_hash: hash,
                    role: line.role,
                    operator: line.operator.as_deref(),
                    scope_codes: &line.scope,
                };
                match accounts::insert(tx, &user).await {
                    Ok(_) => Applied::Created,
                    Err(StoreError::Invalid(problem)) => return Ok(Err(vec![problem])),
                    Err(other) => return Err(other),
                }
            }
            Some((id,)) => match change_existing(tx, context, id, line).await? {
                Ok(applied) => applied,
                Err(problem) => return Ok(Err(vec![problem])),
            },
        };
        Ok(Ok((applied, line.username.clone())))
    }

    fn sign_in_line(line: &NewAccountLine, applied: Applied) -> Option<SignInLine> {
        let (password, _) = line.password.as_ref().filter(|_| applied == Applied::Created)?;
        Some(SignInLine {
            username: line.username.clone(),
            display_name: line.display_name.clone(),
            password: password.clone(),
        })
    }
}

/// Brings an existing account to what the line says, if the importer manages it as it is.
async fn change_existing(
    tx: &mut Transaction<'static, Any>,
    context: &Context<'_>,
    id: i64,
    line: &NewAccountLine,
) -> Result<Result<Applied, Said>, StoreError> {
    let row = accounts::get_row(&mut **tx, id).await?;
    let role: Role = crate::parse_stored("app_user.role", &row.role)?;
    let scope = accounts::scope_codes(&mut **tx, id).await?;
    if !may_manage(tx, context.actor, role, &scope).await? {
        return Ok(Err(said(
            format!("username: {} is taken", line.username),
            format!("username: {} đã có người dùng", line.username),
        )));
    }
    let same = row.display_name == line.display_name
        && role == line.role
        && row.operator == line.operator
        && scope == line.scope;
    if same {
        return Ok(Ok(Applied::Unchanged));
    }
    if context.principal().is_some_and(|principal| principal.user_id == id) && role != line.role {
        return Ok(Err(said(
            "role: an account cannot change its own role",
            "role: không thể tự đổi vai trò của tài khoản mình",
        )));
    }
    let disabled = row.disabled_at.is_some();
    accounts::update(&mut **tx, id, &line.display_name, line.role, line.operator.as_deref(), disabled).await?;
    match accounts::replace_scope(tx, id, &line.scope).await {
        Ok(()) => Ok(Ok(Applied::Updated)),
        Err(StoreError::Invalid(problem)) => Ok(Err(problem)),
        Err(other) => Err(other),
    }
}

/// Whether the importer may manage an account of `role` over `scope`: the command line any.
async fn may_manage(
    tx: &mut Transaction<'static, Any>,
    actor: Actor<'_>,
    role: Role,
    scope: &[String],
) -> Result<bool, StoreError> {
    match actor {
        Actor::CommandLine => Ok(true),
        Actor::Principal(principal) => accounts::may_manage(tx, principal, role, scope).await,
    }
}

fn beyond_reach() -> Said {
    said(
        "role/scope: you may only create team members (team_member) within your own communes and villages",
        "role/scope: bạn chỉ được tạo tài khoản tổ công nghệ (team_member) trong xã, thôn thuộc phạm vi của mình",
    )
}
