//! "Tải bản đồ khu vực": the map tiles around a village kept on the phone (Cache API), so the map
//! of the area shows with no network. The service worker answers tile requests from this cache
//! first (`public/sw.js`, same cache name).
//!
//! The download is bounded: at most [`MAX_TILES`] tiles (a few megabytes with OpenStreetMap's
//! ~20 KB tiles), taken zoom level by zoom level from the widest, so a big area gets fewer detail
//! levels rather than an unbounded download.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

/// Must match `TILE_CACHE` in `public/sw.js`.
pub const TILE_CACHE: &str = "bandoso-tiles-v1";
/// The most tiles one download keeps.
pub const MAX_TILES: usize = 400;
/// Zoom levels worth keeping for walking a village: commune overview to single houses.
const ZOOMS: std::ops::RangeInclusive<u32> = 12..=17;
/// Margin around the area, in degrees (about 500 m).
const MARGIN_DEG: f64 = 0.005;

/// An area as (west, south, east, north) in degrees.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Area {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

impl Area {
    /// The smallest area holding every point (lon, lat), with a margin; `None` without points.
    pub fn around(points: impl IntoIterator<Item = (f64, f64)>) -> Option<Area> {
        let mut area: Option<Area> = None;
        for (lon, lat) in points {
            let grown = match area {
                None => Area { west: lon, south: lat, east: lon, north: lat },
                Some(a) => Area {
                    west: a.west.min(lon),
                    south: a.south.min(lat),
                    east: a.east.max(lon),
                    north: a.north.max(lat),
                },
            };
            area = Some(grown);
        }
        area.map(|a| Area {
            west: a.west - MARGIN_DEG,
            south: a.south - MARGIN_DEG,
            east: a.east + MARGIN_DEG,
            north: a.north + MARGIN_DEG,
        })
    }
}

/// Side of a map tile in pixels.
pub(in crate::pages) const TILE: f64 = 256.0;

/// Web Mercator pixel of a position at zoom `zoom` (Leaflet's `project`): the one place the app
/// turns degrees into map pixels and tile numbers, so downloaded tiles and the server's map
/// picture are the tiles Leaflet asks for.
pub(in crate::pages) fn project(lat: f64, lon: f64, zoom: f64) -> (f64, f64) {
    let scale = TILE * 2f64.powf(zoom);
    let sin = lat.to_radians().sin().clamp(-0.9999, 0.9999);
    let x = (lon + 180.0) / 360.0 * scale;
    let y = (0.5 - ((1.0 + sin) / (1.0 - sin)).ln() / (4.0 * std::f64::consts::PI)) * scale;
    (x, y)
}

/// The tile number holding `pixel` at zoom `z`, kept within the grid.
fn tile_of(pixel: f64, z: u32) -> u32 {
    let last = f64::from(1u32 << z) - 1.0;
    (pixel / TILE).floor().clamp(0.0, last) as u32
}

/// Web-Mercator tile column of a longitude at zoom `z`.
fn tile_x(lon: f64, z: u32) -> u32 {
    tile_of(project(0.0, lon, f64::from(z)).0, z)
}

/// Web-Mercator tile row of a latitude at zoom `z`.
fn tile_y(lat: f64, z: u32) -> u32 {
    tile_of(project(lat, 0.0, f64::from(z)).1, z)
}

/// The URL Leaflet will ask for a tile: the template's `{z}/{x}/{y}`, `{s}` as Leaflet picks it
/// (subdomains `a`, `b`, `c` by `(x + y) % 3`) and `{r}` empty (no retina tiles).
pub(in crate::pages) fn tile_url(template: &str, z: u32, x: u32, y: u32) -> String {
    let subdomain = ["a", "b", "c"][((x + y) % 3) as usize];
    template
        .replace("{z}", &z.to_string())
        .replace("{x}", &x.to_string())
        .replace("{y}", &y.to_string())
        .replace("{s}", subdomain)
        .replace("{r}", "")
}

/// The tiles covering `area`, widest zoom first, stopping before a zoom level would pass
/// [`MAX_TILES`].
pub fn tile_urls(template: &str, area: Area) -> Vec<String> {
    let mut urls = Vec::new();
    for z in ZOOMS {
        let (x0, x1) = (tile_x(area.west, z), tile_x(area.east, z));
        let (y0, y1) = (tile_y(area.north, z), tile_y(area.south, z));
        let count = (x1 - x0 + 1) as usize * (y1 - y0 + 1) as usize;
        if urls.len() + count > MAX_TILES {
            break;
        }
        for x in x0..=x1 {
            for y in y0..=y1 {
                urls.push(tile_url(template, z, x, y));
            }
        }
    }
    urls
}

/// Downloads the tiles not cached yet, reporting how many are done after each; answers how many
/// are now on the phone. A tile that fails is skipped (the rest still help).
pub async fn download(urls: &[String], on_progress: impl Fn(usize)) -> Result<usize, String> {
    let window = web_sys::window().ok_or("no window")?;
    let caches = window.caches().map_err(|_| "the Cache API is not available here".to_owned())?;
    let cache: web_sys::Cache = JsFuture::from(caches.open(TILE_CACHE))
        .await
        .and_then(|cache| cache.dyn_into())
        .map_err(|_| "the tile cache could not be opened".to_owned())?;
    let mut kept = 0;
    for (done, url) in urls.iter().enumerate() {
        let cached = JsFuture::from(cache.match_with_str(url)).await.map(|hit| !hit.is_undefined()).unwrap_or(false);
        if cached || JsFuture::from(cache.add_with_str(url)).await.is_ok() {
            kept += 1;
        }
        on_progress(done + 1);
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OSM: &str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";

    #[test]
    fn projection_matches_web_mercator() {
        let close =
            |(x, y): (f64, f64), (want_x, want_y): (f64, f64)| (x - want_x).abs() < 0.01 && (y - want_y).abs() < 0.01;
        assert!(close(project(0.0, 0.0, 0.0), (128.0, 128.0)));
        assert!(close(project(85.051_128_78, -180.0, 0.0), (0.0, 0.0)));
        assert!(close(project(-85.051_128_78, 180.0, 1.0), (512.0, 512.0)));
    }

    #[test]
    fn tiles_follow_the_web_mercator_grid() {
        // Thạch Thành (105.6 E, 20.1 N) at zoom 12: column 3249, row 1814 (worked out by hand).
        assert_eq!((tile_x(105.6, 12), tile_y(20.1, 12)), (3249, 1814));
        assert_eq!((tile_x(-180.0, 3), tile_x(180.0, 3), tile_y(89.9, 3), tile_y(-89.9, 3)), (0, 7, 0, 7), "edges");
        assert_eq!(tile_url(OSM, 12, 3249, 1814), "https://tile.openstreetmap.org/12/3249/1814.png");
        assert_eq!(tile_url("https://{s}.tiles.vn/{z}/{x}/{y}{r}.png", 1, 1, 0), "https://b.tiles.vn/1/1/0.png");
    }

    #[test]
    fn a_village_gets_every_zoom_level_and_a_district_is_capped() {
        let village = Area::around([(105.684, 20.126), (105.688, 20.129)]).expect("area");
        let urls = tile_urls(OSM, village);
        assert!(urls.iter().any(|url| url.contains("/17/")), "a village reaches house level");
        assert!(urls.len() <= MAX_TILES);
        let district = Area { west: 105.4, south: 20.0, east: 105.9, north: 20.4 };
        let urls = tile_urls(OSM, district);
        assert!(!urls.is_empty() && urls.len() <= MAX_TILES, "{}", urls.len());
        assert!(!urls.iter().any(|url| url.contains("/17/")), "a district stops before house level");
        assert!(Area::around(std::iter::empty()).is_none());
    }
}
