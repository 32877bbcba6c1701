//! What an upload is, told from its bytes alone: file names and MIME types lie (Excel saves a web
//! page as ".xls", a CSV arrives as ".txt"). Anything that cannot be read as a table gets a message
//! that tells an office worker what to do in Excel, never a byte offset alone.

use super::sheet::{self, Workbook};
use super::{said, Said};
use std::borrow::Cow;

/// An upload that can be read as a table.
pub(crate) enum Content<'a> {
    /// CSV or TSV text as UTF-8, borrowed when the file already was UTF-8.
    Text(Cow<'a, str>),
    /// An XLSX, XLSB, ODS or XLS workbook.
    Workbook(Box<Workbook<'a>>),
}

/// Tells what `bytes` are and opens them.
pub(crate) fn detect(bytes: &[u8]) -> Result<Content<'_>, Said> {
    if bytes.starts_with(b"PK\x03\x04") {
        return sheet::open_zip(bytes).map(|book| Content::Workbook(Box::new(book)));
    }
    if bytes.starts_with(b"\xD0\xCF\x11\xE0") {
        return sheet::open_ole(bytes).map(|book| Content::Workbook(Box::new(book)));
    }
    if bytes.starts_with(b"%PDF") {
        return Err(pdf());
    }
    let text = decode(bytes)?;
    let start: String = text.trim_start().chars().take(512).collect::<String>().to_lowercase();
    if start.is_empty() {
        return Err(empty());
    }
    if start.starts_with('<') && ["<html", "<table", "<!doctype html", "<?xml"].iter().any(|tag| start.contains(tag)) {
        return Err(web_page());
    }
    Ok(Content::Text(text))
}

/// The text of `bytes`: UTF-8 with or without a byte-order mark, or UTF-16 (Excel's "Unicode
/// Text") with a byte-order mark or recognised by its zero bytes.
fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, Said> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return utf8(rest);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return utf16(rest, u16::from_be_bytes);
    }
    match utf16_order(bytes) {
        Some(Order::Little) => utf16(bytes, u16::from_le_bytes),
        Some(Order::Big) => utf16(bytes, u16::from_be_bytes),
        None => utf8(bytes),
    }
}

enum Order {
    Little,
    Big,
}

/// The byte order of UTF-16 text without a byte-order mark. Tables are mostly ASCII digits and
/// separators, so in UTF-16 every other byte is zero: the odd ones in little-endian order, the
/// even ones in big-endian order. Vietnamese letters (U+1Exx) never have a zero high byte.
fn utf16_order(bytes: &[u8]) -> Option<Order> {
    let sample = &bytes[..bytes.len().min(1024)];
    let pairs = sample.len() / 2;
    let zeros_at = |parity: usize| sample.iter().skip(parity).step_by(2).filter(|b| **b == 0).count();
    let (even, odd) = (zeros_at(0), zeros_at(1));
    if pairs == 0 {
        None
    } else if odd * 4 >= pairs && even * 10 < odd {
        Some(Order::Little)
    } else if even * 4 >= pairs && odd * 10 < even {
        Some(Order::Big)
    } else {
        None
    }
}

fn utf8(bytes: &[u8]) -> Result<Cow<'_, str>, Said> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Cow::Borrowed(text)),
        // Text has no zero bytes: this is some other binary file.
        Err(_) if bytes.contains(&0) => Err(not_a_table()),
        Err(error) => {
            let line = 1 + bytes[..error.valid_up_to()].iter().filter(|b| **b == b'\n').count();
            Err(legacy_code_page(line))
        }
    }
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<Cow<'_, str>, Said> {
    if !bytes.len().is_multiple_of(2) {
        return Err(damaged_utf16());
    }
    let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
    let text: String = char::decode_utf16(units).collect::<Result<_, _>>().map_err(|_| damaged_utf16())?;
    Ok(Cow::Owned(text))
}

fn empty() -> Said {
    said(
        "The file is empty. Choose the file that holds the table and upload it again.",
        "Tệp trống. Hãy chọn đúng tệp có bảng dữ liệu và tải lên lại.",
    )
}

fn pdf() -> Said {
    said(
        "This is a PDF document, which cannot be read as a table. Upload the Excel file (.xlsx) or the CSV file \
         that the PDF was made from.",
        "Đây là tệp PDF, không đọc được thành bảng dữ liệu. Hãy tải lên tệp Excel (.xlsx) hoặc tệp CSV gốc đã dùng \
         để tạo ra tệp PDF này.",
    )
}

fn web_page() -> Said {
    said(
        "This file is a web page (HTML) or an XML export, not a workbook, even if its name ends in .xls. Open it in \
         Excel, choose File > Save As > Excel Workbook (.xlsx), and upload the new file.",
        "Tệp này là trang web (HTML) hoặc tệp xuất XML, không phải bảng tính, dù tên có đuôi .xls. Hãy mở tệp bằng \
         Excel, chọn Tệp > Lưu thành > Sổ làm việc Excel (.xlsx), rồi tải tệp mới lên.",
    )
}

fn legacy_code_page(line: usize) -> Said {
    said(
        format!(
            "The text is not UTF-8: line {line} has letters in another encoding, probably Windows-1258 or \
             Windows-1252 from Excel's plain \"CSV\" format. In Excel choose File > Save As > \"CSV UTF-8 (Comma \
             delimited)\", or upload the .xlsx file itself."
        ),
        format!(
            "Tệp văn bản không dùng bảng mã UTF-8: dòng {line} có chữ ở bảng mã khác, có lẽ Windows-1258 hoặc \
             Windows-1252 do Excel lưu dạng \"CSV\" thường. Trong Excel hãy chọn Tệp > Lưu thành > \"CSV UTF-8 \
             (Comma delimited)\", hoặc tải lên chính tệp .xlsx."
        ),
    )
}

fn damaged_utf16() -> Said {
    said(
        "The file looks like Unicode (UTF-16) text but is cut short or damaged. Save it again from Excel as \
         \"CSV UTF-8\", or upload the .xlsx file.",
        "Tệp có vẻ là văn bản Unicode (UTF-16) nhưng bị cắt ngắn hoặc hỏng. Hãy lưu lại từ Excel dạng \"CSV UTF-8\", \
         hoặc tải lên tệp .xlsx.",
    )
}

fn not_a_table() -> Said {
    said(
        "This file is neither a spreadsheet (.xlsx, .xls, .ods) nor a text table (CSV). Upload the Excel file, or \
         save the table from Excel as \"CSV UTF-8\".",
        "Tệp này không phải bảng tính (.xlsx, .xls, .ods) cũng không phải bảng văn bản (CSV). Hãy tải lên tệp \
         Excel, hoặc lưu bảng từ Excel dạng \"CSV UTF-8\".",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(bytes: &[u8]) -> String {
        match detect(bytes) {
            Ok(Content::Text(text)) => text.into_owned(),
            Ok(Content::Workbook(_)) => panic!("read as a workbook"),
            Err(error) => panic!("unreadable: {error:?}"),
        }
    }

    fn utf16_bytes(text: &str, unit: fn(u16) -> [u8; 2]) -> Vec<u8> {
        text.encode_utf16().flat_map(unit).collect()
    }

    #[test]
    fn decodes_utf8_with_and_without_bom() {
        assert_eq!(text("Tên,Mã\n".as_bytes()), "Tên,Mã\n");
        assert_eq!(text("\u{feff}Tên,Mã\n".as_bytes()), "Tên,Mã\n");
    }

    #[test]
    fn decodes_utf16_with_bom_and_by_zero_bytes() {
        let sample = "Tên\tMã thôn\nThôn 1\t15187\n";
        let le = utf16_bytes(&format!("\u{feff}{sample}"), u16::to_le_bytes);
        let be = utf16_bytes(&format!("\u{feff}{sample}"), u16::to_be_bytes);
        assert_eq!(text(&le), sample);
        assert_eq!(text(&be), sample);
        assert_eq!(text(&utf16_bytes(sample, u16::to_le_bytes)), sample);
        assert_eq!(text(&utf16_bytes(sample, u16::to_be_bytes)), sample);
    }

    #[test]
    fn damaged_utf16_is_refused() {
        let mut odd = utf16_bytes("\u{feff}a,b\n", u16::to_le_bytes);
        odd.push(b'x');
        let lone_surrogate = [0xFF, 0xFE, 0x00, 0xD8, b'a', 0];
        for bytes in [odd.as_slice(), &lone_surrogate] {
            assert_eq!(detect(bytes).err(), Some(damaged_utf16()));
        }
    }

    #[test]
    fn binary_that_is_not_a_table_is_named_so() {
        assert_eq!(detect(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\xff").err(), Some(not_a_table()));
    }

    #[test]
    fn blank_text_is_empty() {
        for bytes in [&b""[..], b"\xEF\xBB\xBF", b" \r\n\n"] {
            assert_eq!(detect(bytes).err(), Some(empty()));
        }
    }
}
