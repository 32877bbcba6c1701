//! Records made in the field by the community digital tech teams: what a phone keeps in its queue
//! and sends to `POST /api/v1/sync`, and what the server answers for each record. Shared by the
//! server and the browser so both read the same shapes.

use crate::named_values;
use serde::{Deserialize, Serialize};

named_values! {
    /// A digital skill a team member helped with (seed §IV.7: VNeID, digital banking, online public
    /// services, …). The codes are stored and sent; the UI shows them translated.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum Skill {
        /// Installing the VNeID app (level 1).
        VneidInstall => "vneid_install",
        /// VNeID level-2 identification.
        VneidLevel2 => "vneid_level2",
        /// A digital bank account and QR payment.
        BankingQr => "banking_qr",
        /// Online public services (Cổng dịch vụ công).
        PublicServices => "public_services",
        /// Online health services (booking, e-health records).
        HealthServices => "health_services",
        /// Staying safe online: scams, passwords.
        OnlineSafety => "online_safety",
        Ecommerce => "ecommerce",
        Other => "other",
    }
}

/// A household first met in the field (or entered by an officer), identified by the UUID its
/// phone gave it so that visits recorded offline can point at it before it reaches the server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HouseholdRecord {
    pub uuid: String,
    pub village_code: String,
    /// How the team finds the household again, e.g. "Hộ ông Hà Văn A, xóm Đồi". No ID numbers.
    pub label: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    /// GPS accuracy in metres, as the phone reported it.
    pub accuracy_m: Option<f64>,
    #[serde(default)]
    pub poor: bool,
    #[serde(default)]
    pub near_poor: bool,
    #[serde(default)]
    pub ethnic_minority: bool,
    #[serde(default)]
    pub elderly: bool,
    #[serde(default)]
    pub disability: bool,
    /// Adults living in the household.
    pub adults: Option<i64>,
    /// Whether the household owns a smartphone (`None`: not asked). A flagged household without
    /// one is eligible for a donated device.
    pub has_smartphone: Option<bool>,
}

/// The phone's network where a record was made (Network Information API), when the browser
/// offers it: the field-measured layer beside the operators' own claims.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NetworkSample {
    /// `slow-2g`, `2g`, `3g` or `4g` (`navigator.connection.effectiveType`).
    pub effective_type: Option<String>,
    /// Estimated downlink in Mbps (`navigator.connection.downlink`).
    pub downlink_mbps: Option<f64>,
}

/// One door-to-door visit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VisitRecord {
    pub uuid: String,
    /// The household's UUID (a household recorded on a phone) …
    pub household_uuid: Option<String>,
    /// … or its id on the server.
    pub household_id: Option<i64>,
    /// RFC 3339; the moment on the phone.
    pub visited_at: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub accuracy_m: Option<f64>,
    pub people_helped: i64,
    pub skills: Vec<Skill>,
    /// Whether VNeID was activated during the visit (`None`: not asked).
    pub vneid_activated: Option<bool>,
    pub bank_account_opened: Option<bool>,
    pub note: Option<String>,
    pub network: Option<NetworkSample>,
    /// What the visit found out about the household's smartphone (`None`: not asked); it updates
    /// the household, and a flagged household without one joins the "chưa có thiết bị" list.
    pub has_smartphone: Option<bool>,
}

/// The handover of a donated device to the household it was allocated to, recorded on the team
/// member's phone (often offline). The photo, if any, is uploaded first
/// (`PUT /api/v1/handover-photos/{uuid}`) and named here.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HandoverRecord {
    pub uuid: String,
    /// The officer's allocation being handed over (its id on the server).
    pub allocation_id: i64,
    /// RFC 3339; the moment on the phone.
    pub handed_over_at: String,
    /// Serial number or IMEI, when the team member noted it.
    pub serial: Option<String>,
    pub photo_uuid: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub accuracy_m: Option<f64>,
    /// Whether the team member then showed the household how to use the device.
    pub guided: bool,
    /// The visit recorded for that guidance, when there was one.
    pub visit_uuid: Option<String>,
}

named_values! {
    /// The network a phone shows where it measured (the radio technology, or none at all).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    pub enum NetworkType {
        #[serde(rename = "5G")]
        FiveG => "5G",
        #[serde(rename = "4G")]
        FourG => "4G",
        #[serde(rename = "3G")]
        ThreeG => "3G",
        #[serde(rename = "2G")]
        TwoG => "2G",
        #[serde(rename = "none")]
        NoNetwork => "none",
    }
}

/// One measurement on the doorstep: a short speed test against our own server, or a tap on
/// "không có sóng ở đây" (no signal here), which is evidence too. Queued offline like visits and
/// stored once per UUID.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MeasurementRecord {
    pub uuid: String,
    /// RFC 3339; the moment on the phone.
    pub measured_at: String,
    /// The village, when the person chose it; else it is found from the position.
    pub village_code: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub accuracy_m: Option<f64>,
    /// The operator of the phone's SIM (its code, e.g. `viettel`).
    pub operator: String,
    pub network_type: NetworkType,
    /// No signal at all here: no figures are measured.
    #[serde(default)]
    pub no_signal: bool,
    /// Median round trip of several small requests, milliseconds.
    pub latency_ms: Option<f64>,
    pub download_kbps: Option<f64>,
    pub upload_kbps: Option<f64>,
}

/// A record of the sync queue; `kind` says which.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SyncRecord {
    Household(HouseholdRecord),
    Visit(VisitRecord),
    Handover(HandoverRecord),
    Measurement(MeasurementRecord),
}

/// What the server did with one record of a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SyncOutcome {
    /// Committed now.
    Stored,
    /// Committed before (the phone sent it again): nothing changed.
    AlreadyStored,
    /// Not stored, and sending it again will not help: `reason` says what to fix.
    Rejected,
}

/// The answer for one record, in the order of the request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SyncResult {
    /// The record's UUID, as sent (empty when the record had none).
    pub uuid: String,
    pub outcome: SyncOutcome,
    /// The record's id on the server, once stored.
    pub id: Option<i64>,
    /// Why a record was rejected, in English and in Vietnamese (shown on the phone).
    pub reason: Option<String>,
    pub reason_vi: Option<String>,
    /// A stored visit whose position lies outside its village: accepted, flagged for the officer.
    #[serde(default)]
    pub outside_area: bool,
}

/// What phones measured in one village (Network Information API samples taken with visits, and
/// measurements made on purpose: speed tests and "no signal here"): the "đo thực tế" layer
/// beside the operators' claims.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VillageMeasurement {
    pub village_code: String,
    pub samples: i64,
    /// The median sample as a coverage quality: `good` (4g, ≥ 5 Mbps), `fair` (4g), `weak` (3g),
    /// `none` (2g or slower).
    pub quality: String,
    /// Median estimated downlink, Mbps, of the samples that had one.
    pub median_downlink_mbps: Option<f64>,
    pub latest_at: String,
}

/// A household as a team member's list shows it: where it is and whether anyone has visited yet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, sqlx::FromRow))]
pub struct HouseholdEntry {
    pub id: i64,
    pub uuid: String,
    pub village_code: String,
    pub label: String,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub visits: i64,
    /// The latest visit, `None` when the household has not been visited yet.
    pub last_visited_at: Option<String>,
    pub version: i64,
}

/// Door-to-door progress of one village: the inputs of the leaders' dashboard. Aggregates only, no
/// household names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, sqlx::FromRow))]
pub struct VillageProgress {
    pub village_code: String,
    pub village: String,
    pub commune_code: String,
    /// Households recorded in the village.
    pub households: i64,
    /// Households with at least one visit.
    pub households_visited: i64,
    pub visits: i64,
    pub people_helped: i64,
    /// Visits that ended with VNeID activated.
    pub vneid_activations: i64,
    /// Visits recorded outside the village's area, for the commune officer to check.
    pub flagged_visits: i64,
}

/// A correction of a visit already on the server: what happened during it. Where, when and at
/// which household it happened stay as recorded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VisitEdit {
    pub people_helped: i64,
    pub skills: Vec<Skill>,
    pub vneid_activated: Option<bool>,
    pub bank_account_opened: Option<bool>,
    pub note: Option<String>,
}

/// A visit after a correction: its version is the new `ETag`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EditedVisit {
    pub uuid: String,
    pub id: i64,
    pub version: i64,
}

impl VillageProgress {
    /// How far the door-to-door round has come, for the map: `unlisted` (no households recorded
    /// yet), `none` (none visited), `low` (under half), `mid` (half or more), `done` (all).
    pub fn band(&self) -> &'static str {
        if self.households <= 0 {
            "unlisted"
        } else if self.households_visited == 0 {
            "none"
        } else if self.households_visited * 2 < self.households {
            "low"
        } else if self.households_visited < self.households {
            "mid"
        } else {
            "done"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::VillageProgress;

    fn village(households: i64, households_visited: i64) -> VillageProgress {
        VillageProgress {
            village_code: "15187-01".into(),
            village: "Khu phố 1".into(),
            commune_code: "15187".into(),
            households,
            households_visited,
            visits: households_visited,
            people_helped: 0,
            vneid_activations: 0,
            flagged_visits: 0,
        }
    }

    #[test]
    fn progress_bands_split_at_none_half_and_all() {
        let bands: Vec<&str> =
            [(0, 0), (4, 0), (4, 1), (4, 2), (4, 3), (4, 4)].map(|(h, v)| village(h, v).band()).to_vec();
        assert_eq!(bands, ["unlisted", "none", "low", "mid", "mid", "done"]);
    }
}
