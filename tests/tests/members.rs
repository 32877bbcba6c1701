//! A commune officer manages the team members of their communes through `/api/v1/users` (the
//! accounts page's routes), on SQLite and PostgreSQL: adds one with a password made up by the
//! server, resets a forgotten password, disables and enables the account, and reaches no one else.

use bandoso_tests::{demo_login, on_each_backend, send_json, try_login};
use http::{Method, StatusCode};
use serde_json::{json, Value};

#[tokio::test]
async fn an_officer_adds_resets_and_disables_a_team_member_of_their_commune_and_no_one_else() {
    on_each_backend(|test_db| async move {
        server::demo::reload(&test_db.db).await.expect("demo");
        let app = test_db.app();
        let officer = demo_login(&app, "canbo.kimtan").await;

        // The list holds the commune's team members, never the officer's peers or superiors.
        let (status, listed) = send_json(&app, Method::GET, "/api/v1/users", &officer, None).await;
        assert_eq!(status, StatusCode::OK, "{listed}");
        let usernames: Vec<&str> =
            listed.as_array().into_iter().flatten().filter_map(|a| a["username"].as_str()).collect();
        assert_eq!(usernames, ["tocongnghe.kimtan"], "{listed}");

        // A new member without a password gets one, shown once, that signs in.
        let member = json!({"username": "tcn.kimtan.moi", "display_name": "Lê Thị Mới", "role": "team_member",
                            "scope": ["15187-02"]});
        let (status, created) = send_json(&app, Method::POST, "/api/v1/users", &officer, Some(member)).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let first_password = created["password"].as_str().expect("a made-up password").to_owned();
        assert_eq!(try_login(&app, "tcn.kimtan.moi", &first_password).await.0, StatusCode::OK);
        let id = created["id"].as_i64().expect("id");

        // A reset makes a new password and the old one stops working.
        let uri = format!("/api/v1/users/{id}/password");
        let (status, reset) = send_json(&app, Method::POST, &uri, &officer, None).await;
        assert_eq!(status, StatusCode::OK, "{reset}");
        let new_password = reset["password"].as_str().expect("the new password");
        assert_ne!(new_password, first_password);
        assert_eq!(try_login(&app, "tcn.kimtan.moi", &first_password).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(try_login(&app, "tcn.kimtan.moi", new_password).await.0, StatusCode::OK);

        // Disabled, the account cannot sign in; enabled again, it can.
        let uri = format!("/api/v1/users/{id}");
        for (disabled, expected) in [(true, StatusCode::UNAUTHORIZED), (false, StatusCode::OK)] {
            let (status, changed) =
                send_json(&app, Method::PATCH, &uri, &officer, Some(json!({"disabled": disabled}))).await;
            assert_eq!((status, changed["disabled"].as_bool()), (StatusCode::OK, Some(disabled)), "{changed}");
            assert_eq!(try_login(&app, "tcn.kimtan.moi", new_password).await.0, expected, "disabled {disabled}");
        }

        // Beyond the commune, or another role: refused, and nothing is created.
        for refused in [
            json!({"username": "tcn.vandu", "display_name": "X", "role": "team_member", "scope": ["15190"]}),
            json!({"username": "lanhdao.moi", "display_name": "Y", "role": "leader", "scope": ["15187"]}),
        ] {
            let (status, answer) = send_json(&app, Method::POST, "/api/v1/users", &officer, Some(refused)).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
        }
        let (_, after) = send_json(&app, Method::GET, "/api/v1/users", &officer, None).await;
        assert_eq!(after.as_array().map(Vec::len), Some(2), "{after}");

        // The admin's and the leader's accounts do not exist for the officer.
        let admin = demo_login(&app, "admin").await;
        let (_, everyone) = send_json(&app, Method::GET, "/api/v1/users", &admin, None).await;
        let leader = everyone
            .as_array()
            .into_iter()
            .flatten()
            .find(|account: &&Value| account["username"] == "lanhdao")
            .and_then(|account| account["id"].as_i64())
            .expect("the leader's account");
        let uri = format!("/api/v1/users/{leader}/password");
        let (status, _) = send_json(&app, Method::POST, &uri, &officer, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(try_login(&app, "lanhdao", server::demo::DEMO_PASSWORD).await.0, StatusCode::OK);
        test_db
    })
    .await;
}
