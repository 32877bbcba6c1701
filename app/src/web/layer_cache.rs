//! Recently answered map layers, kept a few seconds. Many people open the same view (the whole
//! province or country, zoomed out): a layer that counts 100,000 houses need not be recounted for
//! each of them. An answer is reused for [`FRESH_FOR`] at most, so a change made anywhere (on
//! this server or another one on the same database) shows within that time; the answer says so
//! in its `Cache-Control` header.

use axum::body::Bytes;
use domain::access::Visibility;
use domain::map_layers::Viewport;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long an answer is reused.
pub const FRESH_FOR: Duration = Duration::from_secs(10);
/// Most answers kept: beyond this, expired answers are dropped, and if none had expired all are
/// (a burst of distinct views must not grow memory without bound).
const MAX_ENTRIES: usize = 2048;

/// Which layer, for which view, as which viewer: everything the answer depends on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LayerKey {
    layer: &'static str,
    /// The bounding box's coordinates as bit patterns (floats are not `Eq`).
    bbox: [u64; 4],
    zoom: u8,
    only_active_wifi: bool,
    scope_of_user: Option<i64>,
}

impl LayerKey {
    pub fn new(layer: &'static str, viewport: &Viewport, visibility: Visibility) -> LayerKey {
        let bbox = viewport.bbox;
        LayerKey {
            layer,
            bbox: [bbox.min_lon, bbox.min_lat, bbox.max_lon, bbox.max_lat].map(f64::to_bits),
            zoom: viewport.zoom,
            only_active_wifi: visibility.only_active_wifi,
            scope_of_user: visibility.scope_of_user,
        }
    }
}

/// Shared by every request of one server (cloning shares it).
#[derive(Clone, Debug, Default)]
pub struct LayerCache {
    answers: Arc<Mutex<HashMap<LayerKey, (Instant, Bytes)>>>,
}

impl LayerCache {
    /// The answer stored for `key` within the last [`FRESH_FOR`].
    pub fn fresh(&self, key: &LayerKey) -> Option<Bytes> {
        let answers = self.answers.lock().unwrap_or_else(PoisonError::into_inner);
        answers.get(key).filter(|(stored, _)| stored.elapsed() < FRESH_FOR).map(|(_, bytes)| bytes.clone())
    }

    pub fn store(&self, key: LayerKey, bytes: Bytes) {
        let mut answers = self.answers.lock().unwrap_or_else(PoisonError::into_inner);
        if answers.len() >= MAX_ENTRIES {
            answers.retain(|_, (stored, _)| stored.elapsed() < FRESH_FOR);
            if answers.len() >= MAX_ENTRIES {
                answers.clear();
            }
        }
        answers.insert(key, (Instant::now(), bytes));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::cultural_houses::BBox;

    fn key(zoom: u8, scope_of_user: Option<i64>) -> LayerKey {
        let viewport = Viewport { bbox: BBox::WORLD, zoom };
        LayerKey::new("houses", &viewport, Visibility { only_active_wifi: false, scope_of_user })
    }

    #[test]
    fn answers_are_kept_per_view_and_viewer_and_bounded() {
        let cache = LayerCache::default();
        cache.store(key(5, None), Bytes::from_static(b"country"));
        assert_eq!(cache.fresh(&key(5, None)), Some(Bytes::from_static(b"country")));
        assert_eq!(cache.fresh(&key(5, Some(7))), None, "another scope is another answer");
        assert_eq!(cache.fresh(&key(6, None)), None);
        for user in 0..(MAX_ENTRIES as i64 + 10) {
            cache.store(key(5, Some(user)), Bytes::from_static(b"x"));
        }
        assert!(cache.answers.lock().map(|answers| answers.len()).unwrap_or(0) <= MAX_ENTRIES);
    }
}
