//! Query parameters read into the domain's types, each refusal naming its parameter (a 400 with
//! `parameter`), so a client knows what to correct.

use super::error::ApiError;
use domain::admin_units::{self, Level};
use domain::cultural_houses::BBox;
use domain::map_layers::{Viewport, MAX_ZOOM};
use domain::Db;
use model::WifiStatus;

/// The query of an import route.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportQuery {
    /// true: check the file and answer what would change (the same counts as a real import),
    /// writing nothing
    dry_run: Option<bool>,
}

impl ImportQuery {
    pub fn dry_run(&self) -> bool {
        self.dry_run.unwrap_or(false)
    }
}

/// Longest unit code accepted in a query; real GSO codes have 5 digits, villages a few more.
const MAX_CODE_LEN: usize = 32;

/// A parameter that must be present and not blank, trimmed.
pub fn required(parameter: &'static str, value: Option<String>, expected: &str) -> Result<String, ApiError> {
    value
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
        .ok_or_else(|| ApiError::invalid(parameter, format!("required: {expected}")))
}

/// An optional parameter, trimmed; blank counts as absent.
pub fn optional(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|value| !value.is_empty())
}

/// `minLon,minLat,maxLon,maxLat` within the lon/lat ranges, minimum before maximum.
pub fn bbox(text: &str) -> Result<BBox, ApiError> {
    let invalid = |message: &str| ApiError::invalid("bbox", message);
    let numbers = text
        .split(',')
        .map(|part| part.trim().parse::<f64>().ok().filter(|n| n.is_finite()))
        .collect::<Option<Vec<f64>>>()
        .ok_or_else(|| invalid("expected four numbers minLon,minLat,maxLon,maxLat"))?;
    let [min_lon, min_lat, max_lon, max_lat] = numbers[..] else {
        return Err(invalid("expected four numbers minLon,minLat,maxLon,maxLat"));
    };
    if ![min_lon, max_lon].iter().all(|lon| (-180.0..=180.0).contains(lon)) {
        return Err(invalid("longitudes must be within -180..180"));
    }
    if ![min_lat, max_lat].iter().all(|lat| (-90.0..=90.0).contains(lat)) {
        return Err(invalid("latitudes must be within -90..90"));
    }
    if min_lon > max_lon || min_lat > max_lat {
        return Err(invalid("minimum must not exceed maximum (order is minLon,minLat,maxLon,maxLat)"));
    }
    Ok(BBox { min_lon, min_lat, max_lon, max_lat })
}

/// A map view: `bbox` (the world when absent) and the required `zoom`.
pub fn viewport(bbox_text: Option<&str>, zoom_text: Option<&str>) -> Result<Viewport, ApiError> {
    let bbox = bbox_text.map(bbox).transpose()?.unwrap_or(BBox::WORLD);
    let zoom_text = zoom_text.ok_or_else(|| ApiError::invalid("zoom", "required: 0 to 22"))?;
    let zoom = zoom_text.trim().parse::<u8>().ok().filter(|zoom| *zoom <= MAX_ZOOM).ok_or_else(|| {
        ApiError::invalid("zoom", format!("expected a whole number 0 to {MAX_ZOOM}, got '{zoom_text}'"))
    })?;
    Ok(Viewport { bbox, zoom })
}

/// One Wi-Fi status or several separated by commas, each once.
pub fn statuses(text: &str) -> Result<Vec<WifiStatus>, ApiError> {
    let mut statuses = Vec::new();
    for part in text.split(',').map(str::trim) {
        let status: WifiStatus = part.parse().map_err(|error| ApiError::invalid("status", format!("{error}")))?;
        if !statuses.contains(&status) {
            statuses.push(status);
        }
    }
    Ok(statuses)
}

/// A commune filter must name a current commune: a typo should be an error, not an empty map.
pub async fn commune(db: &Db, code: &str) -> Result<String, ApiError> {
    let code = code.trim().to_owned();
    if code.is_empty() || code.len() > MAX_CODE_LEN {
        return Err(ApiError::invalid("commune", "expected a commune code"));
    }
    match admin_units::find_by_code(db.pool(), &code).await? {
        Some((_, Level::Commune)) => Ok(code),
        Some((_, level)) => Err(ApiError::invalid("commune", format!("{code} is a {level}, not a commune"))),
        None => Err(ApiError::invalid("commune", format!("no commune has code {code}"))),
    }
}

/// The plan year asked for, or the current one.
pub fn year(text: Option<&str>) -> Result<i32, ApiError> {
    match optional(text) {
        None => Ok(domain::current_year()),
        Some(text) => {
            text.parse::<i32>().ok().filter(|year| model::indicators::PLAN_YEARS.contains(year)).ok_or_else(|| {
                let (first, last) = (model::indicators::PLAN_YEARS.start(), model::indicators::PLAN_YEARS.end());
                ApiError::invalid("year", format!("expected a year from {first} to {last}"))
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bbox_accepts_four_ordered_numbers_only() {
        assert_eq!(
            bbox("105.4, 20.0,105.9,20.4").ok(),
            Some(BBox { min_lon: 105.4, min_lat: 20.0, max_lon: 105.9, max_lat: 20.4 })
        );
        for bad in ["", "1,2,3", "1,2,3,4,5", "a,b,c,d", "NaN,0,1,1", "0,0,200,1", "1,1,0,0", "0,-91,1,1"] {
            assert!(bbox(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn statuses_are_a_comma_list_of_known_names() {
        let parsed = statuses("active,broken,active").ok();
        assert_eq!(parsed, Some(vec![WifiStatus::Active, WifiStatus::Broken]));
        assert!(statuses("active,wrong").is_err());
        assert!(statuses("").is_err());
    }
}
