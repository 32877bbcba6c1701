//! Messages for people in both languages of the app, from the rule that says them to the screen
//! that shows them: the browser picks the one of its language, the API sends both.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A message in English (API clients, logs) and Vietnamese (the UI is Vietnamese first). Both
/// name the field and the value at fault.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Said {
    pub en: String,
    pub vi: String,
}

/// A [`Said`] from its English and Vietnamese wording.
pub fn said(en: impl Into<String>, vi: impl Into<String>) -> Said {
    Said { en: en.into(), vi: vi.into() }
}

impl Said {
    /// The wording in Vietnamese when `vietnamese`, else in English.
    pub fn in_vietnamese_if(&self, vietnamese: bool) -> &str {
        if vietnamese {
            &self.vi
        } else {
            &self.en
        }
    }
}

/// The English wording: what logs and API clients read.
impl fmt::Display for Said {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en)
    }
}
