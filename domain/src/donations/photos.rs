//! Photos of handovers: checked for type, size and content, stored once per UUID, shown to the
//! uploader and to the officers and team members of the household's area.

use super::commit_audited;
use crate::access::{self, Principal};
use crate::params::Params;
use crate::sync::{check_uuid, normalised_uuid};
use crate::StoreError;
use model::{said, Capability, Said};
use sqlx::{Any, Executor};

/// Largest photo of a handover the server keeps. The phone compresses to about 150 KB.
pub const MAX_PHOTO_BYTES: usize = 1024 * 1024;
/// Largest side of a stored photo, in pixels.
const MAX_PHOTO_SIDE: usize = 4096;
/// Image types a handover photo may have.
pub const PHOTO_TYPES: [&str; 3] = ["image/jpeg", "image/png", "image/webp"];

/// Why a photo was refused: the status the API answers with, and the reason in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PhotoProblem {
    /// Not one of [`PHOTO_TYPES`] (415).
    UnsupportedType(String),
    /// Larger than [`MAX_PHOTO_BYTES`] (413).
    TooLarge(usize),
    /// The bytes are not a picture of the declared type, or too many pixels (422).
    Unreadable(Said),
}

/// Checks an uploaded photo and returns its size in pixels.
pub fn check_photo(content_type: &str, bytes: &[u8]) -> Result<(usize, usize), PhotoProblem> {
    let declared = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    if !PHOTO_TYPES.contains(&declared.as_str()) {
        return Err(PhotoProblem::UnsupportedType(declared));
    }
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(PhotoProblem::TooLarge(bytes.len()));
    }
    let unreadable = || {
        PhotoProblem::Unreadable(said(
            format!("the file is not a {declared} picture"),
            format!("tệp không phải là ảnh {declared}"),
        ))
    };
    let actual = match imagesize::image_type(bytes).map_err(|_| unreadable())? {
        imagesize::ImageType::Jpeg => "image/jpeg",
        imagesize::ImageType::Png => "image/png",
        imagesize::ImageType::Webp => "image/webp",
        _ => return Err(unreadable()),
    };
    if actual != declared {
        return Err(unreadable());
    }
    let size = imagesize::blob_size(bytes).map_err(|_| unreadable())?;
    if size.width == 0 || size.height == 0 || size.width > MAX_PHOTO_SIDE || size.height > MAX_PHOTO_SIDE {
        return Err(PhotoProblem::Unreadable(said(
            format!("the picture is {}×{} pixels; at most {MAX_PHOTO_SIDE} a side", size.width, size.height),
            format!("ảnh {}×{} điểm ảnh; mỗi cạnh tối đa {MAX_PHOTO_SIDE}", size.width, size.height),
        )));
    }
    Ok((size.width, size.height))
}

/// Stores a checked handover photo under the phone's UUID. Idempotent: a photo already stored
/// under this UUID is kept as it is. Returns whether it was stored now.
pub async fn store_photo(
    db: &crate::Db,
    principal: &Principal,
    uuid: &str,
    content_type: &str,
    bytes: &[u8],
    (width, height): (usize, usize),
) -> Result<bool, StoreError> {
    access::require(principal, Capability::RecordField)?;
    check_uuid(uuid)?;
    let uuid = &normalised_uuid(uuid);
    let mut tx = db.begin_write().await?;
    let inserted = sqlx::query(
        "INSERT INTO handover_photo (uuid, content_type, bytes, width, height, uploaded_by, uploaded_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (uuid) DO NOTHING",
    )
    .bind(uuid)
    .bind(content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase())
    .bind(bytes.to_vec())
    .bind(i64::try_from(width).unwrap_or(i64::MAX))
    .bind(i64::try_from(height).unwrap_or(i64::MAX))
    .bind(principal.audit_name())
    .bind(crate::now_utc_text())
    .execute(&mut *tx)
    .await?;
    if inserted.rows_affected() == 0 {
        // Stored before under this UUID: nothing was written, nothing to record.
        return Ok(false);
    }
    let after = serde_json::json!({"bytes": bytes.len(), "width": width, "height": height});
    commit_audited(tx, principal, "upload", ("handover_photo", uuid), &after).await?;
    Ok(true)
}

/// A stored handover photo (content type and bytes), for whoever uploaded it and for officers and
/// team members of the household's area. Anyone else gets `NotFound`, as if there were none.
pub async fn photo<'e, E>(executor: E, principal: &Principal, uuid: &str) -> Result<(String, Vec<u8>), StoreError>
where
    E: Executor<'e, Database = Any>,
{
    access::require(principal, Capability::RecordField)?;
    let mut params = Params::new();
    let scope = params.scope_of(principal);
    let sql = format!(
        "WITH RECURSIVE {cte}
         SELECT p.content_type, p.bytes FROM handover_photo p
         WHERE p.uuid = {uuid} AND ({everywhere} OR p.uploaded_by = {uploader} OR EXISTS (
             SELECT 1 FROM allocation a WHERE a.photo_uuid = p.uuid AND a.village_id IN (SELECT id FROM scope_units)))",
        cte = scope.cte,
        uuid = params.bind(normalised_uuid(uuid)),
        everywhere = scope.everywhere(),
        uploader = params.bind(principal.audit_name()),
    );
    let row: Option<(String, Vec<u8>)> = params.query_as(&sql)?.fetch_optional(executor).await?;
    row.ok_or(StoreError::NotFound)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The smallest valid PNG header: signature and an IHDR chunk of the given size.
    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, b'I', b'H', b'D', b'R'];
        bytes.extend_from_slice(&width.to_be_bytes());
        bytes.extend_from_slice(&height.to_be_bytes());
        bytes.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
        bytes
    }

    #[test]
    fn photos_are_checked_for_type_content_and_size() {
        assert_eq!(check_photo("image/png", &png(640, 480)), Ok((640, 480)));
        assert!(matches!(check_photo("image/gif", &png(640, 480)), Err(PhotoProblem::UnsupportedType(_))));
        assert!(matches!(check_photo("image/jpeg", &png(640, 480)), Err(PhotoProblem::Unreadable(_))));
        assert!(matches!(check_photo("image/png", b"<html>not a picture</html>"), Err(PhotoProblem::Unreadable(_))));
        assert!(matches!(check_photo("image/png", &png(5000, 10)), Err(PhotoProblem::Unreadable(_))));
        let mut huge = png(10, 10);
        huge.resize(MAX_PHOTO_BYTES + 1, 0);
        assert!(matches!(check_photo("image/png", &huge), Err(PhotoProblem::TooLarge(_))));
    }
}
