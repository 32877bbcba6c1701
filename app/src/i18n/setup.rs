//! Texts of the setup page (`/thiet-lap`): the first-run checklist and the reference-data imports.

/// All setup text in one language. `{…}` marks a value filled in at run time.
pub struct SetupTexts {
    /// The account page's link to the setup page.
    pub page_link: &'static str,
    /// The map's notice to those who set up places while it has no cultural house.
    pub map_prompt: &'static str,
    pub title: &'static str,
    pub intro: &'static str,
    pub checklist_heading: &'static str,
    /// The checklist's steps, in order: communes, villages, cultural houses, households, accounts.
    pub steps: [&'static str; 5],
    /// What to do when a step has nothing yet, in the same order.
    pub missing: [&'static str; 5],
    /// "{count} cultural houses still to place on the map"
    pub houses_to_place: &'static str,
    pub done: &'static str,
    /// The upload forms' headings, in the order of the steps, then the reorganisation.
    pub kinds: [&'static str; 6],
    /// The columns each file may have, in the same order.
    pub columns: [&'static str; 6],
    /// The boundary form's choice to repair rings that cross themselves.
    pub repair: &'static str,
    /// "{rows} areas are valid…" and "Imported {rows} areas.", for GeoJSON files.
    pub features_valid: &'static str,
    pub features_imported: &'static str,
    /// What a boundary or reorganisation import did, in the order of `UnitCount`.
    pub unit_counts: [&'static str; 8],
    pub template: &'static str,
    /// "Added {created}, changed {updated}, already there {unchanged}."
    pub counts: &'static str,
    pub sign_in_sheet: &'static str,
    pub sign_in_sheet_note: &'static str,
    pub full_name: &'static str,
    pub print: &'static str,
    pub go_to_form: &'static str,
    /// The house sheet's button that places the house at the phone's position.
    pub here_button: &'static str,
    pub here_waiting: &'static str,
    /// "Placed here (± {accuracy} m)."
    pub here_done: &'static str,
    pub here_no_gps: &'static str,
}

pub static VI: SetupTexts = SetupTexts {
    page_link: "Thiết lập địa bàn",
    map_prompt: "Chưa có nhà văn hóa nào trên bản đồ. Bắt đầu thiết lập địa bàn: xã, thôn, nhà văn hóa, hộ gia đình, tài khoản.",
    title: "Thiết lập địa bàn",
    intro: "Nhập dữ liệu của địa bàn từ bảng tính đang có (XLSX hoặc CSV, tiêu đề tiếng Việt được): thôn, nhà văn hóa, danh sách hộ và tài khoản. Bấm “Kiểm tra” trước: chưa ghi gì, mọi lỗi được chỉ theo dòng. Nhập lại cùng một tệp không làm thay đổi gì.",
    checklist_heading: "Các bước",
    steps: ["Xã, phường", "Thôn, bản, tổ dân phố", "Nhà văn hóa", "Hộ gia đình", "Tài khoản"],
    missing: [
        "Chưa có xã nào: quản trị viên nhập địa giới (GeoJSON) ở mục “Địa giới xã, phường” bên dưới.",
        "Chưa có thôn nào: tải mẫu, điền danh sách thôn của xã rồi nhập.",
        "Chưa có nhà văn hóa nào: nhập danh sách; chưa biết tọa độ thì để trống, đặt vị trí sau.",
        "Chưa có hộ nào: nhập danh sách hộ của xã để tổ công nghệ có sẵn trên điện thoại.",
        "Chưa có tài khoản nào ngoài bạn: nhập danh sách thành viên tổ công nghệ.",
    ],
    houses_to_place: "{count} nhà văn hóa chưa có vị trí chính xác",
    done: "Đã có",
    kinds: [
        "Địa giới xã, phường (GeoJSON)",
        "Thôn, bản, tổ dân phố",
        "Nhà văn hóa",
        "Hộ gia đình",
        "Tài khoản",
        "Sáp nhập đơn vị hành chính",
    ],
    columns: [
        "Tệp GeoJSON (FeatureCollection): mỗi vùng có code (mã đơn vị) và name (tên); thêm level và parent_code để tạo đơn vị mới, valid_from (YYYY-MM-DD) cho đơn vị do sáp nhập lập ra từ ngày đó. Nhập lại thì cập nhật ranh giới.",
        "Cột: Mã xã, Tên thôn, Mã thôn (để trống thì tự tạo), Loại (thôn, bản, khu phố, tổ dân phố).",
        "Cột: Mã thôn, Tên nhà văn hóa, Mã nhà văn hóa, Vĩ độ, Kinh độ, Tình trạng Wi-Fi, Nhà mạng.",
        "Cột: Mã thôn, Chủ hộ, Hộ nghèo, Hộ cận nghèo, Dân tộc thiểu số, Người cao tuổi, Khuyết tật, Số người lớn, Có điện thoại thông minh, Vĩ độ, Kinh độ.",
        "Cột: Tên đăng nhập, Họ tên, Vai trò, Phạm vi (mã xã/thôn, cách nhau bằng dấu phẩy), Nhà mạng. Mật khẩu được tạo và hiện một lần.",
        "Cột: Mã cũ, Mã mới, Tên mới, Ngày hiệu lực (YYYY-MM-DD); nếu có: Tên cũ, Căn cứ pháp lý, Mã cấp trên mới. Mã mới để trống là giải thể (như cấp huyện). Đơn vị cũ nhập trọn vào đơn vị mới: thôn và phạm vi tài khoản chuyển theo; lịch sử, chỉ tiêu và số liệu đã báo vẫn thuộc đơn vị của thời kỳ đó. Chưa hỗ trợ chia tách một đơn vị.",
    ],
    repair: "Tự sửa vòng ranh giới tự cắt (kết quả liệt kê từng vùng đã sửa)",
    features_valid: "{rows} vùng hợp lệ. Chưa ghi gì; bấm “Nhập dữ liệu” để ghi.",
    features_imported: "Đã nhập {rows} vùng.",
    unit_counts: [
        "Tạo mới",
        "Cập nhật",
        "Chờ ngày hiệu lực",
        "Đã sửa ranh giới",
        "Kết thúc",
        "Chuyển sang đơn vị mới",
        "Tài khoản đổi phạm vi",
        "Đã áp dụng trước đó",
    ],
    template: "Tải tệp mẫu (XLSX)",
    counts: "Thêm mới {created}, cập nhật {updated}, giữ nguyên {unchanged}.",
    sign_in_sheet: "Phiếu đăng nhập",
    sign_in_sheet_note: "Mật khẩu chỉ hiện một lần: hãy in phiếu này ngay và trao tận tay từng người; mỗi người đổi mật khẩu sau lần đăng nhập đầu.",
    full_name: "Họ tên",
    print: "In phiếu",
    go_to_form: "Nhập",
    here_button: "Tôi đang đứng ở nhà văn hóa",
    here_waiting: "Đang chờ GPS xác định vị trí…",
    here_done: "Đã đặt nhà văn hóa tại đây (sai số ± {accuracy} m).",
    here_no_gps: "Không lấy được vị trí: hãy bật GPS và cho phép trình duyệt dùng vị trí.",
};

pub static EN: SetupTexts = SetupTexts {
    page_link: "Set up the area",
    map_prompt: "No cultural house on the map yet. Start setting up the area: communes, villages, cultural houses, households, accounts.",
    title: "Set up the area",
    intro: "Load the area's data from the spreadsheets you have (XLSX or CSV, Vietnamese headers accepted): villages, cultural houses, household lists and accounts. Press “Check” first: nothing is written and every problem is listed by line. Importing the same file again changes nothing.",
    checklist_heading: "Steps",
    steps: ["Communes and wards", "Villages", "Cultural houses", "Households", "Accounts"],
    missing: [
        "No commune yet: an administrator imports the boundaries (GeoJSON) in “Commune boundaries” below.",
        "No village yet: download the template, fill in the commune's villages and import it.",
        "No cultural house yet: import the list; leave the position blank if unknown and place it later.",
        "No household yet: import the commune's household list so the teams have it on their phones.",
        "No account but yours: import the list of the tech team's members.",
    ],
    houses_to_place: "{count} cultural houses without an exact position yet",
    done: "Loaded",
    kinds: ["Commune boundaries (GeoJSON)", "Villages", "Cultural houses", "Households", "Accounts", "Reorganisation of units"],
    columns: [
        "A GeoJSON FeatureCollection: each area has code and name; add level and parent_code to create a unit, valid_from (YYYY-MM-DD) for a unit a reorganisation creates on that day. Importing again updates the boundaries.",
        "Columns: commune_code, name, code (made up when blank), unit_type (thôn, bản, khu phố, tổ dân phố).",
        "Columns: village_code, name, code, lat, lon, wifi_status, provider.",
        "Columns: village_code, label, poor, near_poor, ethnic_minority, elderly, disability, adults, has_smartphone, lat, lon.",
        "Columns: username, display_name, role, scope (commune/village codes, comma separated), operator. Passwords are made up and shown once.",
        "Columns: old_code, new_code, new_name, effective_date (YYYY-MM-DD); optionally old_name, legal_basis, new_parent_code. A blank new_code dissolves a unit (such as a district). An old unit merges whole into the new one: villages and account scopes move with it; history, targets and reported figures stay with the unit of their period. Splitting a unit is not supported yet.",
    ],
    repair: "Repair rings that cross themselves (the answer lists each repaired area)",
    features_valid: "{rows} areas are valid. Nothing written yet; press “Import” to write them.",
    features_imported: "Imported {rows} areas.",
    unit_counts: [
        "Created",
        "Updated",
        "Waiting for their effective date",
        "Boundaries repaired",
        "Ended",
        "Moved to the new unit",
        "Accounts rescoped",
        "Already applied",
    ],
    template: "Download the template (XLSX)",
    counts: "Added {created}, changed {updated}, already there {unchanged}.",
    sign_in_sheet: "Sign-in sheet",
    sign_in_sheet_note: "Passwords are shown this once: print this sheet now and hand each person theirs; each changes it after signing in for the first time.",
    full_name: "Full name",
    print: "Print",
    go_to_form: "Import",
    here_button: "I am standing at the cultural house",
    here_waiting: "Waiting for the GPS fix…",
    here_done: "The cultural house is placed here (± {accuracy} m).",
    here_no_gps: "No position: turn on GPS and let the browser use your location.",
};
