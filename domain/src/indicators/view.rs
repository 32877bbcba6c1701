//! What an overview shows: the units a principal may look at ([`Scope`]), and the area with its
//! breakdown one level down ([`View`]), including how the figures kept for a unit of some
//! period reach a unit of the breakdown.

use crate::figures::{Boundaries, UnitTree};
use crate::StoreError;
use model::indicators::{OverviewRequest, UnitRef};
use model::{said, Role};
use std::collections::{HashMap, HashSet};

/// The units a principal may look at: everything (admins), or the units of their scope with
/// everything below them and everything they were made of.
pub(super) struct Scope {
    /// `None`: everywhere.
    pub(super) units: Option<HashSet<i64>>,
    /// The units the account names, as stored.
    pub(super) roots: Vec<i64>,
}

impl Scope {
    pub(super) async fn load(
        db: &crate::Db,
        principal: &crate::access::Principal,
        tree: &UnitTree,
    ) -> Result<Scope, StoreError> {
        if principal.role == Role::Admin {
            return Ok(Scope { units: None, roots: Vec::new() });
        }
        let rows: Vec<(i64,)> = sqlx::query_as("SELECT admin_unit_id FROM user_scope WHERE user_id = $1")
            .bind(principal.user_id)
            .fetch_all(db.pool())
            .await?;
        let roots: Vec<i64> = rows.into_iter().map(|(id,)| id).collect();
        Ok(Scope { units: Some(closure(tree, &roots)), roots })
    }

    pub(super) fn covers(&self, unit: i64) -> bool {
        self.units.as_ref().is_none_or(|units| units.contains(&unit))
    }
}

/// The units `roots` cover: themselves, every unit below them at any time, and every unit they
/// were made of (with everything below those).
pub(super) fn closure(tree: &UnitTree, roots: &[i64]) -> HashSet<i64> {
    let mut below: HashMap<i64, Vec<i64>> = HashMap::new();
    for unit in tree.units() {
        for above in [unit.parent_id, unit.successor_id].into_iter().flatten() {
            below.entry(above).or_default().push(unit.id);
        }
    }
    let mut units = HashSet::new();
    let mut pending = roots.to_vec();
    while let Some(unit) = pending.pop() {
        if units.insert(unit) {
            pending.extend(below.get(&unit).into_iter().flatten());
        }
    }
    units
}

/// What is shown: the area, its breakdown, and how to map a unit's figures onto the breakdown.
pub(super) struct View {
    pub(super) area: Option<UnitRef>,
    /// The area's unit id (`None`: a scope of several units, or everywhere).
    pub(super) area_id: Option<i64>,
    pub(super) path: Vec<UnitRef>,
    pub(super) units: Vec<UnitRef>,
    /// Breakdown unit id → its index, for units above villages.
    pub(super) index: HashMap<i64, usize>,
    /// The breakdown is the villages of the area (a commune).
    pub(super) villages: bool,
    pub(super) boundaries: Boundaries,
    pub(super) day_after: String,
}

impl View {
    pub(super) fn choose(
        tree: &UnitTree,
        scope: &Scope,
        request: &OverviewRequest,
        day_after: &str,
    ) -> Result<View, StoreError> {
        let boundaries = request.boundaries;
        let unit_ref = |id: i64| {
            tree.get(id).map(|unit| UnitRef {
                code: unit.code.clone(),
                name: unit.name.clone(),
                level: unit.level.clone(),
                has_children: true,
            })
        };
        let children = |id: i64| match boundaries {
            Boundaries::OfTheTime => tree.children_before(id, day_after),
            Boundaries::Today => tree.children_now(id),
        };
        // The area: the requested unit (within scope), or the top of the principal's area.
        let mut area_id = match &request.unit {
            Some(code) => {
                let unit = match boundaries {
                    Boundaries::OfTheTime => tree.by_code_before(code, day_after),
                    Boundaries::Today => tree.units().find(|unit| unit.code == *code && unit.is_current()),
                };
                let unit = unit.filter(|unit| scope.covers(unit.id)).ok_or_else(|| {
                    StoreError::Invalid(said(
                        format!("unit: no unit '{code}' in your area in that period"),
                        format!("unit: không có đơn vị '{code}' trong địa bàn của bạn ở kỳ đó"),
                    ))
                })?;
                Some(unit.id)
            }
            None => match &scope.units {
                None => match tree.roots_now().as_slice() {
                    [only] => Some(only.id),
                    _ => None,
                },
                Some(_) => match scope.roots.as_slice() {
                    [only] => Some(*only),
                    _ => None,
                },
            },
        };
        // Through levels with a single unit (a province with one district in 2025-Q2).
        while let Some(id) = area_id {
            match children(id).as_slice() {
                [only] if request.unit.is_none() && only.level() != Some(crate::admin_units::Level::Village) => {
                    let only_id = only.id;
                    if children(only_id).is_empty() {
                        break;
                    }
                    area_id = Some(only_id);
                }
                _ => break,
            }
        }
        let area_unit = area_id.and_then(|id| tree.get(id));
        // A unit of today seen in a period before it existed is shown by the units it was made
        // of then (Kim Tân in 2025-Q2: the six communes that merged into it).
        let made_of = area_unit.filter(|unit| boundaries == Boundaries::OfTheTime && !unit.valid_before(day_after));
        let villages =
            made_of.is_none() && area_unit.is_some_and(|unit| unit.level() == Some(crate::admin_units::Level::Commune));
        let breakdown: Vec<i64> = match (area_id, made_of) {
            (Some(id), Some(unit)) => {
                let covered = closure(tree, &[id]);
                let mut units: Vec<&crate::figures::tree::TreeUnit> = tree
                    .units()
                    .filter(|other| {
                        other.level == unit.level && other.valid_before(day_after) && covered.contains(&other.id)
                    })
                    .collect();
                units.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.code.cmp(&b.code)));
                units.into_iter().map(|unit| unit.id).collect()
            }
            (Some(id), None) if !villages => children(id).iter().map(|unit| unit.id).collect(),
            (Some(_), None) => Vec::new(),
            (None, _) => Self::top_units(tree, scope, boundaries, day_after),
        };
        let mut path = Vec::new();
        let mut step = area_id.and_then(|id| match boundaries {
            Boundaries::OfTheTime => tree.parent_before(id, day_after),
            Boundaries::Today => tree.get(id).and_then(|unit| unit.parent_id),
        });
        while let Some(id) = step.filter(|id| scope.covers(*id)) {
            path.extend(unit_ref(id));
            step = match boundaries {
                Boundaries::OfTheTime => tree.parent_before(id, day_after),
                Boundaries::Today => tree.get(id).and_then(|unit| unit.parent_id),
            };
        }
        path.reverse();
        let units: Vec<UnitRef> = breakdown
            .iter()
            .filter_map(|id| {
                let unit = tree.get(*id)?;
                let has_children =
                    unit.level() == Some(crate::admin_units::Level::Commune) || !children(*id).is_empty();
                Some(UnitRef { has_children, ..unit_ref(*id)? })
            })
            .collect();
        Ok(View {
            area: area_id.and_then(unit_ref),
            area_id,
            path,
            index: breakdown.iter().enumerate().map(|(index, id)| (*id, index)).collect(),
            units,
            villages,
            boundaries,
            day_after: day_after.to_owned(),
        })
    }

    /// The units that make up a scope of several units (or everywhere) in the period: those of
    /// the scope's own level that existed then (the communes a merger made, or those it ended).
    fn top_units(tree: &UnitTree, scope: &Scope, boundaries: Boundaries, day_after: &str) -> Vec<i64> {
        let levels: HashSet<&str> = match &scope.units {
            None => tree.roots_now().iter().map(|unit| unit.level.as_str()).collect(),
            Some(_) => scope.roots.iter().filter_map(|id| tree.get(*id)).map(|unit| unit.level.as_str()).collect(),
        };
        let mut units: Vec<&crate::figures::tree::TreeUnit> = tree
            .units()
            .filter(|unit| levels.contains(unit.level.as_str()) && scope.covers(unit.id))
            .filter(|unit| match boundaries {
                Boundaries::OfTheTime => unit.valid_before(day_after),
                Boundaries::Today => unit.is_current(),
            })
            .collect();
        units.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.code.cmp(&b.code)));
        units.into_iter().map(|unit| unit.id).collect()
    }

    /// Which breakdown unit the figures kept for `unit` (a commune of some period) go to.
    pub(super) fn place(&self, tree: &UnitTree, unit: i64) -> Option<usize> {
        match self.boundaries {
            Boundaries::OfTheTime => {
                let kept = tree.get(unit)?;
                if !kept.valid_before(&self.day_after) {
                    return None;
                }
                tree.among_ancestors_before(unit, &self.day_after, &self.index)
            }
            Boundaries::Today => tree.among_ancestors_now(tree.today(unit)?, &self.index),
        }
    }
}
