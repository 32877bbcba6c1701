//! The viewport map layers on a generated country in miniature (the national generator at 200
//! villages): clusters zoomed out, single features zoomed in, counts that add up to what is
//! stored, visit totals kept exact by the triggers through inserts, edits and deletes, the
//! scope of a district leader, and precise errors for bad parameters.

use bandoso_tests::national::{self, Scale};
use bandoso_tests::{create_account, get_json, login, on_each_backend, send_json, As, TestDb};
use http::{Method, StatusCode};
use model::Role;
use serde_json::Value;

const SMALL: Scale = Scale { villages: 200 };
const PASSWORD: &str = "map-layers-test-2026";

fn sum(items: &Value, key: &str, field: &str) -> i64 {
    items[key].as_array().expect("features").iter().map(|item| item[field].as_i64().expect("count")).sum()
}

async fn scalar(db: &TestDb, sql: &str) -> i64 {
    let (value,): (i64,) = sqlx::query_as(sql).fetch_one(db.db.pool()).await.expect(sql);
    value
}

/// Every village's stored totals equal what its visits add up to.
async fn assert_totals_exact(db: &TestDb) {
    let wrong = scalar(
        db,
        "SELECT COUNT(*) FROM village_visit_total t
         LEFT JOIN (SELECT village_id, COUNT(*) AS visits, SUM(people_helped) AS people
                    FROM visit GROUP BY village_id) v ON v.village_id = t.village_id
         WHERE t.visits <> COALESCE(v.visits, 0) OR t.people_helped <> COALESCE(v.people, 0)",
    )
    .await;
    assert_eq!(wrong, 0, "village totals differ from the visits");
}

#[tokio::test]
async fn layers_cluster_zoomed_out_and_list_zoomed_in_with_counts_that_add_up() {
    on_each_backend(|db| async move {
        national::generate(&db.db, SMALL).await.expect("generate");
        let app = db.app();
        create_account(&db.db, "map.admin", PASSWORD, Role::Admin, &[]).await;
        let admin = As::Session(login(&app, "map.admin", PASSWORD).await);

        let (status, country) = send_json(&app, Method::GET, "/api/v1/map/cultural-houses?zoom=5", &admin, None).await;
        assert_eq!(status, StatusCode::OK, "{country}");
        assert_eq!(country["kind"], "clusters");
        assert_eq!(sum(&country, "clusters", "houses"), SMALL.villages);
        let active = scalar(&db, "SELECT COUNT(*) FROM cultural_house WHERE wifi_status = 'active'").await;
        assert_eq!(sum(&country, "clusters", "active"), active);

        let (status, public) = get_json(&app, "/api/v1/map/cultural-houses?zoom=5").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(sum(&public, "clusters", "houses"), active, "the public counts working Wi-Fi only");

        let [min_lon, min_lat, max_lon, max_lat] = national::district_bbox(&db.db, 3).await.expect("bbox");
        let view = format!("bbox={min_lon},{min_lat},{max_lon},{max_lat}&zoom=12");
        let (status, district) =
            send_json(&app, Method::GET, &format!("/api/v1/map/cultural-houses?{view}"), &admin, None).await;
        assert_eq!(status, StatusCode::OK, "{district}");
        assert_eq!(district["kind"], "houses");
        let inside: (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM cultural_house WHERE lon >= $1 AND lat >= $2 AND lon <= $3 AND lat <= $4",
        )
        .bind(min_lon)
        .bind(min_lat)
        .bind(max_lon)
        .bind(max_lat)
        .fetch_one(db.db.pool())
        .await
        .expect("count");
        assert_eq!(district["houses"].as_array().expect("houses").len() as i64, inside.0);
        assert!(inside.0 >= 1);

        let (status, visits) = send_json(&app, Method::GET, "/api/v1/map/visits?zoom=4", &admin, None).await;
        assert_eq!(status, StatusCode::OK, "{visits}");
        assert_eq!(visits["kind"], "clusters");
        assert_eq!(sum(&visits, "clusters", "visits"), SMALL.visits());
        let people = scalar(&db, "SELECT CAST(SUM(people_helped) AS BIGINT) FROM visit").await;
        assert_eq!(sum(&visits, "clusters", "people_helped"), people);
        assert_eq!(visits["without_position"], 0);
        let (status, villages) =
            send_json(&app, Method::GET, &format!("/api/v1/map/visits?{view}"), &admin, None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(villages["kind"], "villages");
        assert!(!villages["villages"].as_array().expect("villages").is_empty());

        let (status, _) = get_json(&app, "/api/v1/map/visits?zoom=5").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "visits are for signed-in roles");
        db
    })
    .await;
}

#[tokio::test]
async fn a_district_leader_sees_the_houses_and_visits_of_the_district_only() {
    on_each_backend(|db| async move {
        national::generate(&db.db, SMALL).await.expect("generate");
        let app = db.app();
        create_account(&db.db, "map.leader", PASSWORD, Role::Leader, &["Ndistrict2".to_owned()]).await;
        let leader = As::Session(login(&app, "map.leader", PASSWORD).await);
        let in_district = "FROM cultural_house h JOIN admin_unit v ON v.id = h.village_id
                           JOIN admin_unit c ON c.id = v.parent_id JOIN admin_unit d ON d.id = c.parent_id
                           WHERE d.code = 'Ndistrict2'";
        let houses = scalar(&db, &format!("SELECT COUNT(*) {in_district}")).await;
        assert!(houses > 0);
        let (status, layer) = send_json(&app, Method::GET, "/api/v1/map/cultural-houses?zoom=3", &leader, None).await;
        assert_eq!(status, StatusCode::OK, "{layer}");
        assert_eq!(sum(&layer, "clusters", "houses"), houses);
        let (status, visits) = send_json(&app, Method::GET, "/api/v1/map/visits?zoom=3", &leader, None).await;
        assert_eq!(status, StatusCode::OK, "{visits}");
        assert_eq!(
            sum(&visits, "clusters", "visits"),
            houses * national::HOUSEHOLDS_PER_VILLAGE * national::VISITS_PER_HOUSEHOLD
        );
        db
    })
    .await;
}

#[tokio::test]
async fn visit_totals_stay_exact_through_edits_and_deletes() {
    on_each_backend(|db| async move {
        national::generate(&db.db, Scale { villages: 20 }).await.expect("generate");
        assert_totals_exact(&db).await;
        for sql in [
            "UPDATE visit SET people_helped = 7 WHERE id = 3",
            "UPDATE visit SET lon = NULL, lat = NULL WHERE id = 4",
            "UPDATE visit SET village_id = 1000005 WHERE id = 5",
            "DELETE FROM visit WHERE id = 6",
        ] {
            sqlx::query(sql).execute(db.db.pool()).await.expect(sql);
            assert_totals_exact(&db).await;
        }
        sqlx::query("UPDATE visit SET lon = NULL, lat = NULL WHERE village_id = 1000007")
            .execute(db.db.pool())
            .await
            .expect("drop positions");
        let unplaced = scalar(&db, "SELECT COUNT(*) FROM visit WHERE village_id = 1000007").await;
        let app = db.app();
        create_account(&db.db, "map.admin", PASSWORD, Role::Admin, &[]).await;
        let admin = As::Session(login(&app, "map.admin", PASSWORD).await);
        let (_, layer) = send_json(&app, Method::GET, "/api/v1/map/visits?zoom=12", &admin, None).await;
        assert_eq!(layer["without_position"].as_i64(), Some(unplaced), "{layer}");
        db
    })
    .await;
}

#[tokio::test]
async fn bad_viewports_are_refused_with_the_parameter_named() {
    on_each_backend(|db| async move {
        let app = db.app();
        for (query, parameter) in [
            ("", "zoom"),
            ("zoom=abc", "zoom"),
            ("zoom=23", "zoom"),
            ("zoom=-1", "zoom"),
            ("zoom=5&bbox=1,2,3", "bbox"),
            ("zoom=5&bbox=10,20,5,25", "bbox"),
            ("zoom=5&bbox=0,0,200,10", "bbox"),
        ] {
            let (status, body) = get_json(&app, &format!("/api/v1/map/cultural-houses?{query}")).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
            assert_eq!(body["error"]["parameter"], parameter, "{query}: {body}");
        }
        db
    })
    .await;
}

/// The sum of one figure over a village layer's villages or clusters (`group`: `progress` or `devices`).
fn layer_sum(layer: &Value, group: &str, figure: &str) -> i64 {
    let key = if layer["kind"] == "clusters" { "clusters" } else { "villages" };
    layer[key].as_array().expect("features").iter().map(|item| item[group][figure].as_i64().expect("figure")).sum()
}

#[tokio::test]
async fn progress_and_donation_layers_add_up_to_what_is_stored_at_every_zoom_and_keep_to_scope() {
    on_each_backend(|db| async move {
        national::generate(&db.db, SMALL).await.expect("generate");
        let app = db.app();
        create_account(&db.db, "layers.admin", PASSWORD, Role::Admin, &[]).await;
        create_account(&db.db, "layers.leader", PASSWORD, Role::Leader, &["Ndistrict2".to_owned()]).await;
        let admin = As::Session(login(&app, "layers.admin", PASSWORD).await);
        let leader = As::Session(login(&app, "layers.leader", PASSWORD).await);
        let households = scalar(&db, "SELECT COUNT(*) FROM household").await;
        let visited = scalar(
            &db,
            "SELECT COUNT(*) FROM household h WHERE EXISTS (SELECT 1 FROM visit v WHERE v.household_id = h.id)",
        )
        .await;
        let delivered = scalar(&db, "SELECT COUNT(*) FROM allocation WHERE status = 'delivered'").await;
        assert!(households > 0 && delivered > 0, "the generator makes households and handovers");

        let [min_lon, min_lat, max_lon, max_lat] = national::district_bbox(&db.db, 3).await.expect("bbox");
        let close_in = format!("bbox={min_lon},{min_lat},{max_lon},{max_lat}&zoom=12");
        for layer in ["progress", "donations"] {
            let (status, country) =
                send_json(&app, Method::GET, &format!("/api/v1/map/{layer}?zoom=4"), &admin, None).await;
            assert_eq!(status, StatusCode::OK, "{country}");
            assert_eq!(country["kind"], "clusters");
            assert_eq!(country["without_position"], 0);
            let (status, district) =
                send_json(&app, Method::GET, &format!("/api/v1/map/{layer}?{close_in}"), &admin, None).await;
            assert_eq!(status, StatusCode::OK, "{district}");
            assert_eq!(district["kind"], "villages");
            assert!(!district["villages"].as_array().expect("villages").is_empty());
            let (status, _) = get_json(&app, &format!("/api/v1/map/{layer}?zoom=4")).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "the {layer} layer is for signed-in roles");
        }
        let (_, country) = send_json(&app, Method::GET, "/api/v1/map/progress?zoom=4", &admin, None).await;
        assert_eq!(layer_sum(&country, "progress", "households"), households);
        assert_eq!(layer_sum(&country, "progress", "households_visited"), visited);
        let (_, country) = send_json(&app, Method::GET, "/api/v1/map/donations?zoom=4", &admin, None).await;
        assert_eq!(layer_sum(&country, "devices", "delivered"), delivered);

        // The layer reads the kept totals: a household recorded now is on the next answer.
        let village: (i64,) = sqlx::query_as("SELECT village_id FROM cultural_house ORDER BY id LIMIT 1")
            .fetch_one(db.db.pool())
            .await
            .expect("village");
        sqlx::query(
            "INSERT INTO household (client_uuid, village_id, label, adults, created_by, created_at)
             VALUES ('00000000-0000-4000-8000-00000000abcd', $1, 'Hộ mới', 2, 'layers.admin', '2026-11-30T00:00:00Z')",
        )
        .bind(village.0)
        .execute(db.db.pool())
        .await
        .expect("household");
        let (_, later) = send_json(&app, Method::GET, "/api/v1/map/progress?zoom=3", &admin, None).await;
        assert_eq!(layer_sum(&later, "progress", "households"), households + 1);

        let in_district = "FROM household h JOIN admin_unit v ON v.id = h.village_id
                           JOIN admin_unit c ON c.id = v.parent_id JOIN admin_unit d ON d.id = c.parent_id
                           WHERE d.code = 'Ndistrict2'";
        let district_households = scalar(&db, &format!("SELECT COUNT(*) {in_district}")).await;
        let (status, scoped) = send_json(&app, Method::GET, "/api/v1/map/progress?zoom=3", &leader, None).await;
        assert_eq!(status, StatusCode::OK, "{scoped}");
        assert_eq!(layer_sum(&scoped, "progress", "households"), district_households);
        assert!(district_households < households + 1);
        db
    })
    .await;
}
