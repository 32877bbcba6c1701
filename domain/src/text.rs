//! Free text people type (names, labels, notes, serial numbers): trimmed, bounded, and free of
//! characters that only hide or disguise what is written — control characters (NUL, escapes) and
//! the bidirectional overrides that make a label read differently from what it is (U+202A–U+202E,
//! U+2066–U+2069). One rule for every text field, whichever way it arrives.

use model::{said, Said};

/// Characters a text field refuses; a note of several lines keeps its line breaks and tabs.
fn disguising(character: char, lines: bool) -> bool {
    let layout = lines && matches!(character, '\n' | '\r' | '\t');
    (character.is_control() && !layout) || matches!(character, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A required text: trimmed, 1 to `max_chars` characters, nothing that disguises it.
pub fn required(field: &str, value: &str, max_chars: usize) -> Result<String, Said> {
    optional(field, Some(value), max_chars)?.ok_or_else(|| {
        said(format!("{field}: 1 to {max_chars} characters"), format!("{field}: từ 1 đến {max_chars} ký tự"))
    })
}

/// An optional text of one line: trimmed, blank as absent, at most `max_chars` characters,
/// nothing that disguises it.
pub fn optional(field: &str, value: Option<&str>, max_chars: usize) -> Result<Option<String>, Said> {
    checked(field, value, max_chars, false)
}

/// An optional text of several lines (a note): as [`optional`], line breaks kept.
pub fn optional_lines(field: &str, value: Option<&str>, max_chars: usize) -> Result<Option<String>, Said> {
    checked(field, value, max_chars, true)
}

fn checked(field: &str, value: Option<&str>, max_chars: usize, lines: bool) -> Result<Option<String>, Said> {
    let Some(value) = value.map(str::trim).filter(|value| !value.is_empty()) else { return Ok(None) };
    if value.chars().count() > max_chars {
        return Err(said(
            format!("{field}: at most {max_chars} characters"),
            format!("{field}: tối đa {max_chars} ký tự"),
        ));
    }
    if let Some(bad) = value.chars().find(|character| disguising(*character, lines)) {
        let code = format!("U+{:04X}", u32::from(bad));
        return Err(said(
            format!("{field}: the character {code} is not allowed (control or text-direction character)"),
            format!("{field}: không được dùng ký tự {code} (ký tự điều khiển hoặc đổi chiều văn bản)"),
        ));
    }
    Ok(Some(value.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_trimmed_bounded_and_undisguised() {
        assert_eq!(required("label", "  Hộ ông Hà  ", 200), Ok("Hộ ông Hà".to_owned()));
        assert!(required("label", "   ", 200).is_err());
        assert_eq!(optional("note", Some(" "), 10), Ok(None));
        assert!(optional("note", Some(&"x".repeat(11)), 10).is_err());
        for disguised in ["a\u{0}b", "Hộ \u{202E}gnọ", "x\u{2066}y", "tab\there", "line\nbreak"] {
            let problem = required("label", disguised, 200).expect_err(disguised);
            assert!(problem.en.contains("U+"), "{problem:?}");
        }
        assert_eq!(optional_lines("note", Some("hai\ndòng"), 50), Ok(Some("hai\ndòng".to_owned())));
        assert!(optional_lines("note", Some("a\u{202E}b"), 50).is_err());
    }
}
