//! Texts of the operator's inbox on `/nha-mang`: disagreements between what it declares and what
//! phones measured, its answers, and declarations to re-confirm.

/// All text of the inbox in one language. `{…}` marks a value filled in at run time.
pub struct InboxTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub none: &'static str,
    pub village: &'static str,
    pub commune: &'static str,
    /// The count column of the dashboard's table.
    pub disagreements: &'static str,
    pub operator: &'static str,
    pub declared: &'static str,
    pub measured: &'static str,
    /// `{quality}`, `{samples}`, `{days}`, `{phones}`.
    pub measured_summary: &'static str,
    pub age: &'static str,
    /// `{days}`.
    pub age_days: &'static str,
    pub overdue: &'static str,
    pub answer: &'static str,
    pub unanswered: &'static str,
    pub acknowledged: &'static str,
    pub will_fix: &'static str,
    pub disagree: &'static str,
    pub fixed: &'static str,
    pub fix_by: &'static str,
    pub reason: &'static str,
    pub new_quality: &'static str,
    pub send: &'static str,
    pub stale_title: &'static str,
    pub stale_none: &'static str,
    pub last_confirmed: &'static str,
    pub confirm: &'static str,
    pub saved: &'static str,
    /// `{detail}`: the server's reason.
    pub refused: &'static str,
    pub load_failed: &'static str,
}

impl InboxTexts {
    /// An answer's name, from its code.
    pub fn answer_name(&self, code: &str) -> &'static str {
        match code {
            "acknowledged" => self.acknowledged,
            "will_fix" => self.will_fix,
            "disagree" => self.disagree,
            "fixed" => self.fixed,
            _ => self.unanswered,
        }
    }
}

pub static VI: InboxTexts = InboxTexts {
    title: "Khác biệt khai báo / đo thực tế",
    intro: "Nơi nhà mạng khai báo sóng tốt hoặc khá nhưng điện thoại đo được yếu hoặc không có sóng ít nhất 3 lần trong 2 ngày. Chưa trả lời sau 30 ngày là quá hạn.",
    none: "Không có khác biệt nào.",
    village: "Thôn",
    commune: "Xã",
    disagreements: "Số khác biệt",
    operator: "Nhà mạng",
    declared: "Khai báo",
    measured: "Đo thực tế",
    measured_summary: "{quality}: {samples} lần đo, {days} ngày, {phones} máy",
    age: "Đã",
    age_days: "{days} ngày",
    overdue: "Quá hạn",
    answer: "Trả lời",
    unanswered: "Chưa trả lời",
    acknowledged: "Đã ghi nhận",
    will_fix: "Sẽ khắc phục trước ngày",
    disagree: "Không đồng ý",
    fixed: "Đã khắc phục",
    fix_by: "Ngày khắc phục",
    reason: "Lý do",
    new_quality: "Chất lượng sóng mới",
    send: "Gửi trả lời",
    stale_title: "Khai báo cần xác nhận lại (quá 12 tháng)",
    stale_none: "Không có khai báo nào quá 12 tháng.",
    last_confirmed: "Khai báo/xác nhận lần cuối",
    confirm: "Xác nhận vẫn đúng",
    saved: "Đã lưu.",
    refused: "Không lưu được: {detail}",
    load_failed: "Không tải được danh sách. Hãy thử lại.",
};

pub static EN: InboxTexts = InboxTexts {
    title: "Declared vs measured",
    intro: "Where the operator declares good or fair coverage but phones measured weak or no signal at least 3 times over 2 days. Unanswered after 30 days is overdue.",
    none: "No disagreements.",
    village: "Village",
    commune: "Commune",
    disagreements: "Disagreements",
    operator: "Operator",
    declared: "Declared",
    measured: "Measured",
    measured_summary: "{quality}: {samples} measurements, {days} days, {phones} phones",
    age: "Since",
    age_days: "{days} days",
    overdue: "Overdue",
    answer: "Answer",
    unanswered: "Not answered",
    acknowledged: "Acknowledged",
    will_fix: "Will fix by",
    disagree: "Disagree",
    fixed: "Fixed",
    fix_by: "Fix date",
    reason: "Reason",
    new_quality: "New coverage quality",
    send: "Send answer",
    stale_title: "Declarations to re-confirm (over 12 months old)",
    stale_none: "No declaration is over 12 months old.",
    last_confirmed: "Declared/confirmed last",
    confirm: "Still true",
    saved: "Saved.",
    refused: "Not saved: {detail}",
    load_failed: "The list could not be loaded. Please try again.",
};
