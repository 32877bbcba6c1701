//! The district map as plain tile images, rendered with the page: on slow 3G the map shows as
//! soon as the HTML and a few tiles arrive, not seconds later once the wasm and Leaflet are up.
//!
//! The picture frames the district the way Leaflet will (`fitBounds` on a phone-sized map, zoom
//! snapped to quarters), so the view does not jump when Leaflet takes over. Its tiles are of the
//! zoom level below, shown at full size or larger: where Leaflet rounds up to the next level, it
//! fetches its own tiles, but the picture never shows smaller than the map that replaces it.
//! It is an SVG whose `viewBox` does the positioning and scaling (the page's style policy allows
//! no inline styles), holding HTML images: browsers count those as the page's largest paint, and
//! not SVG `<image>`s.

use super::field::tile_cache::{project, tile_url, TILE};
use crate::model::{CulturalHouse, TileSource};
use leptos::prelude::*;

/// The map size the picture is framed for: a phone's `.map__canvas` (100% wide, 62vh high).
const FRAME: (f64, f64) = (400.0, 500.0);
/// Leaflet's `zoomSnap` on the district map (`LeafletMap`).
const ZOOM_SNAP: f64 = 0.25;
/// Zoom range the preview stays within (OpenStreetMap's tiles stop at 19).
const ZOOM_RANGE: (f64, f64) = (1.0, 18.0);

/// One tile image: its address and its place, in pixels of the tile zoom.
#[derive(Clone, Debug, PartialEq)]
pub struct PreviewTile {
    pub url: String,
    pub x: f64,
    pub y: f64,
}

/// The tiles and the `viewBox` that shows them as Leaflet would.
#[derive(Clone, Debug, PartialEq)]
pub struct Preview {
    pub view_box: String,
    pub tiles: Vec<PreviewTile>,
    /// Zoom of the tiles: the `viewBox` is in pixels of this zoom.
    pub tile_zoom: f64,
    /// `viewBox` units per pixel of the phone-sized map the picture is framed for.
    pub unit: f64,
    /// The communes' outlines as SVG path data, drawn as Leaflet draws them.
    pub outlines: Vec<String>,
}

/// Radius of a house's dot on the picture, in pixels of the framed map: a thumb's target, as
/// Leaflet's markers (`house_markers`).
const MARKER_RADIUS: f64 = 12.0;

/// The preview of `bounds` (`((south, west), (north, east))`) with `tiles` and the outlines of
/// `rings` (`(lon, lat)`); none for an empty or degenerate area.
pub fn preview(bounds: ((f64, f64), (f64, f64)), tiles: &TileSource, rings: &[Vec<(f64, f64)>]) -> Option<Preview> {
    let ((south, west), (north, east)) = bounds;
    let (left, top) = project(north, west, 0.0);
    let (right, bottom) = project(south, east, 0.0);
    let (width, height) = (right - left, bottom - top);
    if !(width > 0.0 && height > 0.0) {
        return None;
    }
    let fit = (FRAME.0 / width).min(FRAME.1 / height).log2();
    let zoom = ((fit / ZOOM_SNAP).floor() * ZOOM_SNAP).clamp(ZOOM_RANGE.0, ZOOM_RANGE.1);
    let tile_zoom = zoom.floor();
    let scale = 2f64.powf(zoom - tile_zoom);
    let center = (((left + right) / 2.0) * 2f64.powf(tile_zoom), ((top + bottom) / 2.0) * 2f64.powf(tile_zoom));
    let half = (FRAME.0 / 2.0 / scale, FRAME.1 / 2.0 / scale);
    let last = 2f64.powf(tile_zoom) as i64 - 1;
    let columns = ((center.0 - half.0) / TILE).floor() as i64..=((center.0 + half.0) / TILE).floor() as i64;
    let rows = ((center.1 - half.1) / TILE).floor() as i64..=((center.1 + half.1) / TILE).floor() as i64;
    let tiles = rows
        .filter(|row| (0..=last).contains(row))
        .flat_map(|row| columns.clone().filter(|column| (0..=last).contains(column)).map(move |column| (column, row)))
        .map(|(column, row)| PreviewTile {
            // Both within 0..2^zoom (filtered above), so they fit a tile index.
            url: tile_url(&tiles.url, tile_zoom as u32, column as u32, row as u32),
            x: column as f64 * TILE,
            y: row as f64 * TILE,
        })
        .collect();
    let view_box = format!("{:.1} {:.1} {:.1} {:.1}", center.0 - half.0, center.1 - half.1, 2.0 * half.0, 2.0 * half.1);
    let outlines = rings.iter().filter(|ring| ring.len() > 2).map(|ring| outline_path(ring, tile_zoom)).collect();
    Some(Preview { view_box, tiles, tile_zoom, unit: 1.0 / scale, outlines })
}

/// SVG path data of a closed ring of `(lon, lat)` at `zoom`, to the nearest pixel (finer would
/// only lengthen the page).
fn outline_path(ring: &[(f64, f64)], zoom: f64) -> String {
    let mut path = String::new();
    for (index, (lon, lat)) in ring.iter().enumerate() {
        let (x, y) = project(*lat, *lon, zoom);
        path.push(if index == 0 { 'M' } else { 'L' });
        path.push_str(&format!("{x:.0} {y:.0}"));
    }
    path.push('Z');
    path
}

/// The picture itself, with a dot per house the filters let through; a tap on a dot opens its
/// house. Hidden from screen readers: the list of houses under the map is their way in.
#[component]
pub fn MapPreview(
    preview: Preview,
    visible: Memo<Vec<CulturalHouse>>,
    selected: RwSignal<Option<i64>>,
) -> impl IntoView {
    let Preview { view_box, tiles, tile_zoom, unit, outlines } = preview;
    view! {
        <svg class="map__preview" viewBox=view_box preserveAspectRatio="xMidYMid slice" aria-hidden="true" focusable="false">
            {tiles
                .into_iter()
                .map(|tile| view! {
                    <foreignObject x=tile.x y=tile.y width=TILE height=TILE>
                        <img src=tile.url width=TILE height=TILE alt=""/>
                    </foreignObject>
                })
                .collect_view()}
            {outlines.into_iter().map(|path| view! { <path class="preview-commune" d=path/> }).collect_view()}
            <For each=move || visible.get() key=|house| house.id let:house>
                {
                    let (x, y) = project(house.lat, house.lon, tile_zoom);
                    let id = house.id;
                    view! {
                        <circle
                            class=format!("preview-marker status-{} house-{id}", house.wifi_status.as_str())
                            cx=format!("{x:.0}")
                            cy=format!("{y:.0}")
                            r=format!("{:.2}", MARKER_RADIUS * unit)
                            // A tap on a house opens it; it does not ask for the moving map.
                            on:pointerdown=|event| event.stop_propagation()
                            on:click=move |_| selected.set(Some(id))
                        />
                    }
                }
            </For>
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn osm() -> TileSource {
        TileSource { url: "https://{s}.tile.example/{z}/{x}/{y}{r}.png".to_owned(), attribution: String::new() }
    }

    #[test]
    fn a_district_is_framed_by_a_few_tiles_of_the_zoom_leaflet_uses() {
        // Thạch Thành, about 0.45° by 0.4°.
        let preview = preview(((19.95, 105.45), (20.35, 105.90)), &osm(), &[]).expect("a preview");
        assert!((4..=12).contains(&preview.tiles.len()), "{} tiles", preview.tiles.len());
        let zooms: Vec<_> = preview.tiles.iter().map(|tile| tile.url.split('/').nth(3).unwrap_or("")).collect();
        assert!(zooms.iter().all(|zoom| *zoom == "10"), "tile zoom {zooms:?}");
        let first = &preview.tiles[0];
        assert!(first.url.starts_with("https://") && first.url.ends_with(".png") && !first.url.contains('{'));
        let numbers: Vec<f64> = preview.view_box.split(' ').filter_map(|n| n.parse().ok()).collect();
        assert_eq!(numbers.len(), 4);
        assert!(preview.tiles.iter().any(|tile| tile.x <= numbers[0] && numbers[0] < tile.x + TILE));
    }

    #[test]
    fn an_empty_area_has_no_preview() {
        assert_eq!(preview(((20.0, 105.0), (20.0, 105.0)), &osm(), &[]), None);
    }

    #[test]
    fn a_commune_outline_is_drawn_where_its_corners_fall_on_the_tiles() {
        let ring = vec![(105.5, 20.0), (105.8, 20.0), (105.8, 20.3), (105.5, 20.0)];
        let preview =
            preview(((19.95, 105.45), (20.35, 105.90)), &osm(), &[ring, vec![(105.5, 20.0)]]).expect("a preview");
        assert_eq!(preview.outlines.len(), 1, "a ring of fewer than three points is no outline");
        let path = &preview.outlines[0];
        assert!(path.starts_with('M') && path.ends_with('Z') && path.matches('L').count() == 3, "{path}");
        let (x, y) = project(20.0, 105.5, preview.tile_zoom);
        assert!(path.starts_with(&format!("M{x:.0} {y:.0}L")), "{path}");
    }
}
