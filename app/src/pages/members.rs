//! The accounts page (`/quan-ly-tai-khoan`), phone first: an administrator manages every
//! account, a commune officer the team members of their communes (the domain decides whose,
//! `domain::accounts`). Add someone, disable an account when its owner leaves (its sessions end),
//! enable it again, or reset a forgotten password; a new password is made up by the server and
//! shown once on a sign-in sheet.
//!
//! It talks to the REST routes (`/api/v1/users…`) with the session; the list is drawn once the
//! page is hydrated (it is personal data the server-rendered page does not carry).

use super::account::Allowed;
use super::api_client::{get_json, patch_json, post_json, CallFailure, ErrorAnswer};
use super::operator_upload::{SheetLine, SignInSheet};
use crate::i18n::fill;
use crate::model::accounts::Account;
use crate::model::{Capability, CurrentUser, Role};
use crate::{ui_text, use_texts};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;

#[component]
pub fn MembersPage() -> impl IntoView {
    view! {
        <section class="page members-page">
            <h2>{ui_text(|t| t.members.title)}</h2>
            <Allowed capability=Capability::ManageAccounts page=|me| view! { <Members me/> }/>
        </section>
    }
}

/// What the page says after an action.
#[derive(Clone, Debug, PartialEq)]
enum Outcome {
    None,
    Added,
    /// A password was reset (the account's username).
    Reset(String),
    Failed(String),
}

/// The API's own words for a refusal, in the page's language, else the kind of failure.
fn failure_text(failure: CallFailure, vietnamese: bool) -> String {
    match failure {
        CallFailure::Status(status, body) => match serde_json::from_str::<ErrorAnswer<serde::de::IgnoredAny>>(&body) {
            Ok(answer) => match answer.error.message_vi {
                Some(message_vi) if vietnamese => message_vi,
                _ => answer.error.message,
            },
            Err(_) => format!("HTTP {status}"),
        },
        other => format!("{other:?}"),
    }
}

#[component]
fn Members(me: CurrentUser) -> impl IntoView {
    let texts = use_texts();
    let locale = expect_context::<crate::LocaleContext>().0;
    let accounts = RwSignal::new(None::<Vec<Account>>);
    let outcome = RwSignal::new(Outcome::None);
    // Every password made up during this visit, for one sign-in sheet to print at the meeting.
    let sheet = RwSignal::new(Vec::<SheetLine>::new());
    let search = RwSignal::new(String::new());
    let fail = move |failure: CallFailure| {
        outcome.set(Outcome::Failed(failure_text(failure, locale.get_untracked() == crate::i18n::Locale::Vi)))
    };
    let reload = move || {
        spawn_local(async move {
            match get_json::<Vec<Account>>("/api/v1/users").await {
                Ok(loaded) => accounts.set(Some(loaded)),
                Err(failure) => fail(failure),
            }
        })
    };
    Effect::new(move |_| reload());
    let set_disabled = Callback::new(move |(id, disabled): (i64, bool)| {
        spawn_local(async move {
            let change = serde_json::json!({ "disabled": disabled });
            match patch_json::<_, Account>(&format!("/api/v1/users/{id}"), &change, None).await {
                Ok(_) => {
                    outcome.set(Outcome::None);
                    reload();
                }
                Err(failure) => fail(failure),
            }
        })
    });
    let reset = Callback::new(move |account: Account| {
        #[derive(Deserialize)]
        struct NewPassword {
            password: String,
        }
        spawn_local(async move {
            let url = format!("/api/v1/users/{}/password", account.id);
            match post_json::<_, NewPassword>(&url, &serde_json::json!({})).await {
                Ok(answer) => {
                    outcome.set(Outcome::Reset(account.username.clone()));
                    sheet.update(|lines| {
                        lines.push(SheetLine {
                            username: account.username,
                            display_name: account.display_name,
                            password: answer.password,
                        })
                    });
                }
                Err(failure) => fail(failure),
            }
        })
    });
    let admin = me.role.can(Capability::Administer);
    let own_username = me.username.clone();
    let shown = move || {
        let needle = search.get().trim().to_lowercase();
        accounts.get().map(|all| {
            all.into_iter()
                .filter(|account| {
                    needle.is_empty()
                        || account.username.to_lowercase().contains(&needle)
                        || account.display_name.to_lowercase().contains(&needle)
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <p class="hint">{move || if admin { texts.get().members.intro_admin } else { texts.get().members.intro_officer }}</p>
        <OutcomeView outcome/>
        {move || {
            let lines = sheet.get();
            (!lines.is_empty()).then(|| view! { <SignInSheet lines/> })
        }}
        <AddForm admin on_added=Callback::new(move |line: SheetLine| {
            outcome.set(Outcome::Added);
            sheet.update(|lines| lines.push(line));
            reload();
        }) on_failed=Callback::new(fail)/>
        <label class="field">
            <span>{ui_text(|t| t.members.search)}</span>
            <input type="search" data-testid="members-search" on:input=move |event| search.set(event_target_value(&event))/>
        </label>
        {move || match shown() {
            None => view! { <p>{ui_text(|t| t.loading)}</p> }.into_any(),
            Some(list) if list.is_empty() => view! { <p>{ui_text(|t| t.members.none)}</p> }.into_any(),
            Some(list) => {
                let count = fill(texts.get().members.count, "count", list.len());
                let own_username = own_username.clone();
                view! {
                    <p class="hint" data-testid="members-count">{count}</p>
                    <ul class="members" data-testid="members-list">
                        {list
                            .into_iter()
                            .map(|account| {
                                let own = account.username == own_username;
                                view! { <MemberRow account own set_disabled reset/> }
                            })
                            .collect_view()}
                    </ul>
                }
                .into_any()
            }
        }}
    }
}

#[component]
fn OutcomeView(outcome: RwSignal<Outcome>) -> impl IntoView {
    let texts = use_texts();
    move || match outcome.get() {
        Outcome::None => ().into_any(),
        Outcome::Added => view! {
            <p class="notice notice--ok" role="status" data-testid="members-outcome">
                {move || texts.get().members.added}
            </p>
        }
        .into_any(),
        Outcome::Reset(username) => view! {
            <p class="notice notice--ok" role="status" data-testid="members-outcome">
                {move || fill(texts.get().members.password_reset, "username", &username)}
            </p>
        }
        .into_any(),
        Outcome::Failed(message) => view! {
            <p class="notice notice--error" role="alert" data-testid="members-outcome">
                {move || format!("{}: {message}", texts.get().members.failed)}
            </p>
        }
        .into_any(),
    }
}

/// One account: who, what, where, its state and its two actions (none on one's own account).
#[component]
fn MemberRow(
    account: Account,
    own: bool,
    set_disabled: Callback<(i64, bool)>,
    reset: Callback<Account>,
) -> impl IntoView {
    let texts = use_texts();
    let Account { id, username, display_name, role, scope, disabled, .. } = account.clone();
    let confirm_reset = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let asked = texts.get_untracked().members.reset_confirm;
            if !window().confirm_with_message(asked).unwrap_or(false) {
                return;
            }
        }
        reset.run(account.clone());
    };
    view! {
        <li class="members__row" data-testid="member" data-disabled=disabled.to_string()>
            <p class="members__who">
                <strong>{display_name}</strong>" · "<code>{username}</code>
                {own.then(|| view! { " · " {ui_text(|t| t.members.you)} })}
            </p>
            <p class="hint">
                {move || texts.get().role(role)}
                {(!scope.is_empty()).then(|| format!(" · {}", scope.join(", ")))}
                " · "
                {move || if disabled { texts.get().members.disabled } else { texts.get().members.active }}
            </p>
            {(!own).then(|| view! {
                <div class="button-row">
                    <button type="button" class="button button--secondary" data-testid="member-toggle"
                        on:click=move |_| set_disabled.run((id, !disabled))>
                        {move || if disabled { texts.get().members.enable } else { texts.get().members.disable }}
                    </button>
                    <button type="button" class="button button--secondary" data-testid="member-reset" on:click=confirm_reset>
                        {ui_text(|t| t.members.reset_password)}
                    </button>
                </div>
            })}
        </li>
    }
}

/// A new account: a team member for officers; any role, with an operator for telecom accounts,
/// for admins. The server makes up the password.
#[component]
fn AddForm(admin: bool, on_added: Callback<SheetLine>, on_failed: Callback<CallFailure>) -> impl IntoView {
    let texts = use_texts();
    let username = RwSignal::new(String::new());
    let display_name = RwSignal::new(String::new());
    let role = RwSignal::new(Role::TeamMember);
    let scope = RwSignal::new(String::new());
    let operator = RwSignal::new(String::new());
    let operators = RwSignal::new(Vec::<(String, String)>::new());
    let busy = RwSignal::new(false);
    Effect::new(move |_| {
        if admin {
            spawn_local(async move {
                if let Ok(loaded) = crate::map_api::load_operators().await {
                    operators.set(loaded);
                }
            });
        }
    });
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        #[derive(Deserialize)]
        struct Created {
            username: String,
            display_name: String,
            password: Option<String>,
        }
        let chosen_role = role.get_untracked();
        let body = serde_json::json!({
            "username": username.get_untracked().trim(),
            "display_name": display_name.get_untracked().trim(),
            "role": chosen_role.as_str(),
            "operator": (chosen_role == Role::Telecom).then(|| operator.get_untracked()).filter(|code| !code.is_empty()),
            "scope": scope
                .get_untracked()
                .split([',', ';', ' '])
                .map(str::trim)
                .filter(|code| !code.is_empty())
                .collect::<Vec<_>>(),
        });
        busy.set(true);
        spawn_local(async move {
            match post_json::<_, Created>("/api/v1/users", &body).await {
                Ok(created) => {
                    username.set(String::new());
                    display_name.set(String::new());
                    on_added.run(SheetLine {
                        username: created.username,
                        display_name: created.display_name,
                        password: created.password.unwrap_or_default(),
                    });
                }
                Err(failure) => on_failed.run(failure),
            }
            busy.set(false);
        });
    };
    view! {
        <details class="members-add" data-testid="members-add">
            <summary>{ui_text(|t| t.members.add_heading)}</summary>
            <form class="form" on:submit=submit>
                <label class="field">
                    <span>{ui_text(|t| t.username)}</span>
                    <input name="username" required autocomplete="off" autocapitalize="none" prop:value=username
                        on:input=move |event| username.set(event_target_value(&event))/>
                </label>
                <label class="field">
                    <span>{ui_text(|t| t.members.display_name)}</span>
                    <input name="display_name" required prop:value=display_name
                        on:input=move |event| display_name.set(event_target_value(&event))/>
                </label>
                {admin.then(|| view! {
                    <label class="field">
                        <span>{ui_text(|t| t.role)}</span>
                        <select name="role" on:change=move |event| {
                            if let Ok(chosen) = event_target_value(&event).parse::<Role>() {
                                role.set(chosen);
                            }
                        }>
                            {Role::ALL
                                .into_iter()
                                .map(|choice| view! {
                                    <option value=choice.as_str() selected=move || role.get() == choice>
                                        {move || texts.get().role(choice)}
                                    </option>
                                })
                                .collect_view()}
                        </select>
                    </label>
                })}
                <label class="field">
                    <span>{ui_text(|t| t.members.scope)}</span>
                    <input name="scope" autocomplete="off" prop:value=scope
                        on:input=move |event| scope.set(event_target_value(&event))/>
                </label>
                <p class="hint">{ui_text(|t| t.members.scope_hint)}</p>
                <Show when=move || role.get() == Role::Telecom>
                    <label class="field">
                        <span>{ui_text(|t| t.members.operator)}</span>
                        <select name="operator" on:change=move |event| operator.set(event_target_value(&event))>
                            <option value="">"—"</option>
                            {move || operators
                                .get()
                                .into_iter()
                                .map(|(code, name)| view! { <option value=code>{name}</option> })
                                .collect_view()}
                        </select>
                    </label>
                </Show>
                <button type="submit" class="button" data-testid="members-add-submit" disabled=busy>
                    {ui_text(|t| t.members.add)}
                </button>
            </form>
        </details>
    }
}
