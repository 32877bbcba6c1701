//! Reading the values people type into spreadsheets: yes/no in many spellings, decimals with a
//! comma, dates in the Vietnamese day-first order, and Vietnamese words for the app's enums. Each
//! helper is a pure function that returns `None` for an empty cell and a [`Said`] (both languages)
//! for text it cannot read, so an import can put the message on the row's line.

use super::{said, Said};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// Words an office may write for a canonical value, as `(word, canonical)` pairs. The canonical
/// values themselves are accepted too, so a map never has to list them as words.
pub type Words = [(&'static str, &'static str)];

/// Coverage quality (see `coverage::QUALITIES`).
pub const QUALITY_WORDS: &Words = &[
    ("Tốt", "good"),
    ("Khá", "fair"),
    ("Trung bình", "fair"),
    ("Yếu", "weak"),
    ("Kém", "weak"),
    ("Không có sóng", "none"),
    ("Mất sóng", "none"),
    ("Không", "none"),
];

/// Mobile and fixed-line technologies (see `coverage::TECHNOLOGIES`).
pub const TECHNOLOGY_WORDS: &Words = &[
    ("GSM", "2G"),
    ("UMTS", "3G"),
    ("WCDMA", "3G"),
    ("LTE", "4G"),
    ("NR", "5G"),
    ("Cáp quang", "FTTH"),
    ("Internet cáp quang", "FTTH"),
];

/// Wi-Fi state of a cultural house (see `model::WifiStatus`).
pub const WIFI_STATUS_WORDS: &Words = &[
    ("Đang hoạt động", "active"),
    ("Hoạt động", "active"),
    ("Hỏng", "broken"),
    ("Đang lắp đặt", "installing"),
    ("Kế hoạch", "planned"),
    ("Dự kiến", "planned"),
    ("Chưa có", "none"),
    ("Không có", "none"),
];

/// Kind of a village: thôn, bản, khu phố, tổ dân phố.
pub const VILLAGE_TYPE_WORDS: &Words =
    &[("Thôn", "thon"), ("Bản", "ban"), ("Khu phố", "khu_pho"), ("Tổ dân phố", "to_dan_pho")];

/// Folds text for comparing headers and words as people type them: lower case, Vietnamese tones
/// and marks removed (`đ` → `d`), and everything but letters and digits dropped, so "Mã thôn",
/// "ma_thon", "MA THON" and "Mã-thôn" all give "mathon".
pub fn normalise_key(text: &str) -> String {
    folded(text).collect()
}

/// A readable, stable key made of text: its words folded as [`normalise_key`] folds them and
/// joined by '-' ("Thôn Đồng Sơn" → "thon-dong-son"), for codes made up when a file gives none, so
/// importing the same list again makes the same codes.
pub fn slug(text: &str) -> String {
    let words = text.split(|c: char| !c.is_alphanumeric() && !('\u{300}'..='\u{36f}').contains(&c));
    words.map(normalise_key).filter(|word| !word.is_empty()).collect::<Vec<_>>().join("-")
}

/// Whether `text` folds to `key`, a [`normalise_key`] result, without allocating (imports compare
/// every cell of a word column with every word of its map).
pub(crate) fn folds_to(text: &str, key: &str) -> bool {
    folded(text).eq(key.chars())
}

fn folded(text: &str) -> impl Iterator<Item = char> + '_ {
    text.chars().flat_map(char::to_lowercase).filter_map(base_letter).filter(|c| c.is_alphanumeric())
}

/// The letter without its Vietnamese tone or vowel mark; `None` for a combining mark, which
/// decomposed (NFD) text carries separately.
fn base_letter(c: char) -> Option<char> {
    const MARKED: [(char, &str); 7] = [
        ('a', "àáảãạăằắẳẵặâầấẩẫậ"),
        ('e', "èéẻẽẹêềếểễệ"),
        ('i', "ìíỉĩị"),
        ('o', "òóỏõọôồốổỗộơờớởỡợ"),
        ('u', "ùúủũụưừứửữự"),
        ('y', "ỳýỷỹỵ"),
        ('d', "đ"),
    ];
    if c.is_ascii() {
        return Some(c);
    }
    if ('\u{300}'..='\u{36f}').contains(&c) {
        return None;
    }
    Some(MARKED.iter().find(|(_, marked)| marked.contains(c)).map_or(c, |(base, _)| *base))
}

/// The canonical value that `text` names in `words` (a word or a canonical value, compared with
/// [`normalise_key`]), or `None` when it names none.
pub fn value_alias(words: &Words, text: &str) -> Option<&'static str> {
    let key = normalise_key(text);
    words
        .iter()
        .flat_map(|&(word, canonical)| [(canonical, canonical), (word, canonical)])
        .find(|(name, _)| folds_to(name, &key))
        .map(|(_, canonical)| canonical)
}

/// [`value_alias`] for a cell: `None` when empty, and a message listing what is accepted when the
/// text names nothing in `words`.
pub fn parse_word(words: &Words, text: &str) -> Result<Option<&'static str>, Said> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    value_alias(words, text).map(Some).ok_or_else(|| {
        let mut canonical: Vec<&str> = Vec::new();
        for &(_, value) in words {
            if !canonical.contains(&value) {
                canonical.push(value);
            }
        }
        let canonical = canonical.join(", ");
        let words = words.iter().map(|(word, _)| *word).collect::<Vec<_>>().join(", ");
        let text = quoted(text);
        said(
            format!("{text} is not a known value; write one of {canonical} (or {words})"),
            format!("{text} không phải giá trị hợp lệ; hãy ghi một trong {words} (hoặc {canonical})"),
        )
    })
}

/// A yes/no cell: true/false, 1/0, yes/no, y/n, có/không, đúng/sai, and a tick (x, ✓, ✔) for yes.
pub fn parse_flag(text: &str) -> Result<Option<bool>, Said> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if matches!(text, "✓" | "✔") {
        return Ok(Some(true));
    }
    match normalise_key(text).as_str() {
        "true" | "1" | "yes" | "y" | "co" | "dung" | "x" => Ok(Some(true)),
        "false" | "0" | "no" | "n" | "khong" | "sai" => Ok(Some(false)),
        _ => {
            let text = quoted(text);
            Err(said(
                format!("{text} is not yes or no; write yes/no, true/false, 1/0 or có/không"),
                format!("{text} không phải có hay không; hãy ghi có/không, 1/0 hoặc true/false"),
            ))
        }
    }
}

/// A decimal number such as a latitude. A comma is the decimal separator when there is no dot
/// (Vietnamese Excel writes "20,1234"); NaN and infinities are refused because no stored value
/// may be one.
pub fn parse_decimal(text: &str) -> Result<Option<f64>, Said> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let dotted = if text.contains('.') { text.to_owned() } else { text.replacen(',', ".", 1) };
    match dotted.parse::<f64>() {
        Ok(number) if number.is_finite() => Ok(Some(number)),
        _ => {
            let text = quoted(text);
            Err(said(
                format!("{text} is not a number; write it like 20.1234 or 20,1234"),
                format!("{text} không phải là số; hãy ghi dạng 20,1234 hoặc 20.1234"),
            ))
        }
    }
}

/// A date as `YYYY-MM-DD`, from `YYYY-MM-DD`, day-first `D/M/YYYY` (also with `-` or `.`, the
/// order Vietnamese offices write), or an RFC 3339 timestamp, which keeps its time of day as
/// `YYYY-MM-DDTHH:MM:SSZ` in UTC.
pub fn parse_date(text: &str) -> Result<Option<String>, Said> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if let Ok(date) = Date::parse(text, format_description!("[year]-[month]-[day]")) {
        return Ok(Some(date_text(date)));
    }
    if let Ok(moment) = OffsetDateTime::parse(text, &Rfc3339) {
        let utc = moment.to_offset(UtcOffset::UTC);
        return Ok(Some(timestamp_text(PrimitiveDateTime::new(utc.date(), utc.time()))));
    }
    day_first(text).map(|date| Some(date_text(date))).ok_or_else(|| {
        let text = quoted(text);
        said(
            format!("{text} is not a date; write it like 31/12/2024 or 2024-12-31"),
            format!("{text} không phải ngày hợp lệ; hãy ghi dạng 31/12/2024 hoặc 2024-12-31"),
        )
    })
}

/// `D/M/YYYY`, `DD-MM-YYYY` or `DD.MM.YYYY` as a real calendar date.
fn day_first(text: &str) -> Option<Date> {
    let separator = ['/', '-', '.'].into_iter().find(|s| text.contains(*s))?;
    let parts: Vec<&str> = text.split(separator).collect();
    let [day, month, year] = parts.as_slice() else { return None };
    let digits = |part: &str, widths: std::ops::RangeInclusive<usize>| -> Option<u16> {
        let plain = widths.contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit());
        if plain {
            part.parse().ok()
        } else {
            None
        }
    };
    let month = Month::try_from(u8::try_from(digits(month, 1..=2)?).ok()?).ok()?;
    let day = u8::try_from(digits(day, 1..=2)?).ok()?;
    Date::from_calendar_date(i32::from(digits(year, 4..=4)?), month, day).ok()
}

/// The app's date form, `YYYY-MM-DD`.
pub(crate) fn date_text(date: Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
}

/// The app's form of a moment in UTC, `YYYY-MM-DDTHH:MM:SSZ` (whole seconds).
pub(crate) fn timestamp_text(moment: PrimitiveDateTime) -> String {
    let (hour, minute, second) = moment.time().as_hms();
    format!("{}T{hour:02}:{minute:02}:{second:02}Z", date_text(moment.date()))
}

/// A value quoted for a message, cut by [`capped`].
pub(crate) fn quoted(text: &str) -> String {
    format!("'{}'", capped(text))
}

/// A value cut at 80 characters (and "…") for a message, so that a pasted paragraph does not
/// flood the list of problems.
pub(crate) fn capped(text: &str) -> std::borrow::Cow<'_, str> {
    const LIMIT: usize = 80;
    match text.char_indices().nth(LIMIT) {
        Some((end, _)) => format!("{}…", &text[..end]).into(),
        None => text.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalise_key_folds_case_marks_and_separators() {
        assert_eq!(normalise_key("Mã thôn/bản"), "mathonban");
        assert_eq!(normalise_key("VĨ ĐỘ"), "vido");
        assert_eq!(normalise_key("village_code"), normalise_key("Village-Code"));
        assert_eq!(normalise_key("Ngày báo cáo"), "ngaybaocao");
        assert_eq!(normalise_key("Tổ dân phố"), "todanpho");
        assert_eq!(normalise_key("bandwidth.mbps"), "bandwidthmbps");
        // Decomposed (NFD) text, as some Mac and web tools write it: e + circumflex + acute.
        assert_eq!(normalise_key("Công nghe\u{302}\u{301}"), "congnghe");
    }

    #[test]
    fn value_alias_maps_words_and_canonical_values() {
        assert_eq!(value_alias(QUALITY_WORDS, "Tốt"), Some("good"));
        assert_eq!(value_alias(QUALITY_WORDS, "trung binh"), Some("fair"));
        assert_eq!(value_alias(QUALITY_WORDS, "KÉM"), Some("weak"));
        assert_eq!(value_alias(QUALITY_WORDS, "Mất sóng"), Some("none"));
        assert_eq!(value_alias(QUALITY_WORDS, "không"), Some("none"));
        assert_eq!(value_alias(QUALITY_WORDS, "GOOD"), Some("good"));
        assert_eq!(value_alias(QUALITY_WORDS, "Rất tốt"), None);
        assert_eq!(value_alias(TECHNOLOGY_WORDS, "4g"), Some("4G"));
        assert_eq!(value_alias(TECHNOLOGY_WORDS, "LTE"), Some("4G"));
        assert_eq!(value_alias(TECHNOLOGY_WORDS, "cáp quang"), Some("FTTH"));
        assert_eq!(value_alias(TECHNOLOGY_WORDS, "ftth"), Some("FTTH"));
        assert_eq!(value_alias(WIFI_STATUS_WORDS, "Đang lắp đặt"), Some("installing"));
        assert_eq!(value_alias(WIFI_STATUS_WORDS, "Dự kiến"), Some("planned"));
        assert_eq!(value_alias(VILLAGE_TYPE_WORDS, "Tổ dân phố"), Some("to_dan_pho"));
        assert_eq!(value_alias(VILLAGE_TYPE_WORDS, "khu_pho"), Some("khu_pho"));
        assert_eq!(slug("  Thôn Đồng-Sơn (2) "), "thon-dong-son-2");
    }

    #[test]
    fn parse_word_lists_what_is_accepted() {
        assert_eq!(parse_word(QUALITY_WORDS, "  "), Ok(None));
        assert_eq!(parse_word(QUALITY_WORDS, " Khá "), Ok(Some("fair")));
        let error = parse_word(QUALITY_WORDS, "Rất tốt").unwrap_err();
        assert!(error.en.contains("'Rất tốt'") && error.en.contains("good, fair, weak, none"), "{error:?}");
        assert!(error.vi.contains("Tốt, Khá, Trung bình"), "{error:?}");
    }

    #[test]
    fn parse_flag_reads_every_spelling() {
        for yes in ["true", "1", "Yes", "y", "Có", "co", "x", "X", "✓", "✔", "Đúng"] {
            assert_eq!(parse_flag(yes), Ok(Some(true)), "{yes}");
        }
        for no in ["false", "0", "No", "n", "Không", "khong", "sai"] {
            assert_eq!(parse_flag(no), Ok(Some(false)), "{no}");
        }
        assert_eq!(parse_flag(" "), Ok(None));
        let error = parse_flag("maybe").unwrap_err();
        assert!(error.en.contains("'maybe'") && error.vi.contains("có/không"), "{error:?}");
    }

    #[test]
    fn parse_decimal_takes_a_dot_or_a_comma() {
        assert_eq!(parse_decimal("20.1234"), Ok(Some(20.1234)));
        assert_eq!(parse_decimal(" 20,1234 "), Ok(Some(20.1234)));
        assert_eq!(parse_decimal("-105"), Ok(Some(-105.0)));
        assert_eq!(parse_decimal(""), Ok(None));
        for bad in ["NaN", "inf", "-infinity", "1,234.5", "1,234,567", "abc", "20 1"] {
            let error = parse_decimal(bad).unwrap_err();
            assert!(error.en.contains(bad) && error.vi.contains("không phải là số"), "{bad}: {error:?}");
        }
    }

    #[test]
    fn parse_date_reads_iso_day_first_and_rfc3339() {
        assert_eq!(parse_date("2024-03-05"), Ok(Some("2024-03-05".into())));
        assert_eq!(parse_date("05/03/2024"), Ok(Some("2024-03-05".into())));
        assert_eq!(parse_date("5/3/2024"), Ok(Some("2024-03-05".into())));
        assert_eq!(parse_date("05-03-2024"), Ok(Some("2024-03-05".into())));
        assert_eq!(parse_date("5.3.2024"), Ok(Some("2024-03-05".into())));
        assert_eq!(parse_date("2024-03-05T10:30:00+07:00"), Ok(Some("2024-03-05T03:30:00Z".into())));
        assert_eq!(parse_date("2024-03-05T10:30:00.5Z"), Ok(Some("2024-03-05T10:30:00Z".into())));
        assert_eq!(parse_date("2024-03-05T00:00:00Z"), Ok(Some("2024-03-05T00:00:00Z".into())));
        assert_eq!(parse_date(""), Ok(None));
        for bad in ["31/02/2024", "2024-13-01", "5/3/24", "03/05", "hôm qua", "1/2/3/2024"] {
            let error = parse_date(bad).unwrap_err();
            assert!(error.en.contains(bad) && error.vi.contains("31/12/2024"), "{bad}: {error:?}");
        }
    }

    #[test]
    fn quoted_caps_long_values() {
        assert_eq!(quoted("Tốt"), "'Tốt'");
        let long = "ồ".repeat(100);
        let shown = quoted(&long);
        assert_eq!(shown.chars().count(), 80 + 3);
        assert!(shown.ends_with("…'"));
    }
}
