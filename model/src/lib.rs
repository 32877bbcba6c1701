//! Data shapes shared by the server and the browser: what the map page and the REST API exchange.
//! Compiled for both (the browser's wasm and the server), so it holds types and their pure rules
//! only; the `ssr` feature adds what the server needs of them (OpenAPI schemas, database rows).

pub mod accounts;
pub mod donations;
pub mod field_records;
pub mod indicators;
pub mod map_layers;
pub mod named;
pub mod said;
pub mod setup;

pub use named::UnknownValue;
pub use said::{said, Said};

use serde::{Deserialize, Serialize};

named_values! {
    /// The state of the public Wi-Fi at a village cultural house (nhà văn hóa).
    ///
    /// The plan's target is Wi-Fi at 100% of cultural houses (seed §IV.9), so only `Active` counts
    /// as "has Wi-Fi"; `Broken` is kept apart because a broken access point needs a different action
    /// (a repair call) than a missing one. `ALL` is the order the legend and the filter show them.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    #[serde(rename_all = "lowercase")]
    pub enum WifiStatus {
        Active => "active",
        Broken => "broken",
        Installing => "installing",
        Planned => "planned",
        None => "none",
    }
}

/// One cultural house as the map and the list show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CulturalHouse {
    pub id: i64,
    pub name: String,
    pub village_code: String,
    pub village: String,
    pub commune_code: String,
    pub commune: String,
    pub lon: f64,
    pub lat: f64,
    pub wifi_status: WifiStatus,
    /// Operator code (`viettel`, `vnpt`, …) of the Wi-Fi; the code is what integrations use.
    pub wifi_provider: Option<String>,
    /// The operator's display name.
    pub wifi_provider_name: Option<String>,
    pub bandwidth_mbps: Option<f64>,
    pub installed_at: Option<String>,
    pub last_verified_at: Option<String>,
    /// The Wi-Fi network name. The public sees it only when `ssid_public` is set; signed-in
    /// accounts always see it.
    pub ssid: Option<String>,
    /// Whether the operator lets the public map show the network name.
    pub ssid_public: bool,
    /// Grows by one with every change of the Wi-Fi; editors send it back (`If-Match`) so that two
    /// edits of the same version cannot silently overwrite each other.
    pub version: i64,
}

/// One version in the Wi-Fi timeline of a cultural house.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct WifiChange {
    pub version: i64,
    pub wifi_status: WifiStatus,
    pub wifi_provider: Option<String>,
    pub bandwidth_mbps: Option<f64>,
    pub installed_at: Option<String>,
    pub last_verified_at: Option<String>,
    /// Shown only to signed-in accounts and, when public, to everyone (as for the house itself).
    pub ssid: Option<String>,
    pub ssid_public: bool,
    pub changed_at: String,
    pub changed_by: String,
}

/// A change to a cultural house's Wi-Fi, as an operator or officer submits it (REST body, CSV
/// row, or the details panel's form). The domain layer checks it before anything is written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct WifiUpdate {
    pub status: WifiStatus,
    /// Operator code; required unless the status is `none` or `planned`.
    pub provider: Option<String>,
    pub bandwidth_mbps: Option<f64>,
    /// `YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ`.
    pub installed_at: Option<String>,
    pub last_verified_at: Option<String>,
    /// Network name (SSID), 1 to 32 bytes.
    #[serde(default)]
    pub ssid: Option<String>,
    /// `true`: the public map shows the network name. Defaults to `false` (hidden).
    #[serde(default)]
    pub ssid_public: bool,
}

/// The latest coverage an operator reports (or the field measured) for one technology in a village.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CoverageEntry {
    pub operator: String,
    pub operator_name: String,
    pub technology: String,
    pub quality: String,
    pub source: String,
    pub reported_at: String,
}

/// A cultural house with what the details panel adds: the village's latest coverage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CulturalHouseDetail {
    pub house: CulturalHouse,
    pub coverage: Vec<CoverageEntry>,
}

/// The latest quality one operator reports for one technology in one village (map layers).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct VillageCoverage {
    pub village_code: String,
    pub operator: String,
    pub technology: String,
    pub quality: String,
    /// Outer rings, `(lon, lat)`, of the area the report drew, thinned for display; empty when
    /// the report has no area (the map then shades a circle around the cultural house).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub areas: Vec<Vec<(f64, f64)>>,
}

/// Technologies that count as mobile broadband for the dead-zone layer.
pub const MOBILE_BROADBAND: [&str; 2] = ["4G", "5G"];

/// Villages where no operator reports good mobile broadband (4G or 5G): the "dead zones" where
/// the plan's target of high-speed Internet for everyone is furthest away.
pub fn dead_zone_villages<'a>(
    village_codes: impl IntoIterator<Item = &'a str>,
    coverage: &[VillageCoverage],
) -> Vec<String> {
    let well_covered: std::collections::HashSet<&str> = coverage
        .iter()
        .filter(|entry| entry.quality == "good" && MOBILE_BROADBAND.contains(&entry.technology.as_str()))
        .map(|entry| entry.village_code.as_str())
        .collect();
    let mut dead: Vec<String> =
        village_codes.into_iter().filter(|code| !well_covered.contains(code)).map(str::to_owned).collect();
    dead.sort();
    dead.dedup();
    dead
}

/// A commune's boundary, simplified for display: outer rings of its polygons as (lon, lat).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommuneArea {
    pub code: String,
    pub name: String,
    pub rings: Vec<Vec<(f64, f64)>>,
}

/// Where map tiles come from; configurable because OpenStreetMap's public servers are not meant
/// for heavy production use and a province may run its own.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TileSource {
    pub url: String,
    pub attribution: String,
}

/// What a viewer may do with cultural houses' Wi-Fi on the map (the server checks again).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WifiEditing {
    /// Read only.
    No,
    /// Any operator: admins, and commune officers in their communes.
    AnyOperator,
    /// Only this operator: telecom accounts.
    OwnOperator(String),
}

/// Everything the map page needs in one round trip (slow 3G: one request beats three).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MapData {
    pub houses: Vec<CulturalHouse>,
    pub communes: Vec<CommuneArea>,
    pub tiles: TileSource,
    /// True while the database holds the demo data set, so the page can say so.
    pub is_demo: bool,
    /// True for a visitor who is not signed in: only working Wi-Fi is shown.
    pub public_view: bool,
    /// Whether the viewer may edit Wi-Fi by hand, and for which operators.
    pub wifi_editing: WifiEditing,
    /// Every operator (code, name), for the editor's provider choice.
    pub operators: Vec<(String, String)>,
    /// The viewer sets up places and the map has no cultural house in their view yet: the page
    /// points to the set-up page instead of an empty map.
    #[serde(default)]
    pub setup_needed: bool,
}

impl MapData {
    /// The (south-west, north-east) corners as (lat, lon) that frame every house and boundary,
    /// or `None` on an empty database.
    pub fn bounds(&self) -> Option<((f64, f64), (f64, f64))> {
        let points = self
            .houses
            .iter()
            .map(|house| (house.lon, house.lat))
            .chain(self.communes.iter().flat_map(|area| area.rings.iter().flatten().copied()));
        points.fold(None, |bounds, (lon, lat)| {
            Some(match bounds {
                None => ((lat, lon), (lat, lon)),
                Some(((south, west), (north, east))) => {
                    ((f64::min(south, lat), f64::min(west, lon)), (f64::max(north, lat), f64::max(east, lon)))
                }
            })
        })
    }
}

named_values! {
    /// What an account may do (seed §I.2: data security throughout). Scope (a set of administrative
    /// units) limits where; the role limits what.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum Role {
        /// Everything, everywhere.
        Admin => "admin",
        /// Reads maps, aggregates and reports in scope; never household names or phone numbers.
        Leader => "leader",
        /// Manages villages, cultural houses, teams, households and targets of its communes.
        CommuneOfficer => "commune_officer",
        /// Records visits and donations; sees households of its team's villages.
        TeamMember => "team_member",
        /// Acts for one operator: Wi-Fi and coverage of that operator only; no household data.
        Telecom => "telecom",
    }
}

impl Role {
    /// Whether this role may do what `capability` names (scope and operator are checked apart).
    pub fn can(self, capability: Capability) -> bool {
        capability.roles().contains(&self)
    }
}

/// What a role may do. Each capability names its roles here and nowhere else: the API's route
/// table, the domain's checks and the pages' links all ask [`Role::can`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Capability {
    /// Any signed-in account.
    SignIn,
    /// Accounts, API tokens, the audit log, targets: the administrator's work.
    Administer,
    /// Add, change and disable accounts: every account for admins, the team members of their
    /// communes for commune officers (the domain checks whose).
    ManageAccounts,
    /// Load and correct the reference data of communes in scope (villages, cultural houses,
    /// household lists, a cultural house's position): admins anywhere, commune officers in theirs.
    ManagePlaces,
    /// Change a cultural house's Wi-Fi (scope, and for telecom accounts the operator, apply).
    EditWifi,
    /// Report an operator's coverage (telecom accounts for their own operator).
    ReportCoverage,
    /// Record households, visits and handovers: the field app.
    RecordField,
    /// Read door-to-door aggregates (no household names).
    ReadFieldProgress,
    /// Read the leaders' dashboard and reports (aggregates only).
    ReadDashboard,
    /// Enter the figures the app does not record, for communes in scope.
    ReportFigures,
    /// Register donors and pledges, allocate donated devices.
    ManageDonations,
}

impl Capability {
    /// The roles that have this capability.
    pub const fn roles(self) -> &'static [Role] {
        use Role::{Admin, CommuneOfficer, Leader, TeamMember, Telecom};
        match self {
            Capability::SignIn => &Role::ALL,
            Capability::Administer => &[Admin],
            Capability::EditWifi => &[Admin, CommuneOfficer, Telecom],
            Capability::ReportCoverage => &[Admin, Telecom],
            Capability::RecordField => &[Admin, CommuneOfficer, TeamMember],
            Capability::ReadFieldProgress => &[Admin, Leader, CommuneOfficer, TeamMember],
            Capability::ReadDashboard => &[Admin, Leader, CommuneOfficer],
            Capability::ReportFigures
            | Capability::ManageDonations
            | Capability::ManageAccounts
            | Capability::ManagePlaces => &[Admin, CommuneOfficer],
        }
    }
}

/// The signed-in account as the UI shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub operator: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_village_is_a_dead_zone_unless_someone_reports_good_4g_or_5g() {
        let entry = |village: &str, technology: &str, quality: &str| VillageCoverage {
            village_code: village.into(),
            operator: "viettel".into(),
            technology: technology.into(),
            quality: quality.into(),
            areas: Vec::new(),
        };
        let coverage =
            [entry("a", "4G", "good"), entry("b", "4G", "fair"), entry("b", "FTTH", "good"), entry("c", "5G", "good")];
        assert_eq!(dead_zone_villages(["a", "b", "c", "d"], &coverage), ["b", "d"]);
    }

    #[test]
    fn role_round_trips_through_its_name() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
        }
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn wifi_status_round_trips_through_its_name() {
        for status in WifiStatus::ALL {
            assert_eq!(status.as_str().parse::<WifiStatus>(), Ok(status));
        }
        let error = "working".parse::<WifiStatus>().unwrap_err();
        assert_eq!(error.value, "working");
    }
}

/// What the communes of a list are called, read from their names ("Xã …", "Phường …", "Thị trấn
/// …"), so that a picker says "Xã" where no town remains (there are none since July 2025) and
/// "Xã / thị trấn" for a period that had them. The name is data; so is this word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommuneKinds {
    Communes,
    Wards,
    /// Communes and wards, or names without a known prefix.
    CommunesAndWards,
    /// At least one town (thị trấn): before July 2025.
    WithTowns,
}

impl CommuneKinds {
    pub fn of<'a>(names: impl IntoIterator<Item = &'a str>) -> CommuneKinds {
        let (mut communes, mut wards, mut towns, mut others) = (false, false, false, false);
        for name in names {
            let name = name.trim().to_lowercase();
            if name.starts_with("xã ") {
                communes = true;
            } else if name.starts_with("phường ") {
                wards = true;
            } else if name.starts_with("thị trấn ") {
                towns = true;
            } else {
                others = true;
            }
        }
        match (communes, wards, towns, others) {
            (_, _, true, _) => CommuneKinds::WithTowns,
            (true, false, false, false) => CommuneKinds::Communes,
            (false, true, false, false) => CommuneKinds::Wards,
            _ => CommuneKinds::CommunesAndWards,
        }
    }

    /// Its place in the texts' lists of words (`Texts::filter_commune` and its kind).
    pub fn index(self) -> usize {
        self as usize
    }
}

#[cfg(test)]
mod commune_kinds_tests {
    use super::CommuneKinds;

    #[test]
    fn the_word_follows_the_names() {
        assert_eq!(CommuneKinds::of(["Xã Kim Tân", "Xã Vân Du"]), CommuneKinds::Communes);
        assert_eq!(CommuneKinds::of(["Xã Thành Vân", "Thị trấn Kim Tân"]), CommuneKinds::WithTowns);
        assert_eq!(CommuneKinds::of(["Phường Hạc Thành"]), CommuneKinds::Wards);
        assert_eq!(CommuneKinds::of(["Xã Kim Tân", "Phường Hạc Thành"]), CommuneKinds::CommunesAndWards);
        assert_eq!(CommuneKinds::of(Vec::<&str>::new()), CommuneKinds::CommunesAndWards);
    }
}
