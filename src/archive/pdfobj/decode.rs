//! Stream data decoded: FlateDecode, with the PNG and TIFF predictors that cross-reference
//! streams and object streams use (PDF 32000-1, 7.4.4.4), within [`super::INFLATED_BYTES`].

use std::io::Read;

use super::{INFLATED_BYTES, elements, integer, value};

/// The data of stream object `number` with dictionary `dict`, decoded: as stored without a
/// filter, inflated (and its predictor undone) for FlateDecode; any other filter is refused
/// rather than read as if it were plain.
pub fn decode(number: u32, dict: &str, raw: &[u8]) -> Result<Vec<u8>, String> {
    let filter = value(dict, "/Filter").map(str::trim);
    let filters: Vec<&str> = match filter {
        None => return Ok(raw.to_vec()),
        Some(f) if f.starts_with('[') => elements(f),
        Some(f) => vec![f],
    };
    match filters[..] {
        [] => return Ok(raw.to_vec()),
        ["/FlateDecode"] => {}
        _ => {
            return Err(format!(
                "object {number} is encoded with {}, which is not read",
                filter.unwrap_or_default()
            ));
        }
    }
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(raw)
        .take(INFLATED_BYTES as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| format!("the data of object {number} cannot be inflated: {e}"))?;
    if out.len() > INFLATED_BYTES {
        return Err(format!(
            "the data of object {number} inflates to more than {} MB",
            INFLATED_BYTES >> 20
        ));
    }
    // /DecodeParms is a dictionary, or an array of one for the one filter.
    let params = value(dict, "/DecodeParms").map(|p| match elements(p).first() {
        Some(first) if p.trim_start().starts_with('[') => *first,
        _ => p,
    });
    match params {
        Some(params) => unpredict(number, params, out),
        None => Ok(out),
    }
}

/// `data` with the predictor `params` names undone (a no-op for predictor 1 or none).
fn unpredict(number: u32, params: &str, data: Vec<u8>) -> Result<Vec<u8>, String> {
    let get = |key: &str, default: i64| integer(params, key).unwrap_or(default);
    let predictor = get("/Predictor", 1);
    if predictor <= 1 {
        return Ok(data);
    }
    let bad = || format!("object {number} has a predictor this reader cannot undo");
    let (colors, bits, columns) = (
        get("/Colors", 1),
        get("/BitsPerComponent", 8),
        get("/Columns", 1),
    );
    if !(1..=32).contains(&colors) || ![1, 2, 4, 8, 16].contains(&bits) || columns < 1 {
        return Err(bad());
    }
    // Bytes per pixel (at least one) and per row, checked: the numbers are the file's word.
    let pixel = usize::try_from((colors * bits + 7) / 8).map_err(|_| bad())?;
    let row = usize::try_from(columns)
        .ok()
        .and_then(|c| c.checked_mul(usize::try_from(colors * bits).ok()?))
        .map(|b| b.div_ceil(8))
        .filter(|&r| r > 0)
        .ok_or_else(bad)?;
    match predictor {
        2 if bits == 8 => Ok(tiff(data, row, pixel)),
        10..=15 => png(data, row, pixel).ok_or_else(bad),
        _ => Err(bad()),
    }
}

/// TIFF predictor 2 at 8 bits per component: each byte adds the one a pixel before it.
fn tiff(mut data: Vec<u8>, row: usize, pixel: usize) -> Vec<u8> {
    for line in data.chunks_mut(row) {
        for i in pixel..line.len() {
            line[i] = line[i].wrapping_add(line[i - pixel]);
        }
    }
    data
}

/// PNG predictors: each row starts with its filter type (None, Sub, Up, Average, Paeth).
fn png(data: Vec<u8>, row: usize, pixel: usize) -> Option<Vec<u8>> {
    // A row longer than the data is one short row: no buffer larger than the data.
    let row = row.min(data.len().max(1));
    let mut out: Vec<u8> = Vec::with_capacity(data.len());
    let mut previous = vec![0u8; row];
    for line in data.chunks(row + 1) {
        let (&kind, bytes) = line.split_first()?;
        let mut current = bytes.to_vec();
        current.resize(row, 0);
        for i in 0..row {
            let left = if i >= pixel { current[i - pixel] } else { 0 };
            let up = previous[i];
            let up_left = if i >= pixel { previous[i - pixel] } else { 0 };
            let add = match kind {
                0 => 0,
                1 => left,
                2 => up,
                3 => ((u16::from(left) + u16::from(up)) / 2) as u8,
                4 => paeth(left, up, up_left),
                _ => return None,
            };
            current[i] = current[i].wrapping_add(add);
        }
        out.extend_from_slice(&current[..bytes.len()]);
        previous = current;
    }
    Some(out)
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = (
        (p - i16::from(a)).abs(),
        (p - i16::from(b)).abs(),
        (p - i16::from(c)).abs(),
    );
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}
