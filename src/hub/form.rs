//! What a browser sends as a query string or an HTML form (`application/x-www-form-urlencoded`),
//! read with the `form_urlencoded` crate Typst's `url` already builds.

use std::collections::HashMap;

/// The pairs of a query or form, percent-decoded (`+` as a space; bytes that are not UTF-8
/// become U+FFFD); of a name given twice, the last value.
pub fn pairs(text: &str) -> HashMap<String, String> {
    form_urlencoded::parse(text.as_bytes())
        .map(|(key, value)| (key.into_owned(), value.into_owned()))
        .collect()
}
