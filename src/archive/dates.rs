//! Times as the signatures write them: a PDF date (`D:YYYYMMDDHHmmSS+07'00'`) or an ASN.1
//! GeneralizedTime, in seconds since 1970, for comparing with certificates' validity and
//! revocation times.

/// A PDF date `D:YYYYMMDDHHmmSS` with its offset (`Z`, `+07'00'`), or a timestamp's
/// GeneralizedTime `YYYYMMDDHHmmSS[.f]Z`, in seconds since 1970.
pub fn pdf_time(text: &str) -> Option<u64> {
    let text = text.strip_prefix("D:").unwrap_or(text);
    let digits = |range: std::ops::Range<usize>| -> Option<i64> { text.get(range)?.parse().ok() };
    let (year, month, day) = (digits(0..4)?, digits(4..6)?, digits(6..8)?);
    let (hour, minute, second) = (
        digits(8..10).unwrap_or(0),
        digits(10..12).unwrap_or(0),
        digits(12..14).unwrap_or(0),
    );
    let rest = text
        .get(14..)
        .unwrap_or("")
        .trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    let offset = match rest.chars().next() {
        Some(sign @ ('+' | '-')) => {
            let hours: i64 = rest.get(1..3)?.parse().ok()?;
            let minutes: i64 = rest.get(4..6).and_then(|m| m.parse().ok()).unwrap_or(0);
            let seconds = hours * 3600 + minutes * 60;
            if sign == '+' { seconds } else { -seconds }
        }
        _ => 0,
    };
    let days = days_from_civil(year, month, day);
    u64::try_from(days * 86_400 + hour * 3600 + minute * 60 + second - offset).ok()
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year - era * 400;
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}
