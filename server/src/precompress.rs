//! Brotli and gzip copies of the built site's static files, written once by the build
//! (`bandoso precompress`, run by `make build`) instead of compressed again for every phone.
//!
//! The static file handler serves `bandoso.wasm.br` to a browser that accepts brotli, and the
//! response compression layer leaves a response that already has an encoding alone. Brotli at its
//! highest quality makes the wasm about 30% smaller than the gzip the server would make on the
//! fly, and costs seconds once at build time instead of CPU on every first visit.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Files the browser fetches as text or wasm; images are compressed already.
const COMPRESSIBLE: &[&str] = &["js", "wasm", "css", "svg", "json", "webmanifest", "html"];
/// Below this a compressed copy saves less than the headers it costs.
const SMALLEST_WORTH_COMPRESSING: u64 = 1024;
/// The two encodings, as `ServeDir` looks for them next to the original.
const SUFFIXES: [&str; 2] = ["br", "gz"];

#[derive(Debug, thiserror::Error)]
pub enum PrecompressError {
    #[error("cannot read the site folder {path}: {source}")]
    Walk { path: PathBuf, source: io::Error },
    #[error("cannot compress {path}: {source}")]
    Compress { path: PathBuf, source: io::Error },
    #[error("cannot remove the stale copy {path}: {source}")]
    Remove { path: PathBuf, source: io::Error },
}

/// What a precompression run did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Precompressed {
    /// Originals given fresh compressed copies.
    pub written: usize,
    /// Originals whose copies were already newer than they are.
    pub up_to_date: usize,
}

/// Writes `NAME.br` and `NAME.gz` beside every compressible file under `site_root` whose copies
/// are missing or older than it. Each copy is written to a temporary name and renamed, so a
/// server reading the folder never sees half a file.
pub fn precompress(site_root: &Path) -> Result<Precompressed, PrecompressError> {
    let mut outcome = Precompressed::default();
    for original in compressible_files(site_root)? {
        if SUFFIXES.iter().all(|suffix| copy_is_fresh(&original, &copy_path(&original, suffix))) {
            outcome.up_to_date += 1;
            continue;
        }
        let failed = |source| PrecompressError::Compress { path: original.clone(), source };
        let bytes = fs::read(&original).map_err(failed)?;
        write_atomically(&copy_path(&original, "br"), &brotli_best(&bytes).map_err(failed)?).map_err(failed)?;
        write_atomically(&copy_path(&original, "gz"), &gzip_best(&bytes).map_err(failed)?).map_err(failed)?;
        outcome.written += 1;
    }
    Ok(outcome)
}

/// Deletes compressed copies older than their original, and returns them. A rebuild that did not
/// run `bandoso precompress` would otherwise have the server hand phones the previous wasm next
/// to the new JavaScript, and the app would not start. The copies are build output, never data.
pub fn remove_stale_copies(site_root: &Path) -> Result<Vec<PathBuf>, PrecompressError> {
    let mut removed = Vec::new();
    for original in compressible_files(site_root)? {
        for suffix in SUFFIXES {
            let copy = copy_path(&original, suffix);
            if copy.exists() && !copy_is_fresh(&original, &copy) {
                fs::remove_file(&copy).map_err(|source| PrecompressError::Remove { path: copy.clone(), source })?;
                removed.push(copy);
            }
        }
    }
    Ok(removed)
}

fn compressible_files(site_root: &Path) -> Result<Vec<PathBuf>, PrecompressError> {
    let mut found = Vec::new();
    let mut folders = vec![site_root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        let walk_failed = |source| PrecompressError::Walk { path: folder.clone(), source };
        for entry in fs::read_dir(&folder).map_err(walk_failed)? {
            let entry = entry.map_err(walk_failed)?;
            let metadata = entry.metadata().map_err(walk_failed)?;
            let path = entry.path();
            if metadata.is_dir() {
                folders.push(path);
            } else if metadata.len() >= SMALLEST_WORTH_COMPRESSING && is_compressible(&path) {
                found.push(path);
            }
        }
    }
    found.sort();
    Ok(found)
}

fn is_compressible(path: &Path) -> bool {
    path.extension().and_then(|extension| extension.to_str()).is_some_and(|extension| COMPRESSIBLE.contains(&extension))
}

fn copy_path(original: &Path, suffix: &str) -> PathBuf {
    let mut name = original.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    PathBuf::from(name)
}

/// A copy is fresh when it was written after its original last changed.
fn copy_is_fresh(original: &Path, copy: &Path) -> bool {
    let modified = |path: &Path| fs::metadata(path).and_then(|metadata| metadata.modified()).ok();
    match (modified(original), modified(copy)) {
        (Some(original), Some(copy)) => copy >= original,
        _ => false,
    }
}

fn brotli_best(bytes: &[u8]) -> io::Result<Vec<u8>> {
    // Quality 11 with a 4 MiB window (lgwin 22): the wasm is read once per phone, compressed once.
    let mut compressed = Vec::with_capacity(bytes.len() / 3);
    let mut writer = brotli::CompressorWriter::new(&mut compressed, 64 * 1024, 11, 22);
    writer.write_all(bytes)?;
    writer.flush()?;
    drop(writer);
    Ok(compressed)
}

fn gzip_best(bytes: &[u8]) -> io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::with_capacity(bytes.len() / 3), flate2::Compression::best());
    encoder.write_all(bytes)?;
    encoder.finish()
}

fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".partial");
    fs::write(&temporary, bytes)?;
    fs::rename(&temporary, path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;
    use std::time::SystemTime;

    #[test]
    fn copies_decompress_to_the_original_and_are_rewritten_only_when_it_changes() {
        let site = tempfile::tempdir().expect("temporary folder");
        let pkg = site.path().join("pkg");
        fs::create_dir(&pkg).expect("pkg folder");
        let script: Vec<u8> = (0..4000).flat_map(|n| format!("let value{n} = {n};\n").into_bytes()).collect();
        fs::write(pkg.join("app.js"), &script).expect("script");
        fs::write(pkg.join("tiny.js"), b"1").expect("tiny script");
        fs::write(site.path().join("icon.png"), vec![7u8; 4096]).expect("image");

        assert_eq!(precompress(site.path()).expect("first run"), Precompressed { written: 1, up_to_date: 0 });
        let mut from_brotli = Vec::new();
        brotli::Decompressor::new(fs::File::open(pkg.join("app.js.br")).expect("br copy"), 4096)
            .read_to_end(&mut from_brotli)
            .expect("brotli decodes");
        assert_eq!(from_brotli, script);
        let mut from_gzip = Vec::new();
        flate2::read::GzDecoder::new(fs::File::open(pkg.join("app.js.gz")).expect("gz copy"))
            .read_to_end(&mut from_gzip)
            .expect("gzip decodes");
        assert_eq!(from_gzip, script);
        assert!(fs::metadata(pkg.join("app.js.br")).expect("br").len() < script.len() as u64 / 4);
        assert!(!pkg.join("tiny.js.br").exists(), "a file under 1 KB is served as it is");
        assert!(!site.path().join("icon.png.br").exists(), "images are not compressed again");

        assert_eq!(precompress(site.path()).expect("second run"), Precompressed { written: 0, up_to_date: 1 });
        assert!(remove_stale_copies(site.path()).expect("check").is_empty());
    }

    #[test]
    fn a_rebuilt_file_loses_its_old_copies_until_they_are_written_again() {
        let site = tempfile::tempdir().expect("temporary folder");
        let wasm = site.path().join("bandoso.wasm");
        fs::write(&wasm, vec![1u8; 8192]).expect("old wasm");
        precompress(site.path()).expect("precompress");
        let rebuilt = fs::File::options().write(true).open(&wasm).expect("open");
        rebuilt.set_len(4096).expect("rebuild");
        rebuilt.set_modified(SystemTime::now() + std::time::Duration::from_secs(5)).expect("newer");
        drop(rebuilt);

        let removed = remove_stale_copies(site.path()).expect("check");
        assert_eq!(removed, vec![copy_path(&wasm, "br"), copy_path(&wasm, "gz")]);
        assert!(!copy_path(&wasm, "br").exists());
        assert_eq!(precompress(site.path()).expect("again"), Precompressed { written: 1, up_to_date: 0 });
    }
}
