//! Signature form fields over the signature blocks the documents print.
//!
//! typst-pdf writes no form fields, so they are added to the exported bytes: the templates'
//! `signature` function marks the space to sign with a labelled `metadata` (its name, width
//! and height); [`spots`] reads where each marker was laid out, and [`add`] appends, as an
//! incremental update, one empty signature field per spot (a /FT /Sig widget in the page's
//! /Annots, printable, with an empty appearance stream as PDF/A asks) and the catalog's
//! /AcroForm listing them. The same document gives the same bytes.

use typst::foundations::{Label, Value};
use typst::introspection::MetadataElem;
use typst::utils::PicoStr;
use typst_layout::PagedDocument;

use super::pdfobj::{self, Objects, Trailer};
use super::update::{self, Object};

/// The label of the templates' signature markers.
pub const LABEL: &str = "ita-signature";

/// Where a signature field goes, read from the laid-out document.
#[derive(Debug, Clone, PartialEq)]
pub struct Spot {
    /// The field name: the position signed for, made unique in the document.
    pub name: String,
    /// The page, from 0.
    pub page: usize,
    /// `[x0, y0, x1, y1]` in PDF points, from the bottom left of the page.
    pub rect: [f64; 4],
}

/// The signature spots of a laid-out document, in document order.
pub fn spots(document: &PagedDocument) -> Vec<Spot> {
    let Some(label) = Label::new(PicoStr::intern(LABEL)) else {
        return Vec::new();
    };
    let introspector = document.introspector();
    let mut out: Vec<Spot> = Vec::new();
    for element in introspector
        .elements()
        .query(&typst::foundations::Selector::Label(label))
    {
        let Some(meta) = element.to_packed::<MetadataElem>() else {
            continue;
        };
        let Value::Dict(dict) = &meta.value else {
            continue;
        };
        let (Some(location), Ok(Value::Str(name))) = (element.location(), dict.get("field")) else {
            continue;
        };
        let Some(position) = introspector.position(location) else {
            continue;
        };
        let length = |key: &str| match dict.get(key) {
            Ok(Value::Length(l)) => l.abs.to_pt(),
            _ => 0.0,
        };
        let page = position.page.get() - 1;
        let height = document
            .pages()
            .get(page)
            .map_or(0.0, |p| p.frame.size().y.to_pt());
        let (x, y) = (position.point.x.to_pt(), position.point.y.to_pt());
        let rect = [
            x,
            height - y - length("height"),
            x + length("width"),
            height - y,
        ]
        .map(round);
        let name = unique(&field_name(name.as_str()), |n| {
            out.iter().any(|s| s.name == n)
        });
        out.push(Spot { name, page, rect });
    }
    out
}

fn round(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

/// A partial field name may not hold a period (it separates the parts of a full name), so
/// "ผอ.สพป." is written with a fullwidth full stop, which looks the same.
fn field_name(position: &str) -> String {
    let name: String = position
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('.', "\u{ff0e}");
    if name.is_empty() {
        "ลงนาม".to_owned()
    } else {
        name
    }
}

/// The field names of signature blocks printed over `positions` (each block's last position
/// line, or the signer's name), in document order, as [`spots`] names their fields.
pub fn field_names<'a>(positions: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for position in positions {
        let name = unique(&field_name(position), |n| out.iter().any(|o| o == n));
        out.push(name);
    }
    out
}

/// `name`, or `name (2)`, `name (3)` … when an earlier field has it.
fn unique(name: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(name) {
        return name.to_owned();
    }
    (2..)
        .map(|k| format!("{name} ({k})"))
        .find(|n| !taken(n))
        .expect("some number is free")
}

/// A signature field of a PDF.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    /// The object of the field (merged with its widget).
    pub object: u32,
    /// The page object it sits on.
    pub page: u32,
    pub rect: [f64; 4],
    /// The object of its signature, once signed.
    pub signature: Option<u32>,
}

/// The signature fields of a PDF, in the order of the AcroForm's /Fields.
pub fn read(objects: &Objects, trailer: &Trailer) -> Vec<Field> {
    let Some(catalog) = objects.get(trailer.root) else {
        return Vec::new();
    };
    let Some(form) = pdfobj::value(catalog, "/AcroForm") else {
        return Vec::new();
    };
    let form = resolve(objects, form);
    let Some(list) = pdfobj::value(form, "/Fields") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for element in pdfobj::elements(resolve(objects, list)) {
        let Some(number) = pdfobj::reference(element) else {
            continue;
        };
        let Some(dict) = objects.get(number) else {
            continue;
        };
        if pdfobj::value(dict, "/FT") != Some("/Sig") {
            continue;
        }
        let rect = pdfobj::numbers(pdfobj::value(dict, "/Rect").unwrap_or("[]"));
        out.push(Field {
            name: pdfobj::value(dict, "/T")
                .and_then(pdfobj::text)
                .unwrap_or_default(),
            object: number,
            page: pdfobj::value(dict, "/P")
                .and_then(pdfobj::reference)
                .unwrap_or(0),
            rect: [0, 1, 2, 3].map(|i| rect.get(i).copied().unwrap_or(0.0)),
            signature: pdfobj::value(dict, "/V").and_then(pdfobj::reference),
        });
    }
    out
}

/// The object a value refers to, or the value itself when direct.
pub fn resolve<'o>(objects: &'o Objects, value: &'o str) -> &'o str {
    pdfobj::reference(value)
        .and_then(|n| objects.get(n))
        .unwrap_or(value)
}

/// The page objects in page order.
pub fn pages(objects: &Objects, trailer: &Trailer) -> Vec<u32> {
    fn walk(objects: &Objects, node: u32, depth: usize, out: &mut Vec<u32>) {
        let Some(dict) = objects.get(node) else {
            return;
        };
        match pdfobj::value(dict, "/Kids") {
            Some(kids) if depth < 32 => {
                for kid in pdfobj::elements(resolve(objects, kids))
                    .iter()
                    .filter_map(|k| pdfobj::reference(k))
                {
                    walk(objects, kid, depth + 1, out);
                }
            }
            _ => out.push(node),
        }
    }
    let mut out = Vec::new();
    if let Some(root) = objects
        .get(trailer.root)
        .and_then(|c| pdfobj::value(c, "/Pages"))
        .and_then(pdfobj::reference)
    {
        walk(objects, root, 0, &mut out);
    }
    out
}

/// `pdf` with an empty signature field at each spot, as an incremental update; `pdf`
/// unchanged when there is none.
pub fn add(pdf: &[u8], spots: &[Spot]) -> Result<Vec<u8>, String> {
    if spots.is_empty() {
        return Ok(pdf.to_vec());
    }
    let objects = Objects::read(pdf)?;
    let trailer = Trailer::read(pdf)?;
    let pages = pages(&objects, &trailer);
    let catalog = objects.get(trailer.root).ok_or("the PDF has no catalog")?;
    if pdfobj::value(catalog, "/AcroForm").is_some() {
        return Err("the PDF already has a form".to_owned());
    }
    let needed = u32::try_from(2 * spots.len() + 1).map_err(|e| e.to_string())?;
    let mut next = objects.next_free(&trailer, needed)?;
    let mut take = || {
        next += 1;
        next - 1
    };
    let mut added = Vec::new();
    let mut fields = Vec::new();
    // Widgets by page, so that a page with two signatures is rewritten once.
    let mut annots: std::collections::BTreeMap<u32, Vec<u32>> = Default::default();
    for spot in spots {
        let page = *pages
            .get(spot.page)
            .ok_or_else(|| format!("the PDF has no page {}", spot.page + 1))?;
        let (field, appearance) = (take(), take());
        let [x0, y0, x1, y1] = spot.rect;
        added.push(Object::text(
            field,
            format!(
                "<</Type/Annot/Subtype/Widget/FT/Sig/T{}/Rect[{x0} {y0} {x1} {y1}]/F 4/P {page} 0 R/AP<</N {appearance} 0 R>>>>",
                pdfobj::text_string(&spot.name)
            ),
        ));
        // An empty appearance: the page looks as printed until someone signs.
        added.push(Object::stream(
            appearance,
            &format!(
                "<</Type/XObject/Subtype/Form/BBox[0 0 {} {}]/Resources<<>>>>",
                round(x1 - x0),
                round(y1 - y0)
            ),
            b"",
        ));
        fields.push(field);
        annots.entry(page).or_default().push(field);
    }
    for (page, widgets) in annots {
        let dict = objects.get(page).ok_or("a page object is missing")?;
        let refs: Vec<String> = widgets.iter().map(|w| format!("{w} 0 R")).collect();
        let existing: Vec<&str> = pdfobj::value(dict, "/Annots")
            .map(|a| pdfobj::elements(resolve(&objects, a)))
            .unwrap_or_default();
        let list = format!(
            "[{}]",
            existing
                .iter()
                .copied()
                .map(str::to_owned)
                .chain(refs)
                .collect::<Vec<_>>()
                .join(" ")
        );
        added.push(Object::text(
            page,
            pdfobj::with_entry(dict, "/Annots", &list),
        ));
    }
    let form = take();
    let list: Vec<String> = fields.iter().map(|f| format!("{f} 0 R")).collect();
    added.push(Object::text(
        form,
        format!("<</Fields[{}]>>", list.join(" ")),
    ));
    added.push(Object::text(
        trailer.root,
        pdfobj::with_entry(catalog, "/AcroForm", &format!("{form} 0 R")),
    ));
    Ok(update::append(pdf, &trailer, &added))
}
