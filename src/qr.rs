//! QR codes for links printed in letters, as a module matrix the templates draw with shapes.
//!
//! Drawing the modules as vector rectangles keeps the code sharp at any zoom and avoids an
//! image round-trip; the quiet zone (4 modules) is part of the matrix.

use qrcode::{Color, EcLevel, QrCode};

/// Width of the light border around the symbol, in modules, as the standard requires.
pub const QUIET_ZONE: usize = 4;

/// The symbol for `text` as rows of `'1'` (dark) and `'0'` (light), quiet zone included.
pub fn matrix(text: &str) -> Result<Vec<String>, String> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|e| format!("cannot encode `{text}` as a QR code: {e}"))?;
    let width = code.width();
    let colors = code.to_colors();
    let size = width + 2 * QUIET_ZONE;
    let mut rows = Vec::with_capacity(size);
    for y in 0..size {
        let row: String = (0..size)
            .map(|x| {
                let inside = (QUIET_ZONE..QUIET_ZONE + width).contains(&x)
                    && (QUIET_ZONE..QUIET_ZONE + width).contains(&y);
                let dark =
                    inside && colors[(y - QUIET_ZONE) * width + (x - QUIET_ZONE)] == Color::Dark;
                if dark { '1' } else { '0' }
            })
            .collect();
        rows.push(row);
    }
    Ok(rows)
}
