//! The raster images an SVG carries inside itself as `data:` URIs, which the renderer decodes
//! without asking the file system (so the size check of files read never sees them).
//!
//! The SVG is parsed with the parser the renderer uses (roxmltree), with a bound on its nodes;
//! every element's `href` holding a `data:` URI is decoded (the data is no larger than the
//! SVG, itself bounded) and the image's size read from its header. An SVG inside is walked
//! the same way, to a bounded depth.

use std::io::Read;

use super::image::{image_size, is_raster};
use super::{IMAGE_BYTES, SVG_DEPTH, SVG_NODES};
use crate::diagnostic::Message;
use crate::message;

const XLINK: &str = "http://www.w3.org/1999/xlink";

/// What the images inside an SVG add up to.
#[derive(Debug, Default)]
pub struct Inner {
    pub count: usize,
    pub total: u64,
    pub largest: (u32, u32),
}

/// The images inside `bytes` if it is an SVG (gzipped or not); none for other data.
pub fn pixels(bytes: &[u8]) -> Result<Inner, Message> {
    let mut inner = Inner::default();
    walk(bytes, 0, &mut inner)?;
    Ok(inner)
}

fn walk(bytes: &[u8], depth: usize, inner: &mut Inner) -> Result<(), Message> {
    let inflated;
    let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
        match gunzip(bytes)? {
            Some(plain) => {
                inflated = plain;
                &inflated[..]
            }
            None => return Ok(()),
        }
    } else {
        bytes
    };
    // Not UTF-8 or no `<svg`: not an SVG the renderer would read either.
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Ok(());
    };
    if !text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('<')
        || !text.contains("<svg")
    {
        return Ok(());
    }
    if depth > SVG_DEPTH {
        return Err(message!(
            "มี SVG ซ้อนกันเกิน {SVG_DEPTH} ชั้น",
            "nests SVGs more than {SVG_DEPTH} deep"
        ));
    }
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        nodes_limit: SVG_NODES,
        ..Default::default()
    };
    let document = match roxmltree::Document::parse_with_options(text, options) {
        Ok(document) => document,
        Err(roxmltree::Error::NodesLimitReached) => {
            return Err(message!(
                "เป็น SVG ที่มีองค์ประกอบเกินขีดจำกัด {SVG_NODES} ชิ้น",
                "is an SVG of more than {SVG_NODES} nodes, the limit"
            ));
        }
        Err(e) => {
            return Err(message!(
                "ไม่ใช่ SVG ที่อ่านได้: {e}",
                "is not a readable SVG: {e}"
            ));
        }
    };
    for node in document.descendants().filter(|n| n.is_element()) {
        let href = node
            .attribute((XLINK, "href"))
            .or_else(|| node.attribute("href"));
        let Some(data) = href.and_then(data_url) else {
            continue;
        };
        match image_size(&data) {
            Some((w, h)) => add(inner, w, h),
            None if is_raster(&data) => {
                return Err(message!(
                    "มีภาพฝังอยู่ที่อ่านขนาดไม่ได้",
                    "carries an image whose size cannot be read"
                ));
            }
            None => walk(&data, depth + 1, inner)?,
        }
    }
    Ok(())
}

fn add(inner: &mut Inner, w: u32, h: u32) {
    let pixels = u64::from(w) * u64::from(h);
    if pixels >= u64::from(inner.largest.0) * u64::from(inner.largest.1) {
        inner.largest = (w, h);
    }
    inner.count += 1;
    inner.total = inner.total.saturating_add(pixels);
}

/// The bytes of a `data:` URI (base64 or percent-encoded); `None` for other references and
/// for URIs the renderer could not decode either.
fn data_url(href: &str) -> Option<Vec<u8>> {
    let href = href.trim();
    if !href.get(..5)?.eq_ignore_ascii_case("data:") {
        return None;
    }
    let url = data_url::DataUrl::process(href).ok()?;
    url.decode_to_vec().ok().map(|(bytes, _)| bytes)
}

/// A gzipped SVG (svgz) inflated, at most [`IMAGE_BYTES`]; `None` when it does not inflate.
fn gunzip(bytes: &[u8]) -> Result<Option<Vec<u8>>, Message> {
    let mut plain = Vec::new();
    let read = flate2::read::GzDecoder::new(bytes)
        .take(IMAGE_BYTES + 1)
        .read_to_end(&mut plain);
    if read.is_err() {
        return Ok(None);
    }
    if plain.len() as u64 > IMAGE_BYTES {
        let limit = IMAGE_BYTES / (1024 * 1024);
        return Err(message!(
            "เป็น SVG บีบอัดที่ขยายแล้วเกินขีดจำกัด {limit} MB",
            "is a compressed SVG that inflates beyond the limit of {limit} MB"
        ));
    }
    Ok(Some(plain))
}
