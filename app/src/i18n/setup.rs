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
    /// The upload forms' headings, in the order of the steps from villages on.
    pub kinds: [&'static str; 4],
    /// The columns each file may have, in the same order.
    pub columns: [&'static str; 4],
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
        "Chưa có xã nào: quản trị viên nhập địa giới (GeoJSON) bằng lệnh bandoso import boundaries hoặc API /api/v1/imports/boundaries.",
        "Chưa có thôn nào: tải mẫu, điền danh sách thôn của xã rồi nhập.",
        "Chưa có nhà văn hóa nào: nhập danh sách; chưa biết tọa độ thì để trống, đặt vị trí sau.",
        "Chưa có hộ nào: nhập danh sách hộ của xã để tổ công nghệ có sẵn trên điện thoại.",
        "Chưa có tài khoản nào ngoài bạn: nhập danh sách thành viên tổ công nghệ.",
    ],
    houses_to_place: "{count} nhà văn hóa chưa có vị trí chính xác",
    done: "Đã có",
    kinds: ["Thôn, bản, tổ dân phố", "Nhà văn hóa", "Hộ gia đình", "Tài khoản"],
    columns: [
        "Cột: Mã xã, Tên thôn, Mã thôn (để trống thì tự tạo), Loại (thôn, bản, khu phố, tổ dân phố).",
        "Cột: Mã thôn, Tên nhà văn hóa, Mã nhà văn hóa, Vĩ độ, Kinh độ, Tình trạng Wi-Fi, Nhà mạng.",
        "Cột: Mã thôn, Chủ hộ, Hộ nghèo, Hộ cận nghèo, Dân tộc thiểu số, Người cao tuổi, Khuyết tật, Số người lớn, Có điện thoại thông minh, Vĩ độ, Kinh độ.",
        "Cột: Tên đăng nhập, Họ tên, Vai trò, Phạm vi (mã xã/thôn, cách nhau bằng dấu phẩy), Nhà mạng. Mật khẩu được tạo và hiện một lần.",
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
        "No commune yet: an administrator imports the boundaries (GeoJSON) with bandoso import boundaries or the API /api/v1/imports/boundaries.",
        "No village yet: download the template, fill in the commune's villages and import it.",
        "No cultural house yet: import the list; leave the position blank if unknown and place it later.",
        "No household yet: import the commune's household list so the teams have it on their phones.",
        "No account but yours: import the list of the tech team's members.",
    ],
    houses_to_place: "{count} cultural houses without an exact position yet",
    done: "Loaded",
    kinds: ["Villages", "Cultural houses", "Households", "Accounts"],
    columns: [
        "Columns: commune_code, name, code (made up when blank), unit_type (thôn, bản, khu phố, tổ dân phố).",
        "Columns: village_code, name, code, lat, lon, wifi_status, provider.",
        "Columns: village_code, label, poor, near_poor, ethnic_minority, elderly, disability, adults, has_smartphone, lat, lon.",
        "Columns: username, display_name, role, scope (commune/village codes, comma separated), operator. Passwords are made up and shown once.",
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
