//! Bounds on a JSON request body, checked in one pass over its bytes before anything parses
//! it: the size is bounded by the router ([`crate::limits::PACKAGE_BYTES`]), but 8 MB of
//! `[[[…` or of `1,1,1,…` still makes a parser build hundreds of MB of values, and the
//! re-indenting of a save multiplies deep text by its depth.

use crate::spanned::string_end;

/// Objects and arrays inside one another. A package nests five or six deep.
pub const DEPTH: usize = 32;
/// Values (numbers, texts, objects, arrays…) in one body. The largest sample, a province of
/// 204 agencies, has about 4,000.
pub const VALUES: usize = 200_000;

/// Refuses a body nested deeper than [`DEPTH`] or holding more than [`VALUES`] values, with a
/// Thai message; text that is not JSON passes (the parser names its fault).
pub fn check(bytes: &[u8]) -> Result<(), TooLarge> {
    let (mut depth, mut deepest, mut values) = (0usize, 0usize, 1usize);
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i = string_end(bytes, i);
                continue;
            }
            b'{' | b'[' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            b',' => values += 1,
            _ => {}
        }
        if deepest > DEPTH {
            return Err(refused(
                crate::message!(
                    "ข้อมูลที่ส่งมาซ้อนกันลึกเกิน {DEPTH} ชั้น จึงไม่ได้รับไว้ และไม่มีสิ่งใดเปลี่ยน",
                    "what was sent nests deeper than {DEPTH} levels; it was not taken and nothing changed"
                )
                .shown()
                .to_owned(),
            ));
        }
        if values > VALUES {
            return Err(refused(
                crate::message!(
                    "ข้อมูลที่ส่งมามีค่าเกิน {VALUES} ค่า จึงไม่ได้รับไว้ และไม่มีสิ่งใดเปลี่ยน",
                    "what was sent holds more than {VALUES} values; it was not taken and nothing changed"
                )
                .shown()
                .to_owned(),
            ));
        }
        i += 1;
    }
    Ok(())
}

/// A body beyond the bounds, with the Thai message that says which (answered 413).
#[derive(Debug)]
pub struct TooLarge(pub String);

fn refused(message: String) -> TooLarge {
    TooLarge(message)
}
