//! The phone's own store (IndexedDB): the queue of records waiting for the server and copies of
//! the lists last fetched from it. A record counts as saved only once its write transaction has
//! committed (with `durability: "strict"` where the browser knows it), so closing the browser,
//! reloading or losing power right after "saved" loses nothing.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbRequest, IdbTransaction};

const DATABASE: &str = "bandoso-field";
const VERSION: u32 = 1;
/// Records made on this phone, keyed by their UUID; each value is a `QueuedRecord` as JSON.
pub const QUEUE: &str = "queue";
/// Copies of server lists for offline use, keyed by name (for example `households:15187-01`).
pub const CACHE: &str = "cache";

/// The browser refused a read or write (no IndexedDB, quota exceeded, private mode, …).
#[derive(Clone, Debug, PartialEq)]
pub struct PhoneStoreError(pub String);

impl std::fmt::Display for PhoneStoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<JsValue> for PhoneStoreError {
    fn from(value: JsValue) -> Self {
        let message = value
            .dyn_ref::<web_sys::DomException>()
            .map(|exception| format!("{}: {}", exception.name(), exception.message()))
            .or_else(|| value.as_string())
            .unwrap_or_else(|| format!("{value:?}"));
        PhoneStoreError(message)
    }
}

/// Waits for a request's `success` (its result) or `error`.
async fn settle(request: &IdbRequest) -> Result<JsValue, PhoneStoreError> {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let succeeded = request.clone();
        let on_success = Closure::once_into_js(move || {
            let result = succeeded.result().unwrap_or(JsValue::UNDEFINED);
            // The promise is settled once; a second call is ignored by the browser.
            let _ = resolve.call1(&JsValue::UNDEFINED, &result);
        });
        let failed = request.clone();
        let on_error = Closure::once_into_js(move || {
            let error = failed.error().ok().flatten().map(JsValue::from).unwrap_or(JsValue::UNDEFINED);
            let _ = reject.call1(&JsValue::UNDEFINED, &error);
        });
        request.set_onsuccess(Some(on_success.unchecked_ref()));
        request.set_onerror(Some(on_error.unchecked_ref()));
    });
    Ok(JsFuture::from(promise).await?)
}

/// Waits until a write transaction has committed (`complete`), or failed (`error`, `abort`).
async fn committed(transaction: &IdbTransaction) -> Result<(), PhoneStoreError> {
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        let on_complete = Closure::once_into_js(move || {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        });
        // `error` is followed by `abort`: each gets its own one-shot handler.
        let on_failure = || {
            let failed = transaction.clone();
            let reject = reject.clone();
            Closure::once_into_js(move || {
                let error =
                    failed.error().map(JsValue::from).unwrap_or_else(|| JsValue::from_str("transaction aborted"));
                let _ = reject.call1(&JsValue::UNDEFINED, &error);
            })
        };
        transaction.set_oncomplete(Some(on_complete.unchecked_ref()));
        transaction.set_onerror(Some(on_failure().unchecked_ref()));
        transaction.set_onabort(Some(on_failure().unchecked_ref()));
    });
    JsFuture::from(promise).await?;
    Ok(())
}

/// Opens (creating on first use) the phone's database.
pub async fn open() -> Result<IdbDatabase, PhoneStoreError> {
    let factory = web_sys::window()
        .ok_or_else(|| PhoneStoreError("no window".into()))?
        .indexed_db()?
        .ok_or_else(|| PhoneStoreError("IndexedDB is not available in this browser".into()))?;
    let request = factory.open_with_u32(DATABASE, VERSION)?;
    let upgrading = request.clone();
    let on_upgrade = Closure::once_into_js(move || {
        let Ok(database) = upgrading.result().and_then(|result| result.dyn_into::<IdbDatabase>()) else {
            return;
        };
        let existing = database.object_store_names();
        for store in [QUEUE, CACHE] {
            if !existing.contains(store) {
                // A failure here fails the open request itself, which the caller reports.
                let _ = database.create_object_store(store);
            }
        }
    });
    request.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
    Ok(settle(&request).await?.dyn_into::<IdbDatabase>()?)
}

/// A read-write transaction that asks the browser to flush to disk before reporting `complete`
/// (`durability: "strict"`; browsers that do not know the option ignore it).
fn write_transaction(database: &IdbDatabase, store: &str) -> Result<IdbTransaction, PhoneStoreError> {
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"durability".into(), &"strict".into())?;
    let transaction = js_sys::Reflect::get(database, &"transaction".into())?.dyn_into::<js_sys::Function>()?;
    Ok(transaction.call3(database, &store.into(), &"readwrite".into(), &options)?.dyn_into::<IdbTransaction>()?)
}

/// Writes several `(key, value)` pairs in one committed transaction: all or none.
pub async fn put_all(database: &IdbDatabase, store: &str, entries: &[(String, String)]) -> Result<(), PhoneStoreError> {
    let transaction = write_transaction(database, store)?;
    let object_store = transaction.object_store(store)?;
    for (key, value) in entries {
        object_store.put_with_key(&JsValue::from_str(value), &JsValue::from_str(key))?;
    }
    committed(&transaction).await
}

/// Writes one value and waits for the commit.
pub async fn put(database: &IdbDatabase, store: &str, key: &str, value: &str) -> Result<(), PhoneStoreError> {
    put_all(database, store, &[(key.to_owned(), value.to_owned())]).await
}

/// Deletes one value and waits for the commit.
pub async fn delete(database: &IdbDatabase, store: &str, key: &str) -> Result<(), PhoneStoreError> {
    let transaction = write_transaction(database, store)?;
    transaction.object_store(store)?.delete(&JsValue::from_str(key))?;
    committed(&transaction).await
}

/// Empties a store and waits for the commit.
pub async fn clear(database: &IdbDatabase, store: &str) -> Result<(), PhoneStoreError> {
    let transaction = write_transaction(database, store)?;
    transaction.object_store(store)?.clear()?;
    committed(&transaction).await
}

/// Reads one value.
pub async fn get(database: &IdbDatabase, store: &str, key: &str) -> Result<Option<String>, PhoneStoreError> {
    let transaction = database.transaction_with_str(store)?;
    let request = transaction.object_store(store)?.get(&JsValue::from_str(key))?;
    Ok(settle(&request).await?.as_string())
}

/// Reads every value of a store.
pub async fn get_all(database: &IdbDatabase, store: &str) -> Result<Vec<String>, PhoneStoreError> {
    let transaction = database.transaction_with_str(store)?;
    let request = transaction.object_store(store)?.get_all()?;
    let values = settle(&request).await?.dyn_into::<js_sys::Array>()?;
    Ok(values.iter().filter_map(|value| value.as_string()).collect())
}
