//! Bounds on what one package may make the program do, each with the message that names it.
//!
//! Without them a 30000×30000 PNG emblem took 2.6 GB and a 50 MB paragraph 5 GB and minutes;
//! real packages are far below every bound (the largest seed, 204 agencies, is 60 kB).
//! A 1.6 KB spreadsheet once asked for 23 GB and an SVG carrying a 30000×30000 PNG 2.6 GB,
//! hence the sheet bounds and the pixels of images inside SVGs counted too.

mod image;
mod svg;

use crate::diagnostic::Message;
use crate::message;
pub use image::image_size;

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
/// A spreadsheet file, in bytes: the nation's 8,000-odd agencies fit many times over.
pub const SHEET_BYTES: u64 = 50 * 1024 * 1024;
/// What the parts of a zipped spreadsheet (.xlsx, .ods) inflate to, all together: a real
/// results sheet of 8,000 rows is a few megabytes.
pub const SHEET_INFLATED_BYTES: u64 = 256 * 1024 * 1024;
/// Parts in a zipped spreadsheet (a workbook has a dozen, plus two per sheet).
pub const SHEET_PARTS: usize = 10_000;
/// Cells built for one spreadsheet, all sheets together, counting the empty cells to the
/// left of a row's last one and one for each row (what the grid of rows takes in memory).
pub const SHEET_CELLS: usize = 2_000_000;
/// The text of all cells built for one spreadsheet, in bytes: a string shared by many cells
/// is copied into each, so the shared-string table alone does not bound it.
pub const SHEET_TEXT_BYTES: u64 = 64 * 1024 * 1024;
/// Rows of one sheet, from its first used row to its last: Excel's own maximum.
pub const SHEET_ROWS: u32 = 1_048_576;
/// Columns of one sheet, from A: Excel's own maximum (XFD).
pub const SHEET_COLUMNS: u32 = 16_384;
/// Characters in one cell: Excel's own maximum.
pub const CELL_CHARS: usize = 32_767;
/// Elements and other nodes of one SVG file.
pub const SVG_NODES: u32 = 1_000_000;
/// SVGs inside SVGs (as `data:` images), one inside another.
pub const SVG_DEPTH: usize = 3;
/// Template steps (minijinja fuel) for one document set: the largest sample uses under 2 %.
pub const TEMPLATE_FUEL: u64 = 50_000_000;

/// Refuses an image with more than [`IMAGE_PIXELS`] pixels, from headers alone (decoding is
/// what would take the memory): a PNG, JPEG, GIF or WebP by its size; an SVG (gzipped or
/// not) by the pixels of every image it carries as a `data:` URI, nested SVGs included,
/// added up. Other data passes. The English message, for Typst's file errors.
pub fn check_image(bytes: &[u8]) -> Result<(), String> {
    image_problem(bytes).map_err(|m| m.english)
}

/// [`check_image`] in both languages.
pub fn image_problem(bytes: &[u8]) -> Result<(), Message> {
    let limit = IMAGE_PIXELS / 1_000_000;
    if let Some((w, h)) = image_size(bytes) {
        if u64::from(w) * u64::from(h) > IMAGE_PIXELS {
            return Err(message!(
                "เป็นภาพขนาด {w} × {h} จุด เกินขีดจำกัด {limit} ล้านจุด",
                "is an image of {w} × {h} pixels, more than the limit of {limit} million"
            ));
        }
        return Ok(());
    }
    let inner = svg::pixels(bytes)?;
    if inner.total > IMAGE_PIXELS {
        let (count, total, (w, h)) = (inner.count, inner.total, inner.largest);
        return Err(message!(
            "เป็น SVG ที่มีภาพฝังอยู่ {count} ภาพ รวม {total} จุด (ภาพใหญ่สุด {w} × {h}) เกินขีดจำกัด {limit} ล้านจุด",
            "is an SVG carrying {count} images of {total} pixels in all (the largest {w} × {h}), more than the limit of {limit} million"
        ));
    }
    Ok(())
}
