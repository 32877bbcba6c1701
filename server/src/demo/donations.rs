//! Demo "Chắp cánh công nghệ" data: three donors (one anonymous), pledges received by Kim Tân and
//! one still pledged elsewhere, two smartphones allocated in Kim Tân and one of them handed over.
//! Made through the domain layer's own operations, so the demo's stock adds up the way real
//! stock does.

use domain::access::Principal;
use domain::{donations, Db, StoreError};
use model::donations::{Condition, DonorKind, Item, NewAllocation, NewDonor, NewPledge};
use model::Role;

/// The commune whose officer and team the demo accounts are.
const COMMUNE: &str = "15187";

/// Adds the demo donations; returns how many pledges it recorded.
pub(super) async fn insert(db: &Db) -> Result<usize, StoreError> {
    let (admin_id,): (i64,) =
        sqlx::query_as("SELECT id FROM app_user WHERE username = 'admin'").fetch_one(db.pool()).await?;
    let demo =
        Principal { user_id: admin_id, username: "demo".to_owned(), role: Role::Admin, operator: None, token_id: None };
    let donor = |kind, name: &str, contact: Option<&str>, anonymous| NewDonor {
        kind,
        name: name.to_owned(),
        contact: contact.map(str::to_owned),
        anonymous,
    };
    let viettel = donations::create_donor(
        db,
        &demo,
        &donor(DonorKind::Business, "Viettel Thanh Hóa", Some("Phòng khách hàng doanh nghiệp, 0237 3 900 100"), false),
    )
    .await?;
    let association = donations::create_donor(
        db,
        &demo,
        &donor(DonorKind::Organisation, "Hội Doanh nghiệp huyện Thạch Thành", None, false),
    )
    .await?;
    let benefactor = donations::create_donor(
        db,
        &demo,
        &donor(DonorKind::Individual, "Ông Nguyễn Văn Hải", Some("0912 345 678"), true),
    )
    .await?;
    let pledge = |donor_id, commune: &str, item, quantity, condition, value_vnd| NewPledge {
        donor_id,
        commune_code: commune.to_owned(),
        item,
        quantity,
        condition,
        value_vnd,
        note: None,
    };
    let received = [
        pledge(viettel.id, COMMUNE, Item::Smartphone, Some(8), Some(Condition::New), Some(16_000_000)),
        pledge(association.id, COMMUNE, Item::Tablet, Some(3), Some(Condition::Refurbished), Some(4_500_000)),
        pledge(benefactor.id, COMMUNE, Item::Money, None, None, Some(20_000_000)),
        pledge(viettel.id, COMMUNE, Item::SimData, Some(20), Some(Condition::New), Some(2_000_000)),
    ];
    for new_pledge in &received {
        let created = donations::create_pledge(db, &demo, new_pledge).await?;
        donations::receive_pledge(db, &demo, created.id).await?;
    }
    donations::create_pledge(
        db,
        &demo,
        &pledge(association.id, "15190", Item::Smartphone, Some(5), Some(Condition::New), Some(9_000_000)),
    )
    .await?;
    // The most needy household of each of the team's two villages gets a smartphone; the first
    // is handed over already, the second waits for the team.
    for (index, village) in [format!("{COMMUNE}-01"), format!("{COMMUNE}-02")].iter().enumerate() {
        let Some(household) = donations::eligible(db.pool(), &demo, village).await?.into_iter().next() else {
            continue;
        };
        let allocation =
            donations::allocate(db, &demo, &NewAllocation { household_id: household.id, item: Item::Smartphone })
                .await?;
        if index == 0 {
            let handover = serde_json::json!({
                "kind": "handover",
                "uuid": uuid::Uuid::new_v4().to_string(),
                "allocation_id": allocation.id,
                "handed_over_at": "2026-10-15T03:00:00Z",
                "serial": "IMEI 356938035643809",
                "guided": true,
            });
            domain::sync::sync(db, &demo, vec![handover]).await?;
        }
    }
    Ok(received.len() + 1)
}
