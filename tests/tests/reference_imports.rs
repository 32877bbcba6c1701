//! A place loads its own villages, cultural houses, households and accounts from the tables its
//! offices keep, through `POST /api/v1/imports/{kind}`, on SQLite and PostgreSQL: every format
//! reads the same, a bad line writes nothing, an officer stays within their communes, and a file
//! imported twice changes nothing the second time.

use bandoso_tests::{create_account, get_bytes, login, on_each_backend, post_file, As};
use domain::admin_units::{self, Boundary, Level, NewUnit};
use domain::Db;
use http::StatusCode;
use model::Role;
use serde_json::Value;

/// A household's label, poor, ethnic_minority, adults and has_smartphone.
type Flags = (String, i64, i64, Option<i64>, Option<i64>);

const PASSWORD: &str = "mat-khau-du-dai-2026";

/// Province 38 with commune 15187 (with a boundary, where houses without a position stand until
/// placed) and commune 15190 (without); operator viettel; an admin and an officer of 15187.
async fn place(db: &Db) {
    let mut tx = db.begin_write().await.expect("begin");
    domain::coverage::upsert_operator(&mut *tx, "viettel", "Viettel").await.expect("operator");
    let province = admin_units::insert(
        &mut *tx,
        &NewUnit { parent_id: None, level: Level::Province, code: "38", name: "Tỉnh Thanh Hóa", boundary: None },
    )
    .await
    .expect("province");
    let square = Boundary {
        geojson:
            r#"{"type":"Polygon","coordinates":[[[105.5,20.1],[105.7,20.1],[105.7,20.3],[105.5,20.3],[105.5,20.1]]]}"#
                .to_owned(),
        min_lon: 105.5,
        min_lat: 20.1,
        max_lon: 105.7,
        max_lat: 20.3,
    };
    for (code, name, boundary) in [("15187", "Xã Kim Tân", Some(&square)), ("15190", "Xã Vân Du", None)] {
        let unit = NewUnit { parent_id: Some(province), level: Level::Commune, code, name, boundary };
        admin_units::insert(&mut *tx, &unit).await.expect("commune");
    }
    tx.commit().await.expect("commit");
    create_account(db, "quantri", PASSWORD, Role::Admin, &[]).await;
    create_account(db, "canbo", PASSWORD, Role::CommuneOfficer, &["15187".to_owned()]).await;
}

async fn signed_in(app: &axum::Router, username: &str) -> As {
    As::Session(login(app, username, PASSWORD).await)
}

/// The place of [`place`], its router, and its admin and officer signed in.
async fn placed(test_db: &bandoso_tests::TestDb) -> (axum::Router, As, As) {
    place(&test_db.db).await;
    let app = test_db.app();
    let (admin, officer) = (signed_in(&app, "quantri").await, signed_in(&app, "canbo").await);
    (app, admin, officer)
}

/// Imports a file that must be accepted, and answers what the import said.
async fn imports(app: &axum::Router, who: &As, kind: &str, file: &str) -> Value {
    let (status, answer) = import(app, who, kind, file.as_bytes().to_vec(), false).await;
    assert_eq!(status, StatusCode::OK, "{kind}: {answer}");
    answer
}

/// Posts a file to the import of `kind` and reads the JSON answer.
async fn import(app: &axum::Router, who: &As, kind: &str, file: Vec<u8>, dry_run: bool) -> (StatusCode, Value) {
    let uri = format!("/api/v1/imports/{kind}?dry_run={dry_run}");
    let (status, body) = post_file(app, &uri, who, "application/octet-stream", file).await;
    (status, serde_json::from_str(&body).unwrap_or_else(|error| panic!("{uri}: not JSON ({error}): {body}")))
}

/// The lines named by a refusal's problems.
fn problem_lines(answer: &Value) -> Vec<u64> {
    let problems = answer["error"]["problems"].as_array().cloned().unwrap_or_default();
    problems.iter().filter_map(|problem| problem["line"].as_u64()).collect()
}

fn counts(answer: &Value) -> (u64, u64, u64) {
    let count = |key: &str| answer[key].as_u64().unwrap_or_else(|| panic!("{key} in {answer}"));
    (count("created"), count("updated"), count("unchanged"))
}

/// A workbook of one sheet with these rows, every cell as text.
fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (row, cells) in rows.iter().enumerate() {
        for (column, cell) in cells.iter().enumerate() {
            sheet.write_string(row as u32, column as u16, *cell).expect("cell");
        }
    }
    workbook.save_to_buffer().expect("workbook")
}

/// Text as a spreadsheet's "Unicode text": UTF-16 little-endian with its byte-order mark.
fn utf16(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

/// A server function's answer to `who` (the setup page's checklist, the area's name).
async fn server_fn(app: &axum::Router, path: &str, who: &As) -> Value {
    let mut request = http::Request::post(path).header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let As::Session(cookie) = who {
        request = request.header(http::header::COOKIE, cookie);
    }
    let request = request.body(axum::body::Body::empty()).expect("request");
    let response = tower::ServiceExt::oneshot(app.clone(), request).await.expect("response");
    let status = response.status();
    let text = bandoso_tests::body_text(response).await;
    assert_eq!(status, StatusCode::OK, "{path}: {text}");
    serde_json::from_str(&text).unwrap_or_else(|error| panic!("{path}: not JSON ({error}): {text}"))
}

async fn count(db: &Db, sql: &str) -> i64 {
    let (count,): (i64,) = sqlx::query_as(sql).fetch_one(db.pool()).await.expect(sql);
    count
}

/// The same three villages, as each kind of file an office has.
fn village_files() -> Vec<(&'static str, Vec<u8>)> {
    let rows: [[&str; 4]; 3] = [
        ["15187", "15187-01", "Khu phố 1", "Khu phố"],
        ["15187", "", "Thôn Đồng Sơn", "thôn"],
        ["15190", "15190-01", "Bản Mười", "Bản"],
    ];
    let english = ["commune_code", "code", "name", "unit_type"];
    let vietnamese = ["Mã xã", "Mã thôn", "Tên thôn", "Loại"];
    let text = |header: [&str; 4], separator: &str| {
        std::iter::once(header).chain(rows).map(|cells| cells.join(separator) + "\r\n").collect::<String>()
    };
    let mut workbook: Vec<&[&str]> = vec![&["DANH SÁCH THÔN, BẢN"], &vietnamese];
    workbook.extend(rows.iter().map(|row| &row[..]));
    vec![
        ("comma CSV, English headers", text(english, ",").into_bytes()),
        ("semicolon CSV with BOM, Vietnamese headers", format!("\u{feff}{}", text(vietnamese, ";")).into_bytes()),
        ("UTF-16 tab text, Vietnamese headers", utf16(&text(vietnamese, "\t"))),
        ("XLSX with a title line, Vietnamese headers", xlsx(&workbook)),
    ]
}

#[tokio::test]
async fn every_format_gives_the_same_villages_and_importing_again_changes_nothing() {
    on_each_backend(|test_db| async move {
        place(&test_db.db).await;
        let app = test_db.app();
        let admin = signed_in(&app, "quantri").await;
        for (index, (format, file)) in village_files().into_iter().enumerate() {
            let (status, dry) = import(&app, &admin, "villages", file.clone(), true).await;
            assert_eq!(status, StatusCode::OK, "{format}: {dry}");
            let (status, answer) = import(&app, &admin, "villages", file, false).await;
            assert_eq!(status, StatusCode::OK, "{format}: {answer}");
            let expected = if index == 0 { (3, 0, 0) } else { (0, 0, 3) };
            assert_eq!(counts(&dry), expected, "{format}: the dry run counts what the import does");
            assert_eq!(counts(&answer), expected, "{format}: {answer}");
        }
        let villages: Vec<(String, String, Option<String>, String)> = sqlx::query_as(
            "SELECT v.code, v.name, v.unit_type, c.code FROM admin_unit v JOIN admin_unit c ON c.id = v.parent_id
             WHERE v.level = 'village' ORDER BY v.code",
        )
        .fetch_all(test_db.db.pool())
        .await
        .expect("villages");
        let expected = [
            ("15187-01", "Khu phố 1", "khu_pho", "15187"),
            ("15187-thon-dong-son", "Thôn Đồng Sơn", "thon", "15187"),
            ("15190-01", "Bản Mười", "ban", "15190"),
        ];
        let expected: Vec<(String, String, Option<String>, String)> = expected
            .iter()
            .map(|(code, name, kind, commune)| {
                ((*code).to_owned(), (*name).to_owned(), Some((*kind).to_owned()), (*commune).to_owned())
            })
            .collect();
        assert_eq!(villages, expected);
        let audited = count(&test_db.db, "SELECT COUNT(*) FROM audit_log WHERE action = 'import_villages'").await;
        assert_eq!(audited, 1, "only the import that changed something is audited");
        test_db
    })
    .await;
}

#[tokio::test]
async fn a_bad_line_writes_nothing_and_is_named() {
    on_each_backend(|test_db| async move {
        place(&test_db.db).await;
        let app = test_db.app();
        let admin = signed_in(&app, "quantri").await;
        let (status, _) = import(&app, &admin, "villages", village_files().remove(0).1, false).await;
        assert_eq!(status, StatusCode::OK);
        let houses = "Mã thôn;Tên nhà văn hóa;Vĩ độ;Kinh độ;Tình trạng Wi-Fi;Nhà mạng\n\
                      15187-01;Nhà văn hóa Khu phố 1;20,2;105,6;Hoạt động;viettel\n\
                      15187-01;Nhà văn hóa thứ hai;20,2;;Hoạt động;\n\
                      15187-99;Nhà văn hóa không có thôn;;;;\n\
                      15190-01;Nhà văn hóa Bản Mười;;;;\n";
        let (status, refused) = import(&app, &admin, "cultural-houses", houses.as_bytes().to_vec(), false).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        // Line 3: half a position and no provider; 4: no such village; 5: nowhere to stand meanwhile.
        assert_eq!(problem_lines(&refused), [3, 3, 4, 5], "{refused}");
        let vietnamese = refused["error"]["problems"][2]["message_vi"].as_str().unwrap_or_default();
        assert!(vietnamese.contains("15187-99"), "{refused}");
        assert_eq!(count(&test_db.db, "SELECT COUNT(*) FROM cultural_house").await, 0, "nothing written");
        test_db
    })
    .await;
}

#[tokio::test]
async fn houses_and_households_import_once_and_again_without_change() {
    on_each_backend(|test_db| async move {
        place(&test_db.db).await;
        let app = test_db.app();
        let officer = signed_in(&app, "canbo").await;
        let villages = "Mã xã,Mã thôn,Tên thôn\n15187,15187-01,Khu phố 1\n15187,15187-02,Khu phố 2\n";
        let (status, answer) = import(&app, &officer, "villages", villages.as_bytes().to_vec(), false).await;
        assert_eq!((status, counts(&answer)), (StatusCode::OK, (2, 0, 0)), "{answer}");
        let houses = xlsx(&[
            &["Mã thôn", "Tên nhà văn hóa", "Vĩ độ", "Kinh độ", "Tình trạng Wi-Fi", "Nhà mạng"],
            &["15187-01", "Nhà văn hóa Khu phố 1", "20.21", "105.61", "Hoạt động", "viettel"],
            &["15187-02", "Nhà văn hóa Khu phố 2", "", "", "", ""],
        ]);
        let households = "\u{feff}Mã thôn;Chủ hộ;Hộ nghèo;Dân tộc thiểu số;Số người lớn;Có điện thoại thông minh\n\
                          15187-01;Hộ ông Hà Văn A;x;có;3;không\n\
                          15187-01;Hộ bà Lê Thị B;;không;2;có\n\
                          15187-02;Hộ ông Bùi Văn C;không;có;4;\n";
        for round in 0..2 {
            let expected = if round == 0 { [(2, 0, 0), (3, 0, 0)] } else { [(0, 0, 2), (0, 0, 3)] };
            let (status, answer) = import(&app, &officer, "cultural-houses", houses.clone(), false).await;
            assert_eq!((status, counts(&answer)), (StatusCode::OK, expected[0]), "round {round}: {answer}");
            let file = households.as_bytes().to_vec();
            let (status, answer) = import(&app, &officer, "households", file, false).await;
            assert_eq!((status, counts(&answer)), (StatusCode::OK, expected[1]), "round {round}: {answer}");
        }
        let placed: Vec<(String, f64, f64, i64, String)> =
            sqlx::query_as("SELECT code, lon, lat, position_pending, wifi_status FROM cultural_house ORDER BY code")
                .fetch_all(test_db.db.pool())
                .await
                .expect("houses");
        let expected = [
            ("15187-01-nha-van-hoa-khu-pho-1", 105.61, 20.21, 0, "active"),
            // Without a position, a house waits at its commune's centre to be placed.
            ("15187-02-nha-van-hoa-khu-pho-2", 105.6, 20.2, 1, "none"),
        ];
        assert_eq!(placed.len(), expected.len(), "{placed:?}");
        for ((code, lon, lat, pending, wifi), want) in placed.iter().zip(expected) {
            let near = (lon - want.1).abs() < 1e-9 && (lat - want.2).abs() < 1e-9;
            assert!(code == want.0 && near && *pending == want.3 && wifi == want.4, "{placed:?}");
        }
        let flags: Vec<Flags> =
            sqlx::query_as("SELECT label, poor, ethnic_minority, adults, has_smartphone FROM household ORDER BY label")
                .fetch_all(test_db.db.pool())
                .await
                .expect("households");
        assert_eq!(
            flags,
            [
                ("Hộ bà Lê Thị B".to_owned(), 0, 0, Some(2), Some(1)),
                ("Hộ ông Bùi Văn C".to_owned(), 0, 1, Some(4), None),
                ("Hộ ông Hà Văn A".to_owned(), 1, 1, Some(3), Some(0)),
            ]
        );
        // A corrected list changes only what it corrects.
        let corrected = "Mã thôn;Chủ hộ;Có điện thoại thông minh\n15187-01;Hộ ông Hà Văn A;có\n";
        let (status, answer) = import(&app, &officer, "households", corrected.as_bytes().to_vec(), false).await;
        assert_eq!((status, counts(&answer)), (StatusCode::OK, (0, 1, 0)), "{answer}");
        let (poor, smartphone): (i64, Option<i64>) =
            sqlx::query_as("SELECT poor, has_smartphone FROM household WHERE label = 'Hộ ông Hà Văn A'")
                .fetch_one(test_db.db.pool())
                .await
                .expect("corrected household");
        assert_eq!((poor, smartphone), (1, Some(1)));
        let expected = serde_json::json!({"communes": 1, "villages": 2, "cultural_houses": 2, "houses_to_place": 1,
            "households": 3, "accounts": 0});
        assert_eq!(
            server_fn(&app, "/api/setup/checklist", &officer).await,
            expected,
            "the officer's checklist counts their commune only"
        );
        test_db
    })
    .await;
}

#[tokio::test]
async fn an_officer_cannot_import_into_another_commune() {
    on_each_backend(|test_db| async move {
        let (app, admin, officer) = placed(&test_db).await;
        let villages = "commune_code,code,name\n15187,15187-01,Khu phố 1\n15190,15190-01,Bản Mười\n";
        let (status, refused) = import(&app, &officer, "villages", villages.as_bytes().to_vec(), false).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
        assert_eq!(problem_lines(&refused), [3], "{refused}");
        assert_eq!(count(&test_db.db, "SELECT COUNT(*) FROM admin_unit WHERE level = 'village'").await, 0);
        imports(&app, &admin, "villages", villages).await;
        let households = "village_code,label\n15190-01,Hộ ông D\n";
        let (status, refused) = import(&app, &officer, "households", households.as_bytes().to_vec(), true).await;
        assert_eq!((status, problem_lines(&refused)), (StatusCode::UNPROCESSABLE_ENTITY, vec![2]), "{refused}");
        test_db
    })
    .await;
}

#[tokio::test]
async fn an_officer_creates_team_members_in_scope_who_sign_in_with_the_sheet() {
    on_each_backend(|test_db| async move {
        let (app, admin, officer) = placed(&test_db).await;
        let villages = "commune_code,code,name\n15187,15187-01,Khu phố 1\n15190,15190-01,Bản Mười\n";
        imports(&app, &admin, "villages", villages).await;
        let team = "Tên đăng nhập;Họ tên;Vai trò;Phạm vi\n\
                    tcn.kimtan.01;Nguyễn Thị B;Tổ công nghệ;15187-01\n\
                    tcn.kimtan.02;Trần Văn C;team_member;15187\n";
        let beyond =
            format!("{team}tcn.vandu.01;Lò Văn D;Tổ công nghệ;15190-01\ncanbo.moi;Cán bộ mới;Cán bộ xã;15187\n");
        let (status, refused) = import(&app, &officer, "accounts", beyond.into_bytes(), false).await;
        assert_eq!((status, problem_lines(&refused)), (StatusCode::UNPROCESSABLE_ENTITY, vec![4, 5]), "{refused}");
        let (status, dry) = import(&app, &officer, "accounts", team.as_bytes().to_vec(), true).await;
        assert_eq!((status, counts(&dry)), (StatusCode::OK, (2, 0, 0)), "{dry}");
        assert!(dry.get("sign_in_sheet").is_none(), "a dry run creates nobody: {dry}");
        assert_eq!(count(&test_db.db, "SELECT COUNT(*) FROM app_user").await, 2, "nothing written");
        let (status, answer) = import(&app, &officer, "accounts", team.as_bytes().to_vec(), false).await;
        assert_eq!((status, counts(&answer)), (StatusCode::OK, (2, 0, 0)), "{answer}");
        let sheet = answer["sign_in_sheet"].as_array().cloned().unwrap_or_default();
        assert_eq!(sheet.len(), 2, "{answer}");
        for line in &sheet {
            let (username, password) = (line["username"].as_str(), line["password"].as_str());
            let (Some(username), Some(password)) = (username, password) else { panic!("{line}") };
            login(&app, username, password).await;
        }
        let (role, scope): (String, String) = sqlx::query_as(
            "SELECT u.role, a.code FROM app_user u JOIN user_scope s ON s.user_id = u.id
             JOIN admin_unit a ON a.id = s.admin_unit_id WHERE u.username = 'tcn.kimtan.01'",
        )
        .fetch_one(test_db.db.pool())
        .await
        .expect("the new member");
        assert_eq!((role.as_str(), scope.as_str()), ("team_member", "15187-01"));
        let (status, again) = import(&app, &officer, "accounts", team.as_bytes().to_vec(), false).await;
        assert_eq!((status, counts(&again)), (StatusCode::OK, (0, 0, 2)), "{again}");
        assert!(again.get("sign_in_sheet").is_none(), "passwords are shown once: {again}");
        test_db
    })
    .await;
}

#[tokio::test]
async fn each_template_is_a_file_its_import_reads() {
    on_each_backend(|test_db| async move {
        place(&test_db.db).await;
        let app = test_db.app();
        let admin = signed_in(&app, "quantri").await;
        let second_village = "commune_code,code,name\n15187,15187-02,Khu phố 2\n";
        imports(&app, &admin, "villages", second_village).await;
        for kind in ["villages", "cultural-houses", "households", "accounts"] {
            let (status, headers, template) =
                get_bytes(&app, &format!("/api/v1/imports/templates/{kind}.xlsx"), &As::Public).await;
            assert_eq!(status, StatusCode::OK, "{kind}");
            assert!(headers[http::header::CONTENT_TYPE].to_str().unwrap_or_default().contains("spreadsheetml"));
            let (status, answer) = import(&app, &admin, kind, template, false).await;
            assert_eq!((status, counts(&answer)), (StatusCode::OK, (1, 0, 0)), "{kind}: {answer}");
        }
        let (status, _, _) = get_bytes(&app, "/api/v1/imports/templates/donors.xlsx", &As::Public).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        test_db
    })
    .await;
}

#[tokio::test]
async fn someone_standing_at_a_house_places_it_with_the_phones_fix() {
    on_each_backend(|test_db| async move {
        let (app, admin, officer) = placed(&test_db).await;
        let villages = "commune_code,code,name\n15187,15187-01,Khu phố 1\n15190,15190-01,Bản Mười\n";
        imports(&app, &admin, "villages", villages).await;
        let houses =
            "village_code,name,lat,lon\n15187-01,Nhà văn hóa Khu phố 1,,\n15190-01,Nhà văn hóa Bản Mười,20.3,105.4\n";
        imports(&app, &admin, "cultural-houses", houses).await;
        let ids: Vec<(i64,)> = sqlx::query_as("SELECT id FROM cultural_house ORDER BY code")
            .fetch_all(test_db.db.pool())
            .await
            .expect("houses");
        let (kim_tan, van_du) = (ids[0].0, ids[1].0);
        let put = |id: i64, body: Value| {
            let app = app.clone();
            let officer = officer.clone();
            async move {
                let uri = format!("/api/v1/cultural-houses/{id}/position");
                bandoso_tests::send_json(&app, http::Method::PUT, &uri, &officer, Some(body)).await
            }
        };
        let (status, vague) = put(kim_tan, serde_json::json!({"lat": 20.25, "lon": 105.62, "accuracy_m": 900})).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{vague}");
        let (status, _) = put(van_du, serde_json::json!({"lat": 20.3, "lon": 105.41})).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "another commune's house is not the officer's to place");
        let (status, placed) = put(kim_tan, serde_json::json!({"lat": 20.25, "lon": 105.62, "accuracy_m": 12})).await;
        assert_eq!(status, StatusCode::OK, "{placed}");
        assert_eq!(placed["geometry"]["coordinates"], serde_json::json!([105.62, 20.25]), "{placed}");
        let (pending, accuracy): (i64, Option<f64>) =
            sqlx::query_as("SELECT position_pending, position_accuracy_m FROM cultural_house WHERE id = $1")
                .bind(kim_tan)
                .fetch_one(test_db.db.pool())
                .await
                .expect("the placed house");
        assert_eq!((pending, accuracy), (0, Some(12.0)));
        let audited = count(&test_db.db, "SELECT COUNT(*) FROM audit_log WHERE action = 'place'").await;
        assert_eq!(audited, 1);
        test_db
    })
    .await;
}

#[tokio::test]
async fn the_app_bar_names_the_area_its_data_holds() {
    on_each_backend(|test_db| async move {
        let app = test_db.app();
        assert_eq!(server_fn(&app, "/api/area", &As::Public).await, Value::Null, "an empty database names no place");
        place(&test_db.db).await;
        assert_eq!(server_fn(&app, "/api/area", &As::Public).await, "Tỉnh Thanh Hóa");
        let (status, page) = bandoso_tests::get(&app, "/").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Tỉnh Thanh Hóa") && !page.contains("Thạch Thành"), "{page}");
        test_db
    })
    .await;
}

#[tokio::test]
async fn the_map_points_those_who_set_up_places_to_the_set_up_page_until_a_house_is_there() {
    on_each_backend(|test_db| async move {
        place(&test_db.db).await;
        let app = test_db.app();
        let admin = signed_in(&app, "quantri").await;
        let officer = signed_in(&app, "canbo").await;
        assert_eq!(server_fn(&app, "/api/map/data", &admin).await["setup_needed"], true);
        assert_eq!(server_fn(&app, "/api/map/data", &officer).await["setup_needed"], true);
        assert_eq!(
            server_fn(&app, "/api/map/data", &As::Public).await["setup_needed"],
            false,
            "the public sets up nothing"
        );

        let villages = "commune_code,code,name\n15187,15187-01,Khu phố 1\n";
        assert_eq!(import(&app, &admin, "villages", villages.as_bytes().to_vec(), false).await.0, StatusCode::OK);
        let houses = "village_code,name,lat,lon\n15187-01,Nhà văn hóa Khu phố 1,20.2,105.6\n";
        let (status, answer) = import(&app, &admin, "cultural-houses", houses.as_bytes().to_vec(), false).await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert_eq!(server_fn(&app, "/api/map/data", &admin).await["setup_needed"], false);
        test_db
    })
    .await;
}

#[tokio::test]
async fn a_house_made_before_codes_is_found_by_village_and_name() {
    on_each_backend(|test_db| async move {
        place(&test_db.db).await;
        let app = test_db.app();
        let admin = signed_in(&app, "quantri").await;
        let villages = "commune_code,code,name\n15187,15187-01,Khu phố 1\n";
        imports(&app, &admin, "villages", villages).await;
        let (village,): (i64,) = sqlx::query_as("SELECT id FROM admin_unit WHERE code = '15187-01'")
            .fetch_one(test_db.db.pool())
            .await
            .expect("village");
        // A house as the demo loader or an older version made it: no code.
        let mut tx = test_db.db.begin_write().await.expect("begin");
        let house = domain::cultural_houses::NewHouse {
            village_id: village,
            name: "Nhà văn hóa Khu phố 1",
            lon: 105.61,
            lat: 20.21,
            wifi_status: model::WifiStatus::None,
            wifi_provider: None,
            bandwidth_mbps: None,
            installed_at: None,
            last_verified_at: None,
            ssid: None,
            ssid_public: false,
        };
        domain::cultural_houses::insert(&mut tx, &house, "test").await.expect("house");
        tx.commit().await.expect("commit");
        let houses = "village_code,name\n15187-01,Nhà văn hóa Khu phố 1\n";
        let (status, first) = import(&app, &admin, "cultural-houses", houses.as_bytes().to_vec(), false).await;
        assert_eq!((status, counts(&first)), (StatusCode::OK, (0, 1, 0)), "the house gets its code: {first}");
        let (status, again) = import(&app, &admin, "cultural-houses", houses.as_bytes().to_vec(), false).await;
        assert_eq!((status, counts(&again)), (StatusCode::OK, (0, 0, 1)), "{again}");
        let kept: Vec<(String, f64, i64)> = sqlx::query_as("SELECT code, lon, position_pending FROM cultural_house")
            .fetch_all(test_db.db.pool())
            .await
            .expect("houses");
        assert_eq!(kept, [("15187-01-nha-van-hoa-khu-pho-1".to_owned(), 105.61, 0)], "one house, where it was");
        test_db
    })
    .await;
}

#[tokio::test]
async fn a_fresh_database_knows_the_national_operators_and_takes_another_with_a_checked_code() {
    on_each_backend(|test_db| async move {
        let db = &test_db.db;
        let codes = |operators: Vec<(String, String)>| {
            let mut codes: Vec<String> = operators.into_iter().map(|(code, _)| code).collect();
            codes.sort();
            codes
        };
        let known = domain::coverage::operators(db.pool()).await.expect("operators");
        assert_eq!(codes(known), ["mobifone", "viettel", "vnpt"]);
        let actor = domain::audit::Actor::CommandLine;
        domain::coverage::add_operator(db, " Vietnamobile ", "Vietnamobile", actor).await.expect("a new operator");
        let refused = domain::coverage::add_operator(db, "fpt telecom", "FPT Telecom", actor).await;
        assert!(refused.is_err(), "a code with a space is refused");
        let known = domain::coverage::operators(db.pool()).await.expect("operators");
        assert_eq!(codes(known).len(), 4);
        let audited = count(db, "SELECT COUNT(*) FROM audit_log WHERE entity_type = 'operator'").await;
        assert_eq!(audited, 1);
        test_db
    })
    .await;
}
