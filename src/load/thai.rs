//! serde's and serde_json's messages about a package's shape and syntax, in Thai.
//!
//! The shape of a package is checked by serde, whose messages come in a few fixed English
//! forms ("invalid type: string \"93\", expected f64", "missing field `name`"). Officials read
//! the Thai made here from the same parts; a form not known here keeps its English words
//! inside a Thai sentence, so nothing the English says is lost.

/// A Thai message for a serde shape error (`invalid type: …, expected …` and the like).
pub(super) fn shape(message: &str) -> String {
    if let Some(field) = between(message, "missing field `", "`") {
        return format!("ไม่มีช่อง `{field}` ซึ่งต้องมี");
    }
    if let Some(field) = between(message, "unknown field `", "`") {
        return format!("ไม่รู้จักช่อง `{field}`");
    }
    if let Some(rest) = message.strip_prefix("unknown variant `")
        && let Some((value, expected)) = rest.split_once("`, expected ")
    {
        return format!("ไม่มีตัวเลือก `{value}`: ต้องเป็น{}", choices(expected));
    }
    if let Some(rest) = message.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return format!(
            "ชนิดข้อมูลไม่ถูกต้อง: พบ{} แต่ต้องเป็น{}",
            kind(found),
            kind(expected)
        );
    }
    if let Some(rest) = message.strip_prefix("invalid value: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return format!("ค่าไม่ถูกต้อง: พบ{} แต่ต้องเป็น{}", kind(found), kind(expected));
    }
    if let Some(rest) = message.strip_prefix("invalid length ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        return format!("จำนวนรายการไม่ถูกต้อง: มี {found} รายการ แต่ต้องเป็น {expected}");
    }
    if let Some(field) = between(message, "duplicate field `", "`") {
        return format!("ช่อง `{field}` มีสองครั้ง");
    }
    format!("รูปแบบข้อมูลไม่ถูกต้อง: {message}")
}

/// A Thai message for a serde_json syntax error (without its " at line …" tail).
pub(super) fn syntax(message: &str) -> String {
    let known = [
        (
            "EOF while parsing",
            "แฟ้มจบก่อนที่ JSON จะครบ (วงเล็บหรือเครื่องหมายคำพูดยังไม่ปิด)",
        ),
        ("trailing comma", "มีจุลภาค (,) เกินหลังรายการสุดท้าย"),
        ("expected `,` or `}`", "ขาดจุลภาค (,) หรือวงเล็บปิด }"),
        ("expected `,` or `]`", "ขาดจุลภาค (,) หรือวงเล็บปิด ]"),
        ("expected `:`", "ขาดทวิภาค (:) หลังชื่อช่อง"),
        ("key must be a string", "ชื่อช่องต้องอยู่ในเครื่องหมายคำพูด \"…\""),
        ("expected value", "ไม่พบค่าที่ควรอยู่ตรงนี้"),
        (
            "expected ident",
            "ค่าไม่ถูกต้อง (ใช้ได้แต่ true, false, null ตัวเลข ข้อความ รายการ หรือออบเจกต์)",
        ),
        (
            "control character",
            "มีอักขระควบคุม (เช่น ขึ้นบรรทัดใหม่) อยู่ในข้อความ ให้เขียนเป็น \\n",
        ),
        ("invalid escape", "ลำดับหลีก (\\) ไม่ถูกต้อง"),
        ("invalid unicode code point", "รหัสยูนิโคดไม่ถูกต้อง"),
        ("invalid number", "ตัวเลขเขียนไม่ถูกต้อง"),
        ("number out of range", "ตัวเลขเกินขอบเขต"),
        ("trailing characters", "มีข้อความเกินหลัง JSON ที่จบแล้ว"),
        ("recursion limit exceeded", "ซ้อนกันลึกเกินไป"),
    ];
    match known
        .iter()
        .find(|(english, _)| message.starts_with(english))
    {
        Some((_, thai)) => format!("JSON ไม่ถูกรูปแบบ: {thai}"),
        None => format!("JSON ไม่ถูกรูปแบบ: {message}"),
    }
}

/// serde's words for a kind of value ("a string", "integer `5`", "f64") in Thai.
fn kind(english: &str) -> String {
    let english = english.trim();
    let words = [
        ("a string", "ข้อความ"),
        ("string ", "ข้อความ "),
        ("integer ", "จำนวนเต็ม "),
        ("floating point ", "ตัวเลข "),
        ("boolean ", "ค่าจริง/เท็จ "),
        ("a boolean", "ค่าจริง/เท็จ (true หรือ false)"),
        ("f64", "ตัวเลข"),
        ("f32", "ตัวเลข"),
        ("u8", "จำนวนเต็ม"),
        ("u16", "จำนวนเต็ม"),
        ("u32", "จำนวนเต็ม"),
        ("i32", "จำนวนเต็ม"),
        ("a number", "ตัวเลข"),
        ("a sequence", "รายการ [ … ]"),
        ("sequence", "รายการ [ … ]"),
        ("a map", "ออบเจกต์ { … }"),
        ("map", "ออบเจกต์ { … }"),
        ("struct ", "ออบเจกต์ { … } "),
        ("enum ", "ตัวเลือก "),
        ("unit value", "null"),
        ("null", "null"),
    ];
    for (prefix, thai) in words {
        if english == prefix.trim_end() && !prefix.ends_with(' ') {
            return thai.to_owned();
        }
        if let Some(rest) = english
            .strip_prefix(prefix)
            .filter(|_| prefix.ends_with(' '))
        {
            return format!("{thai}{rest}");
        }
    }
    english.to_owned()
}

/// "`thai` or `arabic`", "one of `a`, `b`, `c`" in Thai.
fn choices(expected: &str) -> String {
    let list = expected
        .strip_prefix("one of ")
        .map_or(format!(" {expected}"), |l| format!("หนึ่งใน {l}"));
    list.replace(" or ", " หรือ ")
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let rest = text.strip_prefix(start)?;
    Some(&rest[..rest.find(end)?])
}
