//! Random and mutated requests against every route of the OpenAPI document: whatever arrives, the
//! API answers with a status below 500 (a clear 4xx for bad input), never a panic or a crash.
//! Deterministic (seeded), so a failure names a request that can be replayed.

use bandoso_tests::{demo_login, send_raw_bytes, As, TestDb};
use serde_json::{json, Value};

/// A small deterministic generator (xorshift64*), so every run sends the same requests.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Values that break parsers and type checks: wrong types, extremes, odd text.
fn odd_value(random: &mut Random) -> Value {
    let choices = [
        json!(null),
        json!(-1),
        json!(i64::MAX),
        json!(1e308),
        json!(""),
        json!("x".repeat(5000)),
        json!("'; DROP TABLE visit; --"),
        json!("Thạch Thành \u{0000} \u{202e}"),
        json!([1, "a", null]),
        json!({"nested": {"deeper": [{}]}}),
        json!(true),
        json!("2026-02-30"),
        json!("9999-12-31"),
        json!("0001-01-01T00:00:00Z"),
        json!(9_223_372_036_854_775_807_i64),
        json!(vec!["online_safety"; 2000]),
        json!("=HYPERLINK(\"http://x\")"),
        json!("@SUM(A1)"),
        json!("A".repeat(70) + &"\u{202e}".repeat(3)),
        json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}),
    ];
    random.pick(&choices).clone()
}

/// A body for a route: an object whose fields are the schema's fields (when the document names
/// them) or random names, each with an odd value; sometimes not JSON at all.
fn odd_body(random: &mut Random, fields: &[String]) -> Vec<u8> {
    match random.below(6) {
        0 => (0..random.below(300)).map(|_| random.next() as u8).collect(),
        1 => b"{\"records\": [".to_vec(),
        2 => json!([odd_value(random), odd_value(random)]).to_string().into_bytes(),
        _ => {
            let mut object = serde_json::Map::new();
            for field in fields {
                if random.below(3) > 0 {
                    object.insert(field.clone(), odd_value(random));
                }
            }
            if random.below(4) == 0 {
                object
                    .insert("records".into(), json!([{"kind": "visit", "uuid": odd_value(random)}, odd_value(random)]));
            }
            Value::Object(object).to_string().into_bytes()
        }
    }
}

/// The property names of the request body schema of an operation, following one `$ref`.
fn body_fields(document: &Value, operation: &Value) -> Vec<String> {
    let schema = &operation["requestBody"]["content"]["application/json"]["schema"];
    let schema = match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.rsplit('/').next().unwrap_or_default();
            &document["components"]["schemas"][name]
        }
        None => schema,
    };
    schema["properties"].as_object().map(|properties| properties.keys().cloned().collect()).unwrap_or_default()
}

/// A path with its `{parameters}` filled with odd text.
fn odd_path(random: &mut Random, template: &str) -> String {
    let fillers = ["1", "0", "-5", "999999999999", "abc", "%20", "15187-01", "..%2F..", "1e3", "%E1%BA%A1"];
    template
        .split('/')
        .map(|part| if part.starts_with('{') { (*random.pick(&fillers)).to_owned() } else { part.to_owned() })
        .collect::<Vec<_>>()
        .join("/")
}

fn odd_query(random: &mut Random, operation: &Value) -> String {
    let mut names: Vec<String> = operation["parameters"]
        .as_array()
        .map(|parameters| {
            parameters
                .iter()
                .filter(|p| p["in"] == "query")
                .filter_map(|p| p["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    names.push("unknown_parameter".to_owned());
    let values = ["", "-1", "0", "5001", "true", "abc", "1,2,3", "%FF", "1%2C2%2C3%2C4", "NaN", "9223372036854775808"];
    let mut pairs = Vec::new();
    for name in &names {
        if random.below(2) == 0 {
            pairs.push(format!("{name}={}", random.pick(&values)));
        }
    }
    if pairs.is_empty() {
        String::new()
    } else {
        format!("?{}", pairs.join("&"))
    }
}

#[tokio::test]
async fn no_request_to_any_documented_route_gets_a_server_error() {
    let test_db = TestDb::sqlite().await;
    server::demo::reload(&test_db.db).await.expect("demo");
    let app = test_db.app();
    let (_, document) = bandoso_tests::get_json(&app, "/api/openapi.json").await;
    let callers = [
        As::Public,
        demo_login(&app, "admin").await,
        demo_login(&app, "tocongnghe.kimtan").await,
        demo_login(&app, "viettel").await,
    ];
    let mut random = Random(0x5EED_0391_2025_1125);
    let mut sent = 0;
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    let paths = document["paths"].as_object().cloned().unwrap_or_default();
    for (template, operations) in &paths {
        for (method, operation) in operations.as_object().into_iter().flatten() {
            let fields = body_fields(&document, operation);
            for round in 0..25 {
                let uri = format!("{}{}", odd_path(&mut random, template), odd_query(&mut random, operation));
                let method: http::Method = method.to_uppercase().parse().expect("method");
                let body = (method != http::Method::GET).then(|| odd_body(&mut random, &fields));
                let content_type =
                    *random.pick(&["application/json", "text/csv", "application/geo+json", "text/plain"]);
                let if_match = (round % 2 == 0).then(|| (*random.pick(&["\"1\"", "W/\"x\"", "", "\"-3\""])).to_owned());
                let caller = random.pick(&callers);
                let (status, text) =
                    send_raw_bytes(&app, method.clone(), &uri, caller, content_type, body.clone(), if_match).await;
                sent += 1;
                *statuses.entry(status.as_u16()).or_default() += 1;
                assert!(
                    status.as_u16() < 500,
                    "{method} {uri} as {caller:?} answered {status}: {text}\nbody: {}",
                    String::from_utf8_lossy(&body.unwrap_or_default())
                );
            }
        }
    }
    assert!(sent > 500, "every documented operation was exercised ({sent} requests)");
    // Not all refusals at the door: some requests got through, and bad input got its 4xx.
    let answered = |range: std::ops::Range<u16>| statuses.range(range).map(|(_, count)| count).sum::<usize>();
    assert!(answered(200..300) > 20 && answered(400..402) > 50 && answered(403..500) > 50, "{statuses:?}");
    eprintln!("statuses: {statuses:?}");
    test_db.finish().await;
}
