//! Accounts as the pages and the API show and change them (never a password hash).

use crate::Role;
use serde::{Deserialize, Serialize};

/// An account: who, what role, where (the codes of the units its scope names), and whether it
/// may sign in.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// The operator a telecom account acts for.
    pub operator: Option<String>,
    pub scope: Vec<String>,
    pub disabled: bool,
}

/// A new account. Without a password, one is made up and returned once (to print on the new
/// member's sign-in sheet).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    #[serde(default)]
    pub password: Option<String>,
    pub role: Role,
    #[serde(default)]
    pub operator: Option<String>,
    #[serde(default)]
    pub scope: Vec<String>,
}

/// A change to an account; absent fields stay as they are.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AccountChange {
    pub display_name: Option<String>,
    pub role: Option<Role>,
    /// `null` clears it (when the role changes away from telecom).
    #[serde(default, with = "double_option")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
    pub operator: Option<Option<String>>,
    pub scope: Option<Vec<String>>,
    pub disabled: Option<bool>,
    /// A new password set for the account (its owner should change it after signing in).
    pub password: Option<String>,
}

/// Distinguishes an absent field (`None`) from an explicit `null` (`Some(None)`).
mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn deserialize<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
    {
        Option::<T>::deserialize(deserializer).map(Some)
    }

    pub fn serialize<S, T>(value: &Option<Option<T>>, serializer: S) -> Result<S::Ok, S::Error>
    where
        S: Serializer,
        T: Serialize,
    {
        value.as_ref().and_then(Option::as_ref).serialize(serializer)
    }
}
