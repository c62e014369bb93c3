//! Bounds on what one package may make the program do, each with the message that names it.
//!
//! Without them a 30000×30000 PNG emblem took 2.6 GB and a 50 MB paragraph 5 GB and minutes;
//! real packages are far below every bound (the largest seed, 204 agencies, is 60 kB).

/// A package file, in bytes.
pub const PACKAGE_BYTES: u64 = 8 * 1024 * 1024;
/// One text value of a package, in characters (the longest seed paragraph has about 2,000).
pub const TEXT_CHARS: usize = 20_000;
/// An image file (emblem, or an image an SVG refers to), in bytes.
pub const IMAGE_BYTES: u64 = 20 * 1024 * 1024;
/// An image's pixels (width × height): 6000 × 6000, far above print resolution for an emblem.
pub const IMAGE_PIXELS: u64 = 36_000_000;
/// A template or framework file, in bytes.
pub const TEMPLATE_BYTES: u64 = 2 * 1024 * 1024;
/// A font file, in bytes.
pub const FONT_BYTES: u64 = 64 * 1024 * 1024;
/// Errors reported for one file; the rest are counted.
pub const ERRORS: usize = 100;
/// Template steps (minijinja fuel) for one document set: the largest sample uses under 2 %.
pub const TEMPLATE_FUEL: u64 = 50_000_000;

/// Refuses a PNG or JPEG image with more than [`IMAGE_PIXELS`] pixels, from its header alone
/// (decoding it is what would take the memory). Other data passes.
pub fn check_image(bytes: &[u8]) -> Result<(), String> {
    match image_size(bytes) {
        Some((w, h)) if u64::from(w) * u64::from(h) > IMAGE_PIXELS => Err(format!(
            "is an image of {w} × {h} pixels, more than the limit of {} million",
            IMAGE_PIXELS / 1_000_000
        )),
        _ => Ok(()),
    }
}

/// Width and height from a PNG's IHDR or a JPEG's frame header.
pub fn image_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let be16 = |at: usize| Some(u16::from_be_bytes(bytes.get(at..at + 2)?.try_into().ok()?));
    let be32 = |at: usize| Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some((be32(16)?, be32(20)?));
    }
    if !bytes.starts_with(&[0xff, 0xd8]) {
        return None;
    }
    // Walk the JPEG segments to a start-of-frame marker (C0–CF except C4, C8, CC).
    let mut at = 2;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xff {
            return None;
        }
        let marker = bytes[at + 1];
        if marker == 0xff {
            at += 1;
            continue;
        }
        let len = be16(at + 2)? as usize;
        if (0xc0..=0xcf).contains(&marker) && ![0xc4, 0xc8, 0xcc].contains(&marker) {
            return Some((u32::from(be16(at + 7)?), u32::from(be16(at + 5)?)));
        }
        at += 2 + len;
    }
    None
}
