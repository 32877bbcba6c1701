//! Vietnamese-first translations.
//!
//! Every text of the UI is a field of [`Texts`], and each language is one `static` value of it,
//! so a text missing in one language is a compile error rather than a blank on a phone. We chose
//! this over `leptos_i18n` because that crate's ICU data and build step cost minutes of compile
//! time on our two-core machines and kilobytes of wasm, for plural rules two languages do not need.

pub mod dashboard;
pub mod donations;
pub mod field;
pub mod inbox;
pub mod members;
pub mod setup;

use crate::model::WifiStatus;
use serde::{Deserialize, Serialize};

/// A text with its `{name}` placeholder filled in (texts mark run-time values that way).
pub fn fill(template: &str, name: &str, value: impl ToString) -> String {
    template.replace(&format!("{{{name}}}"), &value.to_string())
}

/// A language the UI speaks. Vietnamese is the default for every visitor.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Locale {
    #[default]
    Vi,
    En,
}

/// Name of the cookie that remembers the chosen language across visits and reloads.
pub const LOCALE_COOKIE: &str = "lang";

impl Locale {
    /// The BCP 47 tag used in `<html lang>` and in the cookie.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::Vi => "vi",
            Locale::En => "en",
        }
    }

    /// The language a tap on the switch changes to.
    pub fn other(self) -> Locale {
        match self {
            Locale::Vi => Locale::En,
            Locale::En => Locale::Vi,
        }
    }

    /// Reads the language from a `Cookie` header value; anything unknown means Vietnamese.
    pub fn from_cookie_header(header: &str) -> Locale {
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == LOCALE_COOKIE)
            .map(|(_, value)| if value == "en" { Locale::En } else { Locale::Vi })
            .unwrap_or_default()
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Locale::Vi => &VI,
            Locale::En => &EN,
        }
    }
}

/// All user-visible text of the UI in one language.
pub struct Texts {
    /// The language of these texts (messages from the server come in both; this picks one).
    pub locale: Locale,
    pub app_title: &'static str,
    /// The movement; the app bar adds the area's name from the data (no text names a place).
    pub app_subtitle: &'static str,
    pub switch_language: &'static str,
    /// Starts with the visible text (`switch_language`), so a voice command naming what is seen
    /// reaches the button (WCAG 2.5.3, "label in name").
    pub switch_language_label: &'static str,
    /// "{active}/{total} cultural houses with Wi-Fi", split around the numbers.
    pub wifi_count_suffix: &'static str,
    pub filter_status: &'static str,
    /// Indexed by `CommuneKinds::index`: "Xã" where only communes are listed, and so on.
    pub filter_commune: [&'static str; 4],
    pub all_statuses: &'static str,
    pub all_communes: [&'static str; 4],
    pub legend: &'static str,
    pub list_heading: &'static str,
    pub list_empty: &'static str,
    pub loading: &'static str,
    pub load_failed: &'static str,
    pub close: &'static str,
    pub village: &'static str,
    pub wifi: &'static str,
    pub provider: &'static str,
    pub bandwidth: &'static str,
    pub installed_at: &'static str,
    pub last_verified: &'static str,
    pub ssid: &'static str,
    pub ssid_public: &'static str,
    pub unknown: &'static str,
    pub coverage_heading: &'static str,
    pub coverage_none: &'static str,
    pub operator: &'static str,
    pub technology: &'static str,
    pub quality: &'static str,
    pub quality_none: &'static str,
    pub quality_weak: &'static str,
    pub quality_fair: &'static str,
    pub quality_good: &'static str,
    pub field_measured: &'static str,
    pub status_active: &'static str,
    pub status_broken: &'static str,
    pub status_installing: &'static str,
    pub status_planned: &'static str,
    pub status_none: &'static str,
    pub demo_notice: &'static str,
    pub map_label: &'static str,
    /// The button that turns the map picture into the map that moves (and fetches Leaflet).
    pub map_interactive: &'static str,
    pub map_interactive_loading: &'static str,
    pub map_interactive_failed: &'static str,
    pub not_found: &'static str,
    /// Public view: "{n} cultural houses with free Wi-Fi".
    pub public_wifi_suffix: &'static str,
    pub public_notice: &'static str,
    pub sign_in: &'static str,
    pub sign_in_title: &'static str,
    pub sign_out: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub account_title: &'static str,
    pub already_signed_in: &'static str,
    pub role: &'static str,
    pub change_password: &'static str,
    pub current_password: &'static str,
    pub new_password: &'static str,
    pub repeat_password: &'static str,
    pub passwords_differ: &'static str,
    pub password_changed: &'static str,
    pub working: &'static str,
    pub error_invalid_credentials: &'static str,
    pub error_throttled_minutes: &'static str,
    pub error_sign_in_required: &'static str,
    pub error_forbidden: &'static str,
    pub error_invalid_input: &'static str,
    pub role_admin: &'static str,
    pub role_leader: &'static str,
    pub role_commune_officer: &'static str,
    pub role_team_member: &'static str,
    pub role_telecom: &'static str,
    pub operator_page_link: &'static str,
    pub operator_page_title: &'static str,
    pub upload_kind: &'static str,
    pub upload_kind_wifi: &'static str,
    pub upload_kind_coverage: &'static str,
    pub upload_kind_coverage_areas: &'static str,
    pub choose_file: &'static str,
    pub check_file: &'static str,
    pub import_file: &'static str,
    /// "Uploading… {percent}%"
    pub uploading_percent: &'static str,
    pub checking: &'static str,
    /// "{rows} rows are valid; nothing written yet."
    pub rows_valid: &'static str,
    /// "Imported {rows} rows."
    pub rows_imported: &'static str,
    /// "The file was not imported: {count} problems."
    pub file_rejected: &'static str,
    pub line_or_feature: &'static str,
    pub problem: &'static str,
    pub no_file: &'static str,
    pub columns_wifi: &'static str,
    pub columns_coverage: &'static str,
    pub columns_coverage_areas: &'static str,
    /// The field app's texts.
    pub field: &'static field::FieldTexts,
    /// The leaders' dashboard's texts.
    pub dashboard: &'static dashboard::DashboardTexts,
    pub inbox: &'static inbox::InboxTexts,
    /// "Chắp cánh công nghệ" texts.
    pub donations: &'static donations::DonationTexts,
    /// The setup page's texts.
    pub setup: &'static setup::SetupTexts,
    /// The accounts page's texts.
    pub members: &'static members::MembersTexts,
    pub timeline_heading: &'static str,
    pub layer: &'static str,
    pub error_conflict: &'static str,
    pub edit_wifi: &'static str,
    pub save: &'static str,
    pub saved: &'static str,
    pub layer_wifi_only: &'static str,
    pub layer_dead_zones: &'static str,
    pub layer_coverage: &'static str,
    pub layer_measured: &'static str,
    pub layer_visits: &'static str,
    progress_bands: [&'static str; 5],
    pub version: &'static str,
    pub changed_by: &'static str,
}

impl Texts {
    pub fn status(&self, status: WifiStatus) -> &'static str {
        match status {
            WifiStatus::Active => self.status_active,
            WifiStatus::Broken => self.status_broken,
            WifiStatus::Installing => self.status_installing,
            WifiStatus::Planned => self.status_planned,
            WifiStatus::None => self.status_none,
        }
    }

    pub fn role(&self, role: crate::model::Role) -> &'static str {
        use crate::model::Role;
        match role {
            Role::Admin => self.role_admin,
            Role::Leader => self.role_leader,
            Role::CommuneOfficer => self.role_commune_officer,
            Role::TeamMember => self.role_team_member,
            Role::Telecom => self.role_telecom,
        }
    }

    /// What to tell a person about a failed server call, in this language.
    pub fn error(&self, error: &crate::error::AppError) -> String {
        use crate::error::AppError;
        match error {
            AppError::InvalidCredentials => self.error_invalid_credentials.to_owned(),
            AppError::Throttled { minutes } => self.error_throttled_minutes.replace("{minutes}", &minutes.to_string()),
            AppError::SignInRequired => self.error_sign_in_required.to_owned(),
            AppError::Forbidden => self.error_forbidden.to_owned(),
            AppError::Invalid(detail) => {
                format!("{} ({})", self.error_invalid_input, detail.in_vietnamese_if(self.locale == Locale::Vi))
            }
            AppError::NotFound => self.not_found.to_owned(),
            AppError::Conflict { .. } => self.error_conflict.to_owned(),
            AppError::Unavailable | AppError::Transport(_) => self.load_failed.to_owned(),
        }
    }

    /// Label of a coverage quality as stored (`none`/`weak`/`fair`/`good`).
    pub fn quality(&self, quality: &str) -> &'static str {
        match quality {
            "good" => self.quality_good,
            "fair" => self.quality_fair,
            "weak" => self.quality_weak,
            _ => self.quality_none,
        }
    }

    /// Label of a door-to-door progress band ([`crate::field_records::VillageProgress::band`]).
    pub fn progress_band(&self, band: &str) -> &'static str {
        let index = match band {
            "done" => 0,
            "mid" => 1,
            "low" => 2,
            "none" => 3,
            _ => 4,
        };
        self.progress_bands[index]
    }
}

pub static VI: Texts = Texts {
    locale: Locale::Vi,
    app_title: "Bản Đồ Số",
    app_subtitle: "Bình dân học vụ số",
    switch_language: "EN",
    switch_language_label: "EN: Switch to English",
    wifi_count_suffix: "nhà văn hóa có Wi-Fi",
    filter_status: "Trạng thái Wi-Fi",
    filter_commune: ["Xã", "Phường", "Xã / phường", "Xã / thị trấn"],
    all_statuses: "Tất cả trạng thái",
    all_communes: ["Tất cả các xã", "Tất cả các phường", "Tất cả xã, phường", "Tất cả xã, thị trấn"],
    legend: "Chú giải",
    list_heading: "Danh sách nhà văn hóa",
    list_empty: "Không có nhà văn hóa nào khớp bộ lọc.",
    loading: "Đang tải…",
    load_failed: "Không tải được dữ liệu. Kiểm tra kết nối rồi thử lại.",
    close: "Đóng",
    village: "Thôn / khu phố",
    wifi: "Wi-Fi",
    provider: "Nhà mạng",
    bandwidth: "Băng thông",
    installed_at: "Ngày lắp đặt",
    last_verified: "Kiểm tra lần cuối",
    ssid: "Tên mạng (SSID)",
    ssid_public: "Cho mọi người xem tên mạng",
    unknown: "Chưa có",
    coverage_heading: "Sóng di động mới nhất theo nhà mạng",
    coverage_none: "Chưa có báo cáo vùng phủ sóng.",
    operator: "Nhà mạng",
    technology: "Công nghệ",
    quality: "Chất lượng",
    quality_none: "Không có sóng",
    quality_weak: "Yếu",
    quality_fair: "Khá",
    quality_good: "Tốt",
    field_measured: "đo thực tế",
    status_active: "Đang hoạt động",
    status_broken: "Hỏng",
    status_installing: "Đang lắp đặt",
    status_planned: "Có kế hoạch",
    status_none: "Chưa có",
    demo_notice: "Dữ liệu minh họa (demo): thôn, nhà văn hóa, hộ gia đình và số liệu là giả định, không phải số liệu chính thức.",
    map_label: "Bản đồ nhà văn hóa",
    map_interactive: "Phóng to, kéo bản đồ",
    map_interactive_loading: "Đang tải bản đồ…",
    map_interactive_failed: "Chưa tải được bản đồ. Chạm để thử lại",
    not_found: "Không tìm thấy trang.",
    public_wifi_suffix: "nhà văn hóa có Wi-Fi miễn phí",
    public_notice: "Bạn đang xem bản đồ công khai: chỉ các điểm Wi-Fi đang hoạt động. Đăng nhập để xem toàn bộ.",
    sign_in: "Đăng nhập",
    sign_in_title: "Đăng nhập Bản Đồ Số",
    sign_out: "Đăng xuất",
    username: "Tên đăng nhập",
    password: "Mật khẩu",
    account_title: "Tài khoản",
    already_signed_in: "Bạn đang đăng nhập với tài khoản {name}. Hãy đăng xuất ở trang tài khoản trước khi đăng nhập bằng tài khoản khác.",
    role: "Vai trò",
    change_password: "Đổi mật khẩu",
    current_password: "Mật khẩu hiện tại",
    new_password: "Mật khẩu mới (ít nhất 10 ký tự)",
    repeat_password: "Nhập lại mật khẩu mới",
    passwords_differ: "Hai lần nhập mật khẩu mới không khớp.",
    password_changed: "Đã đổi mật khẩu. Các phiên đăng nhập khác đã kết thúc.",
    working: "Đang xử lý…",
    error_invalid_credentials: "Tên đăng nhập hoặc mật khẩu không đúng.",
    error_throttled_minutes: "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút.",
    error_sign_in_required: "Vui lòng đăng nhập.",
    error_forbidden: "Tài khoản của bạn không có quyền làm việc này.",
    error_invalid_input: "Dữ liệu chưa hợp lệ",
    role_admin: "Quản trị",
    role_leader: "Lãnh đạo",
    role_commune_officer: "Cán bộ xã",
    role_team_member: "Thành viên tổ công nghệ số",
    role_telecom: "Nhà mạng",
    operator_page_link: "Cập nhật Wi-Fi và vùng phủ sóng",
    operator_page_title: "Cập nhật Wi-Fi và vùng phủ sóng",
    upload_kind: "Loại dữ liệu",
    upload_kind_wifi: "Wi-Fi nhà văn hóa",
    upload_kind_coverage: "Vùng phủ sóng theo thôn",
    upload_kind_coverage_areas: "Vùng phủ sóng vẽ trên bản đồ (GeoJSON)",
    choose_file: "Tệp (Excel, CSV hoặc GeoJSON)",
    check_file: "Kiểm tra tệp",
    import_file: "Nhập dữ liệu",
    uploading_percent: "Đang tải lên… {percent}%",
    checking: "Đang kiểm tra…",
    rows_valid: "{rows} dòng hợp lệ. Chưa ghi gì; bấm “Nhập dữ liệu” để ghi.",
    rows_imported: "Đã nhập {rows} dòng.",
    file_rejected: "Tệp không được nhập: {count} lỗi. Sửa rồi thử lại; không dòng nào được ghi.",
    line_or_feature: "Dòng / đối tượng",
    problem: "Lỗi",
    no_file: "Hãy chọn một tệp.",
    columns_wifi: "Cột: cultural_house_id hoặc village_code, status (active, broken, installing, planned, none), provider, bandwidth_mbps, installed_at, last_verified_at, ssid, ssid_public (true/false).",
    timeline_heading: "Lịch sử Wi-Fi",
    layer: "Lớp bản đồ",
    error_conflict: "Đã có người cập nhật nhà văn hóa này trong lúc bạn sửa. Tải lại trang để xem bản mới rồi sửa lại.",
    edit_wifi: "Cập nhật Wi-Fi",
    save: "Lưu",
    saved: "Đã lưu.",
    layer_wifi_only: "Chỉ Wi-Fi nhà văn hóa",
    layer_dead_zones: "Vùng lõm sóng (không có 4G/5G tốt)",
    layer_coverage: "Vùng phủ sóng",
    layer_measured: "Đo thực tế (điện thoại của tổ công nghệ)",
    layer_visits: "Tiến độ đi từng nhà (hộ đã được thăm)",
    progress_bands: ["Đã thăm mọi hộ", "Đã thăm từ một nửa", "Đã thăm dưới một nửa", "Chưa thăm hộ nào", "Chưa có danh sách hộ"],
    version: "Phiên bản",
    changed_by: "Người cập nhật",
    columns_coverage: "Cột: village_code, operator, technology (2G, 3G, 4G, 5G, FTTH), quality (none, weak, fair, good), reported_at.",
    columns_coverage_areas: "Một FeatureCollection GeoJSON: mỗi đối tượng là một Polygon hoặc MultiPolygon (kinh độ, vĩ độ) với các thuộc tính village_code, technology, quality, và có thể operator, reported_at.",
    field: &field::VI,
    dashboard: &dashboard::VI,
    inbox: &inbox::VI,
    donations: &donations::VI,
    setup: &setup::VI,
    members: &members::VI,
};

pub static EN: Texts = Texts {
    locale: Locale::En,
    app_title: "Bản Đồ Số",
    app_subtitle: "Digital literacy for all",
    switch_language: "VI",
    switch_language_label: "VI: Chuyển sang tiếng Việt",
    wifi_count_suffix: "cultural houses with Wi-Fi",
    filter_status: "Wi-Fi status",
    filter_commune: ["Commune", "Ward", "Commune / ward", "Commune / town"],
    all_statuses: "All statuses",
    all_communes: ["All communes", "All wards", "All communes and wards", "All communes and towns"],
    legend: "Legend",
    list_heading: "Cultural houses",
    list_empty: "No cultural house matches the filter.",
    loading: "Loading…",
    load_failed: "Could not load the data. Check the connection and try again.",
    close: "Close",
    village: "Village",
    wifi: "Wi-Fi",
    provider: "Operator",
    bandwidth: "Bandwidth",
    installed_at: "Installed",
    last_verified: "Last verified",
    ssid: "Network name (SSID)",
    ssid_public: "Show the network name to everyone",
    unknown: "Not yet",
    coverage_heading: "Latest mobile coverage per operator",
    coverage_none: "No coverage report yet.",
    operator: "Operator",
    technology: "Technology",
    quality: "Quality",
    quality_none: "No signal",
    quality_weak: "Weak",
    quality_fair: "Fair",
    quality_good: "Good",
    field_measured: "field-measured",
    status_active: "Working",
    status_broken: "Broken",
    status_installing: "Being installed",
    status_planned: "Planned",
    status_none: "None",
    demo_notice: "Demo data: villages, cultural houses, households and figures are invented, not official.",
    map_label: "Map of cultural houses",
    map_interactive: "Zoom and move the map",
    map_interactive_loading: "Loading the map…",
    map_interactive_failed: "The map did not load. Tap to try again",
    not_found: "Page not found.",
    public_wifi_suffix: "cultural houses with free Wi-Fi",
    public_notice: "This is the public map: working Wi-Fi points only. Sign in to see everything.",
    sign_in: "Sign in",
    sign_in_title: "Sign in to Bản Đồ Số",
    sign_out: "Sign out",
    username: "Username",
    password: "Password",
    account_title: "Account",
    already_signed_in: "You are signed in as {name}. Sign out on the account page before signing in with another account.",
    role: "Role",
    change_password: "Change password",
    current_password: "Current password",
    new_password: "New password (at least 10 characters)",
    repeat_password: "Repeat the new password",
    passwords_differ: "The two new passwords differ.",
    password_changed: "Password changed. Your other sessions have ended.",
    working: "Working…",
    error_invalid_credentials: "Wrong username or password.",
    error_throttled_minutes: "Too many failed attempts. Please try again in {minutes} minutes.",
    error_sign_in_required: "Please sign in.",
    error_forbidden: "Your account may not do this.",
    error_invalid_input: "Invalid input",
    role_admin: "Administrator",
    role_leader: "Leader",
    role_commune_officer: "Commune officer",
    role_team_member: "Digital tech team member",
    role_telecom: "Telecom operator",
    operator_page_link: "Update Wi-Fi and coverage",
    operator_page_title: "Update Wi-Fi and coverage",
    upload_kind: "Data",
    upload_kind_wifi: "Cultural house Wi-Fi",
    upload_kind_coverage: "Coverage per village",
    upload_kind_coverage_areas: "Coverage areas drawn on the map (GeoJSON)",
    choose_file: "File (Excel, CSV or GeoJSON)",
    check_file: "Check file",
    import_file: "Import",
    uploading_percent: "Uploading… {percent}%",
    checking: "Checking…",
    rows_valid: "{rows} rows are valid. Nothing written yet; press “Import” to write them.",
    rows_imported: "Imported {rows} rows.",
    file_rejected: "The file was not imported: {count} problems. Fix them and try again; no row was written.",
    line_or_feature: "Line / feature",
    problem: "Problem",
    no_file: "Choose a file.",
    columns_wifi: "Columns: cultural_house_id or village_code, status (active, broken, installing, planned, none), provider, bandwidth_mbps, installed_at, last_verified_at, ssid, ssid_public (true/false).",
    timeline_heading: "Wi-Fi history",
    layer: "Map layer",
    error_conflict: "Someone else updated this cultural house while you were editing. Reload to see the new version, then edit again.",
    edit_wifi: "Update Wi-Fi",
    save: "Save",
    saved: "Saved.",
    layer_wifi_only: "Cultural house Wi-Fi only",
    layer_dead_zones: "Dead zones (no good 4G/5G)",
    layer_coverage: "Coverage",
    layer_measured: "Field-measured (tech teams' phones)",
    layer_visits: "Door-to-door progress (households visited)",
    progress_bands: ["Every household visited", "Half or more visited", "Under half visited", "No household visited", "No household list yet"],
    version: "Version",
    changed_by: "Updated by",
    columns_coverage: "Columns: village_code, operator, technology (2G, 3G, 4G, 5G, FTTH), quality (none, weak, fair, good), reported_at.",
    columns_coverage_areas: "A GeoJSON FeatureCollection: each feature a Polygon or MultiPolygon (longitude, latitude) with properties village_code, technology, quality, and optionally operator, reported_at.",
    field: &field::EN,
    dashboard: &dashboard::EN,
    inbox: &inbox::EN,
    donations: &donations::EN,
    setup: &setup::EN,
    members: &members::EN,
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_selects_english_only_when_asked() {
        assert_eq!(Locale::from_cookie_header("a=1; lang=en"), Locale::En);
        assert_eq!(Locale::from_cookie_header("lang=vi"), Locale::Vi);
        assert_eq!(Locale::from_cookie_header("lang=xx"), Locale::Vi);
        assert_eq!(Locale::from_cookie_header(""), Locale::Vi);
    }

    #[test]
    fn every_skill_has_a_distinct_label_in_each_language() {
        for texts in [&VI, &EN] {
            let mut labels: Vec<_> = crate::field_records::Skill::ALL.iter().map(|s| texts.field.skill(*s)).collect();
            labels.sort();
            labels.dedup();
            assert_eq!(labels.len(), crate::field_records::Skill::ALL.len());
        }
        assert_eq!(VI.field.skill(crate::field_records::Skill::VneidInstall), "Cài VNeID");
        assert_eq!(EN.field.skill(crate::field_records::Skill::Other), "Other");
    }

    #[test]
    fn every_status_has_a_distinct_label_in_each_language() {
        for texts in [&VI, &EN] {
            let mut labels: Vec<_> = WifiStatus::ALL.iter().map(|s| texts.status(*s)).collect();
            labels.sort();
            labels.dedup();
            assert_eq!(labels.len(), WifiStatus::ALL.len());
        }
    }
}
