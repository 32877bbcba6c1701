//! The administrative units above villages over time, held in memory for one answer: which units
//! a period had, which unit each belonged to then, and which unit of today each has become. A
//! country has about 11,000 such units (a province about 170), so reading them all costs a few
//! milliseconds and saves a recursive query per figure.

use crate::admin_units::Level;
use crate::StoreError;
pub use model::indicators::Boundaries;
use sqlx::{Any, Executor};
use std::collections::HashMap;

/// One unit above the villages.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TreeUnit {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub level: String,
    pub code: String,
    pub name: String,
    pub valid_from: String,
    pub valid_to: Option<String>,
    pub successor_id: Option<i64>,
}

impl TreeUnit {
    pub fn level(&self) -> Option<Level> {
        self.level.parse().ok()
    }

    /// Whether the unit existed on the last day before `day_after` (`YYYY-MM-DD`).
    pub fn valid_before(&self, day_after: &str) -> bool {
        self.valid_from.as_str() < day_after && self.valid_to.as_deref().is_none_or(|to| to >= day_after)
    }

    pub fn is_current(&self) -> bool {
        self.valid_to.is_none()
    }
}

/// The units above villages, with their former parents.
#[derive(Clone, Debug, Default)]
pub struct UnitTree {
    units: HashMap<i64, TreeUnit>,
    /// Former parents per unit: `(parent, valid_from, valid_to)`.
    former: HashMap<i64, Vec<(i64, String, String)>>,
}

impl UnitTree {
    pub async fn load<'e, E>(executor: E) -> Result<UnitTree, StoreError>
    where
        E: Executor<'e, Database = Any> + Copy,
    {
        let units: Vec<TreeUnit> = sqlx::query_as(
            "SELECT id, parent_id, level, code, name, valid_from, valid_to, successor_id
             FROM admin_unit WHERE level <> 'village'",
        )
        .fetch_all(executor)
        .await?;
        let former_rows: Vec<(i64, i64, String, String)> = sqlx::query_as(
            "SELECT f.unit_id, f.parent_id, f.valid_from, f.valid_to
             FROM admin_unit_former_parent f JOIN admin_unit u ON u.id = f.unit_id WHERE u.level <> 'village'",
        )
        .fetch_all(executor)
        .await?;
        let mut former: HashMap<i64, Vec<(i64, String, String)>> = HashMap::new();
        for (unit, parent, from, to) in former_rows {
            former.entry(unit).or_default().push((parent, from, to));
        }
        Ok(UnitTree { units: units.into_iter().map(|unit| (unit.id, unit)).collect(), former })
    }

    pub fn get(&self, id: i64) -> Option<&TreeUnit> {
        self.units.get(&id)
    }

    /// The unit with this code that existed before `day_after` (the latest such when several did).
    pub fn by_code_before(&self, code: &str, day_after: &str) -> Option<&TreeUnit> {
        self.units
            .values()
            .filter(|unit| unit.code == code && unit.valid_from.as_str() < day_after)
            .max_by(|a, b| a.valid_from.cmp(&b.valid_from))
    }

    /// The unit's parent on the last day before `day_after`.
    pub fn parent_before(&self, id: i64, day_after: &str) -> Option<i64> {
        let recorded = self.former.get(&id).and_then(|periods| {
            periods
                .iter()
                .find(|(_, from, to)| from.as_str() < day_after && to.as_str() >= day_after)
                .map(|(parent, _, _)| *parent)
        });
        recorded.or_else(|| self.units.get(&id).and_then(|unit| unit.parent_id))
    }

    /// The units that existed before `day_after` and belonged to `parent` then.
    pub fn children_before(&self, parent: i64, day_after: &str) -> Vec<&TreeUnit> {
        let mut children: Vec<&TreeUnit> = self
            .units
            .values()
            .filter(|unit| unit.valid_before(day_after) && self.parent_before(unit.id, day_after) == Some(parent))
            .collect();
        children.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.code.cmp(&b.code)));
        children
    }

    /// Today's children of `parent`.
    pub fn children_now(&self, parent: i64) -> Vec<&TreeUnit> {
        let mut children: Vec<&TreeUnit> =
            self.units.values().filter(|unit| unit.is_current() && unit.parent_id == Some(parent)).collect();
        children.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.code.cmp(&b.code)));
        children
    }

    /// The unit of today a unit has become: itself, or the end of its chain of successors.
    pub fn today(&self, id: i64) -> Option<i64> {
        let mut current = id;
        for _ in 0..64 {
            let unit = self.units.get(&current)?;
            match unit.successor_id {
                _ if unit.is_current() => return Some(current),
                Some(next) => current = next,
                None => return None,
            }
        }
        None
    }

    /// Which of `targets` contains `id` before `day_after` (the unit itself or an ancestor then).
    pub fn among_ancestors_before(&self, id: i64, day_after: &str, targets: &HashMap<i64, usize>) -> Option<usize> {
        let mut current = Some(id);
        for _ in 0..16 {
            let unit = current?;
            if let Some(index) = targets.get(&unit) {
                return Some(*index);
            }
            current = self.parent_before(unit, day_after);
        }
        None
    }

    /// Which of `targets` contains `id` today (the unit itself or an ancestor now).
    pub fn among_ancestors_now(&self, id: i64, targets: &HashMap<i64, usize>) -> Option<usize> {
        let mut current = Some(id);
        for _ in 0..16 {
            let unit = current?;
            if let Some(index) = targets.get(&unit) {
                return Some(*index);
            }
            current = self.units.get(&unit).and_then(|unit| unit.parent_id);
        }
        None
    }

    /// The units with no parent today (a country, or the provinces of a national deployment).
    pub fn roots_now(&self) -> Vec<&TreeUnit> {
        let mut roots: Vec<&TreeUnit> =
            self.units.values().filter(|unit| unit.is_current() && unit.parent_id.is_none()).collect();
        roots.sort_by(|a, b| a.name.cmp(&b.name));
        roots
    }

    /// Every unit, for callers that pick by a rule of their own.
    pub fn units(&self) -> impl Iterator<Item = &TreeUnit> {
        self.units.values()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(
        id: i64,
        parent: Option<i64>,
        level: &str,
        from: &str,
        to: Option<&str>,
        successor: Option<i64>,
    ) -> TreeUnit {
        TreeUnit {
            id,
            parent_id: parent,
            level: level.into(),
            code: format!("u{id}"),
            name: format!("Unit {id}"),
            valid_from: from.into(),
            valid_to: to.map(str::to_owned),
            successor_id: successor,
        }
    }

    /// Province 1; district 2 until 2025-07-01; communes 3, 4 merged into 5 that day; 5 belongs
    /// to the province directly.
    fn thach_thanh_in_small() -> UnitTree {
        let units = [
            unit(1, None, "province", "1900-01-01", None, None),
            unit(2, Some(1), "district", "1900-01-01", Some("2025-07-01"), None),
            unit(3, Some(2), "commune", "1900-01-01", Some("2025-07-01"), Some(5)),
            unit(4, Some(2), "commune", "1900-01-01", Some("2025-07-01"), Some(5)),
            unit(5, Some(1), "commune", "2025-07-01", None, None),
        ];
        let mut former = HashMap::new();
        former.insert(5, vec![(2, "2025-07-01".to_owned(), "2025-07-01".to_owned())]);
        UnitTree { units: units.into_iter().map(|unit| (unit.id, unit)).collect(), former }
    }

    #[test]
    fn a_period_has_the_units_of_its_time() {
        let tree = thach_thanh_in_small();
        let q2 = "2025-07-01";
        let q3 = "2025-10-01";
        let ids = |units: Vec<&TreeUnit>| units.iter().map(|unit| unit.id).collect::<Vec<_>>();
        assert_eq!(ids(tree.children_before(1, q2)), vec![2]);
        assert_eq!(ids(tree.children_before(2, q2)), vec![3, 4]);
        assert_eq!(ids(tree.children_before(1, q3)), vec![5]);
        assert_eq!(ids(tree.children_now(1)), vec![5]);
        assert_eq!(tree.today(3), Some(5));
        assert_eq!(tree.today(2), None, "a dissolved district has no unit of today");
    }
}
