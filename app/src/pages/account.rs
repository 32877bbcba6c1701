//! Signing in, the account page (change password, sign out) and the header's account link.

use crate::auth_api::{signed_in_user, ChangePassword, Login, Logout};
use crate::i18n::fill;
use crate::model::{Capability, CurrentUser};
use crate::{ui_text, use_texts};
use leptos::html::Input;
use leptos::prelude::*;

/// Reloads the whole app at `path`, so every page re-renders on the server for the new session.
fn reload_at(path: &str) {
    #[cfg(feature = "hydrate")]
    {
        // A failed navigation leaves the person on the current page, which still works.
        let _ = window().location().set_href(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

/// The header's right-hand link: the signed-in name (to the account page) or "Sign in".
#[component]
pub fn AccountLink() -> impl IntoView {
    let user = Resource::new_blocking(|| (), |_| signed_in_user());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(user)) => view! {
                        {user.role.can(Capability::ReadDashboard).then(|| view! {
                            <a class="app-bar__link" href="/bang-dieu-khien" data-testid="dashboard-link">
                                {ui_text(|t| t.dashboard.nav)}
                            </a>
                        })}
                        {user.role.can(Capability::RecordField).then(|| view! {
                            <a class="app-bar__link" href="/thuc-dia" data-testid="field-link">
                                {ui_text(|t| t.field.nav)}
                            </a>
                        })}
                        {user.role.can(Capability::ReadDashboard).then(|| view! {
                            <a class="app-bar__link" href="/tang-thiet-bi" data-testid="donations-link">
                                {ui_text(|t| t.donations.nav)}
                            </a>
                        })}
                        <a class="app-bar__link" href="/tai-khoan" data-testid="account-link">{user.display_name}</a>
                    }
                    .into_any(),
                    _ => view! {
                        <a class="app-bar__link" href="/dang-nhap" data-testid="sign-in-link">
                            {ui_text(|t| t.sign_in)}
                        </a>
                    }
                    .into_any(),
                }
            })}
        </Suspense>
    }
}

/// The sign-in page; someone already signed in is told so and sent to their account page to sign
/// out first, so a shared computer never quietly carries one person's session into another's.
#[component]
pub fn LoginPage() -> impl IntoView {
    let user = Resource::new_blocking(|| (), |_| signed_in_user());
    view! {
        <Suspense fallback=move || view! { <p>{ui_text(|t| t.loading)}</p> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(user)) => view! {
                        <section class="page page--narrow" data-testid="already-signed-in">
                            <h2>{ui_text(|t| t.sign_in_title)}</h2>
                            <p>{move || fill(use_texts().get().already_signed_in, "name", &user.display_name)}</p>
                            <p><a class="button-link" href="/tai-khoan">{ui_text(|t| t.account_title)}</a></p>
                        </section>
                    }
                    .into_any(),
                    _ => view! { <LoginForm/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn LoginForm() -> impl IntoView {
    let texts = use_texts();
    let login = ServerAction::<Login>::new();
    Effect::new(move |_| {
        if let Some(Ok(_)) = login.value().get() {
            reload_at("/");
        }
    });
    let error = move || login.value().get().and_then(Result::err).map(|error| texts.get().error(&error));

    view! {
        <section class="page page--narrow">
            <h2>{ui_text(|t| t.sign_in_title)}</h2>
            <ActionForm action=login attr:class="form" attr:data-testid="login-form">
                <label class="field">
                    <span>{ui_text(|t| t.username)}</span>
                    <input type="text" name="username" autocomplete="username" autocapitalize="none" required/>
                </label>
                <label class="field">
                    <span>{ui_text(|t| t.password)}</span>
                    <input type="password" name="password" autocomplete="current-password" required/>
                </label>
                <p class="form__error" role="alert" data-testid="login-error">{error}</p>
                <button type="submit" class="button" disabled=move || login.pending().get()>
                    {move || if login.pending().get() { texts.get().working } else { texts.get().sign_in }}
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let user = Resource::new_blocking(|| (), |_| signed_in_user());
    view! {
        <section class="page page--narrow">
            <h2>{ui_text(|t| t.account_title)}</h2>
            <Suspense fallback=move || view! { <p>{ui_text(|t| t.loading)}</p> }>
                {move || Suspend::new(async move {
                    match user.await {
                        Ok(Some(user)) => view! { <AccountDetails user/> }.into_any(),
                        _ => view! { <SignInPrompt/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// "Please sign in" with a link to the login page, for pages that need an account.
#[component]
pub fn SignInPrompt() -> impl IntoView {
    view! {
        <p>
            {ui_text(|t| t.error_sign_in_required)}" "
            <a href="/dang-nhap">{ui_text(|t| t.sign_in)}</a>
        </p>
    }
}

/// A page's content for the accounts that may do `capability`, given the signed-in account:
/// anyone else signed in is told they may not, the public is asked to sign in.
#[component]
pub fn Allowed<F, V>(capability: Capability, page: F) -> impl IntoView
where
    F: Fn(CurrentUser) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let user = Resource::new_blocking(|| (), |_| signed_in_user());
    view! {
        <Suspense fallback=move || view! { <p>{ui_text(|t| t.loading)}</p> }>
            {move || {
                let page = page.clone();
                Suspend::new(async move {
                    match user.await {
                        Ok(Some(user)) if user.role.can(capability) => page(user).into_any(),
                        Ok(Some(_)) => view! { <p role="alert">{ui_text(|t| t.error_forbidden)}</p> }.into_any(),
                        _ => view! { <SignInPrompt/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

#[component]
fn AccountDetails(user: CurrentUser) -> impl IntoView {
    let texts = use_texts();
    let logout = ServerAction::<Logout>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = logout.value().get() {
            leptos::task::spawn_local(async {
                // Signed out either way: a phone store that cannot be emptied now is emptied by the
                // field app when it next opens and learns nobody is signed in.
                let _ = super::field::forget_at_sign_out().await;
                reload_at("/");
            });
        }
    });
    let role = user.role;
    view! {
        <dl class="facts">
            <dt>{ui_text(|t| t.username)}</dt>
            <dd data-testid="account-username">{user.username}</dd>
            <dt>{ui_text(|t| t.role)}</dt>
            <dd>{move || texts.get().role(role)}</dd>
        </dl>
        {role.can(Capability::RecordField).then(|| view! {
            <p><a class="button-link" href="/thuc-dia">{ui_text(|t| t.field.page_link)}</a></p>
        })}
        <p><a class="button-link" href="/tang-thiet-bi">{ui_text(|t| t.donations.title)}</a></p>
        {role.can(Capability::ManagePlaces).then(|| view! {
            <p><a class="button-link" href="/thiet-lap" data-testid="setup-page-link">
                {ui_text(|t| t.setup.page_link)}
            </a></p>
        })}
        {role.can(Capability::ManageAccounts).then(|| view! {
            <p><a class="button-link" href="/quan-ly-tai-khoan" data-testid="members-page-link">
                {ui_text(|t| t.members.page_link)}
            </a></p>
        })}
        {matches!(role, crate::model::Role::Admin | crate::model::Role::CommuneOfficer | crate::model::Role::Telecom)
            .then(|| view! {
                <p><a class="button-link" href="/nha-mang" data-testid="operator-page-link">
                    {ui_text(|t| t.operator_page_link)}
                </a></p>
            })}
        <ChangePasswordForm/>
        <button type="button" class="button button--secondary" data-testid="sign-out" on:click=move |_| {
            logout.dispatch(Logout {});
        }>
            {ui_text(|t| t.sign_out)}
        </button>
    }
}

#[component]
fn ChangePasswordForm() -> impl IntoView {
    let texts = use_texts();
    let change = ServerAction::<ChangePassword>::new();
    let new_password = NodeRef::<Input>::new();
    let repeat = NodeRef::<Input>::new();
    let mismatch = RwSignal::new(false);
    let check_repeat = move |event: leptos::ev::SubmitEvent| {
        let differ = new_password.get().map(|input| input.value()) != repeat.get().map(|input| input.value());
        mismatch.set(differ);
        if differ {
            event.prevent_default();
        }
    };
    let message = move || {
        if mismatch.get() {
            return Some(texts.get().passwords_differ.to_owned());
        }
        change.value().get().map(|result| match result {
            Ok(()) => texts.get().password_changed.to_owned(),
            Err(error) => texts.get().error(&error),
        })
    };
    view! {
        <h3>{ui_text(|t| t.change_password)}</h3>
        <ActionForm action=change on:submit=check_repeat attr:class="form">
            <label class="field">
                <span>{ui_text(|t| t.current_password)}</span>
                <input type="password" name="current" autocomplete="current-password" required/>
            </label>
            <label class="field">
                <span>{ui_text(|t| t.new_password)}</span>
                <input type="password" name="new" autocomplete="new-password" minlength="10" required node_ref=new_password/>
            </label>
            <label class="field">
                <span>{ui_text(|t| t.repeat_password)}</span>
                <input type="password" autocomplete="new-password" minlength="10" required node_ref=repeat/>
            </label>
            <p class="form__message" role="status">{message}</p>
            <button type="submit" class="button" disabled=move || change.pending().get()>
                {ui_text(|t| t.change_password)}
            </button>
        </ActionForm>
    }
}
