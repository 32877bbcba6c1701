//! The plan's indicators (seed §III, §IV and the appendix): what leaders track, who owns each,
//! and where its actual figure comes from. Shared by the server (computing) and the dashboard.

use crate::{said, Said};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::RangeInclusive;
use std::str::FromStr;

/// The years a target, a figure or a report may be for: the schema's check, the API's and the
/// pages' forms all use this range.
pub const PLAN_YEARS: RangeInclusive<i32> = 2020..=2100;

/// A plan year, or why it is not one.
pub fn plan_year(year: i32) -> Result<i32, Said> {
    if PLAN_YEARS.contains(&year) {
        Ok(year)
    } else {
        let (first, last) = (PLAN_YEARS.start(), PLAN_YEARS.end());
        Err(said(
            format!("year: {year} is not a plan year ({first} to {last})"),
            format!("year: {year} không phải năm kế hoạch ({first} đến {last})"),
        ))
    }
}

/// One indicator of the plan. The codes are stored (targets, officers' reports) and sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    /// Appendix 1: public-sector staff with digital skills.
    PublicStaff,
    /// Appendix 2: secondary pupils equipped with digital skills.
    SecondaryPupils,
    /// Appendix 3: pupils from primary level equipped with digital skills.
    PrimaryPupils,
    /// Appendix 4: adults with basic digital skills.
    AdultsBasicSkills,
    /// Appendix 5: adults confirmed on VNeID.
    AdultsVneid,
    /// Appendix 6: workers of enterprises and cooperatives with digital skills.
    EnterpriseWorkers,
    /// §IV.9: village cultural houses with working Wi-Fi.
    CulturalHouseWifi,
    /// §IV.7 "Gia đình số": households with at least one member guided.
    DigitalFamilies,
    /// §IV.7: communes with at least one support person at the one-stop office.
    CommuneSupport,
    /// §IV.7 "Đại sứ số": guides who have taught at least five learners.
    DigitalAmbassadors,
}

/// Where an indicator's actual figure comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Computed by the app from what it records (Wi-Fi, households, visits).
    Recorded,
    /// Entered by commune officers from their own counts (schools, offices, enterprises).
    Entered,
}

/// What the plan's appendix says about an indicator.
pub struct Definition {
    pub indicator: Indicator,
    pub name_vi: &'static str,
    pub name_en: &'static str,
    /// The office in charge (đơn vị chủ trì), as the appendix names it.
    pub owner: &'static str,
    /// Coordinating units (đơn vị phối hợp).
    pub coordinating: &'static str,
    pub source: Source,
    /// How the recorded figure is computed, in Vietnamese (shown beside it).
    pub method_vi: &'static str,
    pub method_en: &'static str,
    /// The plan's targets for 2025 and 2026, in percent (`None`: the plan sets none).
    pub target_2025: Option<f64>,
    pub target_2026: Option<f64>,
}

const VHKHTT: &str = "Phòng Văn hóa, Khoa học và Thông tin";
const ENTERED_VI: &str = "Cán bộ xã nhập theo số liệu của đơn vị (tử số / mẫu số).";
const ENTERED_EN: &str = "Entered by commune officers from their units' counts (numerator / denominator).";

/// Every indicator with the plan's words and figures, in the appendix's order.
pub const DEFINITIONS: [Definition; 10] = [
    Definition {
        indicator: Indicator::PublicStaff,
        name_vi: "Cán bộ, công chức, viên chức, người lao động khu vực công có kỹ năng số",
        name_en: "Public-sector staff with digital skills",
        owner: VHKHTT,
        coordinating: "Phòng Nội vụ; các cơ quan, đơn vị liên quan",
        source: Source::Entered,
        method_vi: ENTERED_VI,
        method_en: ENTERED_EN,
        target_2025: Some(90.0),
        target_2026: Some(100.0),
    },
    Definition {
        indicator: Indicator::SecondaryPupils,
        name_vi: "Học sinh trung học được trang bị kiến thức, kỹ năng số",
        name_en: "Secondary pupils with digital skills",
        owner: "Phòng Giáo dục và Đào tạo",
        coordinating: "Phòng Văn hóa, Khoa học và Thông tin; các cơ quan, đơn vị liên quan",
        source: Source::Entered,
        method_vi: ENTERED_VI,
        method_en: ENTERED_EN,
        target_2025: Some(100.0),
        target_2026: None,
    },
    Definition {
        indicator: Indicator::PrimaryPupils,
        name_vi: "Học sinh từ cấp tiểu học được trang bị kiến thức, kỹ năng số",
        name_en: "Pupils from primary level with digital skills",
        owner: "Phòng Giáo dục và Đào tạo",
        coordinating: "Phòng Văn hóa, Khoa học và Thông tin; các cơ quan, đơn vị liên quan",
        source: Source::Entered,
        method_vi: ENTERED_VI,
        method_en: ENTERED_EN,
        target_2025: None,
        target_2026: Some(100.0),
    },
    Definition {
        indicator: Indicator::AdultsBasicSkills,
        name_vi: "Người trưởng thành có tri thức cơ bản về chuyển đổi số, kỹ năng số",
        name_en: "Adults with basic digital skills",
        owner: "UBND các xã, thị trấn",
        coordinating: "Phòng Văn hóa, Khoa học và Thông tin; các cơ quan, đơn vị liên quan",
        source: Source::Entered,
        method_vi: ENTERED_VI,
        method_en: ENTERED_EN,
        target_2025: Some(85.0),
        target_2026: Some(100.0),
    },
    Definition {
        indicator: Indicator::AdultsVneid,
        name_vi: "Người trưởng thành được xác nhận phổ cập kỹ năng số trên VNeID",
        name_en: "Adults confirmed on VNeID",
        owner: "Văn phòng HĐND và UBND",
        coordinating: "Phòng Văn hóa, Khoa học và Thông tin; các cơ quan, đơn vị liên quan",
        source: Source::Recorded,
        method_vi: "Từ lượt thăm hộ: số lượt kích hoạt VNeID / số người lớn của các hộ đã lập danh sách (ước tính).",
        method_en: "From household visits: VNeID activations / adults of the listed households (an estimate).",
        target_2025: Some(60.0),
        target_2026: Some(80.0),
    },
    Definition {
        indicator: Indicator::EnterpriseWorkers,
        name_vi: "Người lao động doanh nghiệp, hợp tác xã có kỹ năng số",
        name_en: "Enterprise and cooperative workers with digital skills",
        owner: "Liên đoàn Lao động huyện",
        coordinating: "Phòng Văn hóa, Khoa học và Thông tin; các cơ quan, đơn vị liên quan",
        source: Source::Entered,
        method_vi: ENTERED_VI,
        method_en: ENTERED_EN,
        target_2025: Some(80.0),
        target_2026: Some(100.0),
    },
    Definition {
        indicator: Indicator::CulturalHouseWifi,
        name_vi: "Nhà văn hóa thôn, bản, tổ dân phố có Wi-Fi hoạt động",
        name_en: "Village cultural houses with working Wi-Fi",
        owner: VHKHTT,
        coordinating: "Các doanh nghiệp viễn thông; UBND các xã, thị trấn",
        source: Source::Recorded,
        method_vi: "Từ bản đồ: nhà văn hóa có Wi-Fi đang hoạt động / tổng số nhà văn hóa.",
        method_en: "From the map: cultural houses with working Wi-Fi / all cultural houses.",
        target_2025: Some(100.0),
        target_2026: Some(100.0),
    },
    Definition {
        indicator: Indicator::DigitalFamilies,
        name_vi: "Gia đình số: hộ có ít nhất một thành viên có kỹ năng số",
        name_en: "Digital families: households with at least one member with digital skills",
        owner: "UBND các xã, thị trấn",
        coordinating: "Tổ công nghệ số cộng đồng",
        source: Source::Recorded,
        method_vi: "Từ lượt thăm hộ: hộ đã được hướng dẫn ít nhất một người / số hộ đã lập danh sách.",
        method_en: "From household visits: households where someone was guided / listed households.",
        target_2025: Some(100.0),
        target_2026: Some(100.0),
    },
    Definition {
        indicator: Indicator::CommuneSupport,
        name_vi: "Xã có ít nhất một người hỗ trợ tại bộ phận một cửa",
        name_en: "Communes with at least one support person at the one-stop office",
        owner: "UBND các xã, thị trấn",
        coordinating: VHKHTT,
        source: Source::Entered,
        method_vi: "Cán bộ xã nhập: 1 / 1 khi xã đã có người hỗ trợ, 0 / 1 khi chưa.",
        method_en: "Entered by the commune officer: 1 / 1 when the commune has a support person, 0 / 1 when not.",
        target_2025: Some(100.0),
        target_2026: Some(100.0),
    },
    Definition {
        indicator: Indicator::DigitalAmbassadors,
        name_vi: "Đại sứ số: người hướng dẫn có ít nhất 5 người học",
        name_en: "Digital ambassadors: guides with at least five learners",
        owner: "Tổ công nghệ số cộng đồng",
        coordinating: "UBND các xã, thị trấn",
        source: Source::Recorded,
        method_vi: "Từ lượt thăm hộ: người ghi lượt thăm đã hướng dẫn tổng cộng từ 5 người / mọi người ghi lượt thăm.",
        method_en: "From household visits: recorders who guided five people or more in all / every recorder.",
        target_2025: Some(100.0),
        target_2026: Some(100.0),
    },
];

impl Indicator {
    pub fn definition(self) -> &'static Definition {
        DEFINITIONS.iter().find(|definition| definition.indicator == self).unwrap_or(&DEFINITIONS[0])
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Indicator::PublicStaff => "public_staff",
            Indicator::SecondaryPupils => "secondary_pupils",
            Indicator::PrimaryPupils => "primary_pupils",
            Indicator::AdultsBasicSkills => "adults_basic_skills",
            Indicator::AdultsVneid => "adults_vneid",
            Indicator::EnterpriseWorkers => "enterprise_workers",
            Indicator::CulturalHouseWifi => "cultural_house_wifi",
            Indicator::DigitalFamilies => "digital_families",
            Indicator::CommuneSupport => "commune_support",
            Indicator::DigitalAmbassadors => "digital_ambassadors",
        }
    }

    pub fn all() -> impl Iterator<Item = Indicator> {
        DEFINITIONS.iter().map(|definition| definition.indicator)
    }
}

impl fmt::Display for Indicator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Indicator {
    type Err = crate::UnknownValue;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Indicator::all().find(|indicator| indicator.as_str() == value).ok_or_else(|| crate::UnknownValue {
            value: value.to_owned(),
            expected: "public_staff, secondary_pupils, primary_pupils, adults_basic_skills, adults_vneid, \
                       enterprise_workers, cultural_house_wifi, digital_families, commune_support, digital_ambassadors",
        })
    }
}

/// A share: how many of how many. `percent` is `None` when there is nothing to count yet.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Ratio {
    pub numerator: f64,
    pub denominator: f64,
}

impl Ratio {
    /// The share in percent, capped at 100 (an estimate may count more than its base).
    pub fn percent(self) -> Option<f64> {
        (self.denominator > 0.0).then(|| (self.numerator / self.denominator * 100.0).min(100.0))
    }
}

/// Communes' shares add up as counts: 3 of 4 and 1 of 6 make 4 of 10.
impl std::ops::Add for Ratio {
    type Output = Ratio;

    fn add(self, other: Ratio) -> Ratio {
        Ratio { numerator: self.numerator + other.numerator, denominator: self.denominator + other.denominator }
    }
}

/// One indicator in one unit of the breakdown (one level below the area shown: a commune in a
/// district's or province's view, a village in a commune's, a province in the country's). The
/// field names say "commune" because a district's breakdown was the first; `level` says what it is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CommuneFigure {
    pub commune_code: String,
    pub commune: String,
    /// `province`, `district`, `commune` or `village`.
    #[serde(default)]
    pub level: String,
    /// `None`: no figure yet (nothing recorded, or no report entered).
    pub actual: Option<Ratio>,
    pub percent: Option<f64>,
    /// The commune's target for the year (its own if an admin set one, else the area's).
    pub target: Option<f64>,
    /// Target minus actual, in percentage points (0 when reached); `None` without both.
    pub gap: Option<f64>,
    /// For entered figures: the period of the report used (e.g. `2026-Q3`).
    pub period: Option<String>,
}

/// One indicator across the caller's area, with its communes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct IndicatorStatus {
    pub indicator: Indicator,
    pub name_vi: String,
    pub name_en: String,
    pub owner: String,
    pub coordinating: String,
    pub source: Source,
    pub method_vi: String,
    pub method_en: String,
    pub year: i32,
    /// The year's target in percent (as set by admins, pre-filled from the plan).
    pub target: Option<f64>,
    pub actual: Option<Ratio>,
    pub percent: Option<f64>,
    pub gap: Option<f64>,
    /// The quarter the figures are for (`YYYY-Qn`; the current quarter: as of now).
    #[serde(default)]
    pub period: Option<String>,
    /// The area one level down (see [`CommuneFigure`]).
    pub communes: Vec<CommuneFigure>,
    /// The area's figure at the end of each quarter of the year begun so far: recorded data
    /// counted up to then, or the officers' reports of that quarter.
    pub trend: Vec<TrendPoint>,
}

/// An indicator over the caller's area in one quarter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TrendPoint {
    /// `YYYY-Qn`.
    pub period: String,
    pub actual: Option<Ratio>,
    pub percent: Option<f64>,
}

/// How a period's figures are broken down and named.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Boundaries {
    /// By the units of the period (2025-Q2: the communes before the July 2025 merger).
    #[default]
    OfTheTime,
    /// By today's units, the past rolled up into them ("theo địa giới hiện nay"), so trends
    /// across a reorganisation compare.
    Today,
}

/// A unit named in an overview: the area shown, or one of its breakdown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UnitRef {
    pub code: String,
    pub name: String,
    pub level: String,
    /// Whether the leader can drill into it (it has units below it in the period).
    pub has_children: bool,
}

/// What a leader asks of the indicators: a year, optionally a quarter of it, an area (a unit's
/// code, within the leader's scope), and how to draw boundaries.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverviewRequest {
    pub year: i32,
    /// `YYYY-Qn` of `year`; the latest quarter begun when absent.
    pub period: Option<String>,
    /// The unit to show, broken down one level; the top of the leader's area when absent.
    pub unit: Option<String>,
    pub boundaries: Boundaries,
}

/// The indicators of an area for a period, broken down one level, as the dashboard shows them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Overview {
    pub year: i32,
    pub period: String,
    /// The quarters of the year begun so far, oldest first.
    pub periods: Vec<String>,
    pub boundaries: Boundaries,
    /// The area shown; `None` when it is the leader's whole scope of several units.
    pub area: Option<UnitRef>,
    /// The path from the top of the leader's area down to the area shown, for going back up.
    pub path: Vec<UnitRef>,
    /// The units one level down, in the order the figures list them.
    pub units: Vec<UnitRef>,
    pub indicators: Vec<IndicatorStatus>,
}

/// Percentage points still to go: `target - percent`, never below zero.
pub fn gap(target: Option<f64>, percent: Option<f64>) -> Option<f64> {
    Some((target? - percent?).max(0.0))
}

/// Why a village ranks where it does in "nên làm gì tiếp".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PriorityReason {
    /// The cultural house has no working Wi-Fi (its status says which).
    NoWorkingWifi { wifi_status: String },
    /// No operator reports good 4G/5G.
    WeakCoverage,
    /// Households listed but not visited yet.
    HouseholdsNotVisited { not_visited: i64, households: i64 },
    /// No household list yet: the door-to-door round has not started.
    NoHouseholdList,
    /// Operators that declare good coverage where phones measured weak or none, and have not
    /// answered for more than 30 days.
    OverdueDisagreement { operators: Vec<String> },
}

/// A village in the priority list, with its score and the reasons behind it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VillagePriority {
    pub village_code: String,
    pub village: String,
    pub commune_code: String,
    pub commune: String,
    /// Higher is more urgent: the sum of the reasons' weights.
    pub score: f64,
    pub reasons: Vec<PriorityReason>,
    /// Where to open it on the map.
    pub lon: Option<f64>,
    pub lat: Option<f64>,
}

/// Weights of the priority score. Working Wi-Fi at the cultural house is the plan's first
/// infrastructure target and the place classes are held, so it weighs most.
pub const WEIGHT_NO_WIFI: f64 = 3.0;
pub const WEIGHT_WEAK_COVERAGE: f64 = 2.0;
/// Multiplied by the share of households not visited (0 to 1).
pub const WEIGHT_NOT_VISITED: f64 = 2.0;
pub const WEIGHT_NO_LIST: f64 = 2.0;
/// An operator's unanswered disagreement over 30 days old: the leader has to push it.
pub const WEIGHT_OVERDUE_DISAGREEMENT: f64 = 2.0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_indicator_has_one_definition_and_round_trips_its_code() {
        for indicator in Indicator::all() {
            assert_eq!(indicator.definition().indicator, indicator);
            assert_eq!(indicator.as_str().parse::<Indicator>().ok(), Some(indicator));
        }
        assert_eq!(Indicator::all().count(), DEFINITIONS.len());
        assert!("nope".parse::<Indicator>().is_err());
    }

    #[test]
    fn the_plan_targets_are_those_of_the_appendix() {
        let targets = |indicator: Indicator| {
            let definition = indicator.definition();
            (definition.target_2025, definition.target_2026)
        };
        assert_eq!(targets(Indicator::PublicStaff), (Some(90.0), Some(100.0)));
        assert_eq!(targets(Indicator::SecondaryPupils), (Some(100.0), None));
        assert_eq!(targets(Indicator::PrimaryPupils), (None, Some(100.0)));
        assert_eq!(targets(Indicator::AdultsBasicSkills), (Some(85.0), Some(100.0)));
        assert_eq!(targets(Indicator::AdultsVneid), (Some(60.0), Some(80.0)));
        assert_eq!(targets(Indicator::EnterpriseWorkers), (Some(80.0), Some(100.0)));
    }

    #[test]
    fn shares_are_capped_and_gaps_never_negative() {
        assert_eq!(Ratio { numerator: 3.0, denominator: 4.0 }.percent(), Some(75.0));
        assert_eq!(Ratio { numerator: 5.0, denominator: 4.0 }.percent(), Some(100.0));
        assert_eq!(Ratio { numerator: 0.0, denominator: 0.0 }.percent(), None);
        assert_eq!(gap(Some(80.0), Some(75.0)), Some(5.0));
        assert_eq!(gap(Some(80.0), Some(90.0)), Some(0.0));
        assert_eq!(gap(None, Some(90.0)), None);
    }
}
