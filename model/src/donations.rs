//! "Chắp cánh công nghệ" (seed §IV.7): what donors give, each commune's stock of donated devices,
//! their allocation to households and the handover recorded on a phone. Shared by the server and
//! the browser so both read the same shapes.

use crate::named_values;
use serde::{Deserialize, Serialize};

named_values! {
    /// Who gives: an organisation (association, union, school), a business, or a person.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum DonorKind {
        Organisation => "organisation",
        Business => "business",
        Individual => "individual",
    }
}

named_values! {
    /// What a pledge gives: a kind of device, a SIM/data package, or money.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum Item {
        Smartphone => "smartphone",
        Tablet => "tablet",
        Laptop => "laptop",
        /// A SIM card with a data package.
        SimData => "sim_data",
        Other => "other",
        /// Money (a value in VND, no quantity): not part of the device stock.
        Money => "money",
    }
}

impl Item {
    /// The items counted in a commune's stock and allocated to households.
    pub const DEVICES: [Item; 5] = [Item::Smartphone, Item::Tablet, Item::Laptop, Item::SimData, Item::Other];

    pub fn is_device(self) -> bool {
        self != Item::Money
    }
}

named_values! {
    /// The state of donated devices.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum Condition {
        New => "new",
        Refurbished => "refurbished",
    }
}

/// A donor as an officer enters it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewDonor {
    pub kind: DonorKind,
    pub name: String,
    /// Phone, e-mail or address: private, seen by officers and admins only.
    pub contact: Option<String>,
    /// Public views then say "Nhà hảo tâm ẩn danh" instead of the name.
    #[serde(default)]
    pub anonymous: bool,
}

/// A donor as officers and admins see it (with the private contact).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Donor {
    pub id: i64,
    pub kind: DonorKind,
    pub name: String,
    pub contact: Option<String>,
    pub anonymous: bool,
}

/// A thank-you line of the public acknowledgement list: an anonymous donor has no name here.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Acknowledgement {
    /// `None` for a donor who asked to stay anonymous.
    pub name: Option<String>,
    pub kind: DonorKind,
    /// Devices received from this donor (all kinds).
    pub devices: i64,
    /// Money and estimated device value received, VND.
    pub value_vnd: i64,
}

/// A pledge as an officer enters it: devices (quantity and condition) or money (value).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewPledge {
    pub donor_id: i64,
    /// The commune whose stock receives the devices.
    pub commune_code: String,
    pub item: Item,
    /// Devices: 1 to 100 000. Money: none.
    pub quantity: Option<i64>,
    /// Devices only.
    pub condition: Option<Condition>,
    /// Estimated value of the devices, or the sum of money, VND.
    pub value_vnd: Option<i64>,
    pub note: Option<String>,
}

named_values! {
    /// Whether a pledge has arrived at the commune.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum PledgeStatus {
        Pledged => "pledged",
        Received => "received",
    }
}

/// A pledge. `donor` is the donor's public name (`None` when anonymous) except for officers and
/// admins, who see the name they entered.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Pledge {
    pub id: i64,
    pub donor_id: i64,
    pub donor: Option<String>,
    pub commune_code: String,
    pub commune: String,
    pub item: Item,
    pub quantity: Option<i64>,
    pub condition: Option<Condition>,
    pub value_vnd: Option<i64>,
    pub status: PledgeStatus,
    pub pledged_at: String,
    pub received_at: Option<String>,
}

/// One commune's stock of one kind of device. Always `received = available + allocated +
/// delivered` (the database refuses anything else).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StockLine {
    pub commune_code: String,
    pub commune: String,
    pub item: Item,
    pub received: i64,
    /// Received and not yet allocated to a household.
    pub available: i64,
    /// Allocated to a household, waiting for the handover.
    pub allocated: i64,
    pub delivered: i64,
}

/// A household that needs a device and has none: flagged (poor, near-poor, ethnic minority,
/// elderly, disability), no smartphone, and no device allocated or delivered yet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EligibleHousehold {
    pub id: i64,
    pub label: String,
    pub village_code: String,
    pub poor: bool,
    pub near_poor: bool,
    pub ethnic_minority: bool,
    pub elderly: bool,
    pub disability: bool,
    /// The ranking: poor 3, near-poor 2, disability 2, elderly 1, ethnic minority 1. Higher first.
    pub need: i64,
}

/// An officer's allocation of one device from the commune's stock to a household.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAllocation {
    pub household_id: i64,
    pub item: Item,
}

named_values! {
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
    #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
    #[serde(rename_all = "snake_case")]
    pub enum AllocationStatus {
        /// Waiting for the handover.
        Allocated => "allocated",
        Delivered => "delivered",
        /// Withdrawn by an officer: the device went back to the stock.
        Cancelled => "cancelled",
    }
}

/// A device allocated to a household, and its handover once recorded. Officers and team members
/// of the household's area see these (they hold the household's label).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Allocation {
    pub id: i64,
    pub item: Item,
    pub household_id: i64,
    pub household_uuid: String,
    pub household: String,
    pub village_code: String,
    pub commune_code: String,
    pub status: AllocationStatus,
    pub allocated_at: String,
    pub delivered_at: Option<String>,
    pub serial: Option<String>,
    pub photo_uuid: Option<String>,
    pub guided: Option<bool>,
}

/// Donations per village for the map: devices delivered, devices waiting for their handover, and
/// eligible households still without any device.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VillageDonations {
    pub village_code: String,
    pub commune_code: String,
    pub delivered: i64,
    pub allocated: i64,
    pub waiting: i64,
}

impl VillageDonations {
    /// The village's colour on the donations layer: `allocated` while a handover is due,
    /// `delivered` once every allocated device is handed over, `pending` when eligible households
    /// have nothing yet.
    pub fn band(&self) -> &'static str {
        if self.allocated > 0 {
            "allocated"
        } else if self.delivered > 0 {
            "delivered"
        } else {
            "pending"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_read_back_from_their_codes() {
        for item in Item::ALL {
            assert_eq!(item.as_str().parse::<Item>().ok(), Some(item));
        }
        assert!("phone".parse::<Item>().is_err());
        assert!(!Item::Money.is_device());
        assert!(Item::DEVICES.iter().all(|item| item.is_device()));
    }

    #[test]
    fn a_due_handover_colours_the_village_first() {
        let village = |delivered, allocated, waiting| VillageDonations {
            village_code: "15187-01".into(),
            commune_code: "15187".into(),
            delivered,
            allocated,
            waiting,
        };
        assert_eq!(village(3, 1, 0).band(), "allocated");
        assert_eq!(village(3, 0, 2).band(), "delivered");
        assert_eq!(village(0, 0, 2).band(), "pending");
    }
}
