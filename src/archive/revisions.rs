//! What the revisions appended after a signature change, judged as pyHanko and Acrobat
//! judge them: filling signature fields, adding signature fields, validation data (DSS),
//! document timestamps and the document's metadata are allowed; any other object of the
//! signed revision redefined, freed or hidden from this reader is a change to the document.
//!
//! The revisions are read the way a PDF viewer reads them, through their cross-reference
//! sections (tables or streams) from the file's last `startxref` back to the signed
//! revision's, and also by scanning their bytes, object streams unpacked: an object either
//! way must pass, and every entry of those sections must name an object the later revisions
//! define. An update in a form this module cannot follow (a hybrid section's /XRefStm,
//! encryption) is reported, never passed.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostic::Message;
use crate::message;

use super::fields;
use super::pdfobj::xref::{self, Entry, Section};
use super::pdfobj::{self, Objects, Trailer};

/// Checks every object defined after `signed_len` (the end of a signature's revision)
/// against the signed revision; `Err` names the first change that is not allowed.
pub fn check_after(pdf: &[u8], signed_len: usize) -> Result<(), Message> {
    let signed_pdf = &pdf[..signed_len];
    let signed = Objects::read(signed_pdf).map_err(|e| unreadable(&e))?;
    let trailer = Trailer::read(signed_pdf).map_err(|e| unreadable(&e))?;
    let current = Objects::read(pdf).map_err(|e| unreadable(&e))?;
    let tail = tail(pdf, signed_len)?;
    // Looked up per entry, not scanned: a million entries against a million objects.
    let defined = Defined {
        plain: tail
            .iter()
            .filter(|o| o.packed.is_none())
            .map(|o| (o.number, o.at))
            .collect(),
        packed: tail
            .iter()
            .filter_map(|o| Some((o.number, o.packed?)))
            .collect(),
    };
    for section in sections(pdf, signed_len, trailer.startxref)? {
        let root = pdfobj::value(&section.trailer, "/Root").and_then(pdfobj::reference);
        if root != Some(trailer.root) {
            return Err(message!(
                "ฉบับแก้ไขหลังลงนามเปลี่ยนแค็ตตาล็อกของเอกสาร (/Root)",
                "a later revision replaces the document's catalog (/Root)"
            ));
        }
        for entry in &section.entries {
            listed_in_tail(pdf, *entry, &defined, &signed)?;
        }
    }
    let roles = Roles::of(&signed, &trailer);
    for object in &tail {
        let Some(old) = signed.get(object.number) else {
            continue; // A new object matters only through a changed one that refers to it.
        };
        let new_data = object.stream.clone().and_then(|r| pdf.get(r));
        let old_data = signed.raw_stream(object.number);
        if old_data == new_data && pdfobj::same(old, &object.text) {
            continue;
        }
        roles.allows(object.number, old, &object.text, &current)?;
    }
    Ok(())
}

/// An object defined after the signed revision: written there, or packed in an object
/// stream written there (`packed` then says which stream and where in it).
struct Later {
    number: u32,
    text: String,
    stream: Option<std::ops::Range<usize>>,
    /// Where ` obj` is, for one written on its own.
    at: usize,
    packed: Option<(u32, usize)>,
}

/// Every object defined after `signed_len`, those packed in object streams included.
fn tail(pdf: &[u8], signed_len: usize) -> Result<Vec<Later>, Message> {
    let mut out = Vec::new();
    let mut inflated = 0;
    for object in pdfobj::scan(pdf, signed_len..pdf.len()).map_err(|e| unreadable(&e))? {
        if let Some(packed) = pdfobj::object_stream(pdf, &object, &mut inflated) {
            let packed = packed.map_err(|e| unreadable(&e))?;
            for (index, (number, text)) in packed.into_iter().enumerate() {
                out.push(Later {
                    number,
                    text,
                    stream: None,
                    at: object.at,
                    packed: Some((object.number, index)),
                });
            }
        }
        out.push(Later {
            number: object.number,
            text: object.text,
            stream: object.stream,
            at: object.at,
            packed: None,
        });
    }
    Ok(out)
}

/// The objects of the later revisions: (number, where its ` obj` is) for those written on
/// their own, (number, (object stream, index)) for packed ones.
struct Defined {
    plain: BTreeSet<(u32, usize)>,
    packed: BTreeSet<(u32, (u32, usize))>,
}

/// Whether a later section's `entry` names an object of the later revisions, where it is:
/// one that points back into the signed revision (or anywhere else) would show a viewer an
/// object this check never saw. A number it frees may not be one the signed revision uses.
fn listed_in_tail(
    pdf: &[u8],
    entry: Entry,
    defined: &Defined,
    signed: &Objects,
) -> Result<(), Message> {
    match entry {
        Entry::Free(n) if signed.get(n).is_some() => Err(message!(
            "ฉบับแก้ไขหลังลงนามลบวัตถุ {n} ของฉบับที่ลงนาม",
            "a later revision deletes object {n} of the signed revision"
        )),
        Entry::Free(_) => Ok(()),
        Entry::Used { number: n, offset } => {
            // `N G` takes a few bytes: the ` obj` after it is within 64 of the offset.
            let near = offset..=offset.saturating_add(64);
            if defined
                .plain
                .range((n, *near.start())..=(n, *near.end()))
                .any(|&(_, at)| xref::header_at(pdf, offset, at, n))
            {
                Ok(())
            } else {
                Err(message!(
                    "ตารางอ้างอิงของฉบับแก้ไขหลังลงนามชี้วัตถุ {n} ไปที่ไบต์ {offset} ซึ่งไม่มีวัตถุนั้น",
                    "a later revision's cross-reference puts object {n} at byte {offset}, where it is not"
                ))
            }
        }
        Entry::Packed {
            number: n,
            stream,
            index,
        } => {
            if defined.packed.contains(&(n, (stream, index))) {
                Ok(())
            } else {
                Err(message!(
                    "ตารางอ้างอิงของฉบับแก้ไขหลังลงนามชี้วัตถุ {n} ไปที่ object stream {stream} ลำดับ {index} ซึ่งไม่มีวัตถุนั้นในฉบับแก้ไข",
                    "a later revision's cross-reference puts object {n} in object stream {stream} at index {index}, where no later revision has it"
                ))
            }
        }
    }
}

fn unreadable(e: &str) -> Message {
    message!(
        "อ่านฉบับแก้ไขหลังลงนามไม่ได้: {e}",
        "a later revision cannot be read: {e}"
    )
}

/// The cross-reference sections from the file's last `startxref` back to `signed_xref`,
/// the signed revision's; each must lie after `signed_len`.
fn sections(pdf: &[u8], signed_len: usize, signed_xref: usize) -> Result<Vec<Section>, Message> {
    let mut at = xref::last_startxref(pdf).ok_or_else(|| {
        message!(
            "ไม่พบ startxref ท้ายแฟ้ม",
            "no startxref at the end of the file"
        )
    })?;
    let (mut out, mut inflated) = (Vec::new(), 0usize);
    while at >= signed_len {
        if out.len() > 1000 {
            return Err(message!(
                "ฉบับแก้ไขหลังลงนามมากเกิน 1000 ฉบับ",
                "more than 1000 revisions after the signature"
            ));
        }
        let section = xref::read(pdf, at).map_err(|e| unreadable(&e))?;
        inflated += section.inflated;
        if inflated > pdfobj::INFLATED_TOTAL {
            return Err(unreadable(&format!(
                "the cross-reference streams inflate to more than {} MB",
                pdfobj::INFLATED_TOTAL >> 20
            )));
        }
        // A hybrid file's second section (/XRefStm) is a way to hide objects from readers of
        // tables: not followed, so refused.
        if ["/XRefStm", "/Encrypt"]
            .iter()
            .any(|k| pdfobj::value(&section.trailer, k).is_some())
        {
            return Err(message!(
                "ฉบับแก้ไขหลังลงนามที่ไบต์ {at} มี /XRefStm หรือ /Encrypt ซึ่งตรวจไม่ได้",
                "a later revision at byte {at} has /XRefStm or /Encrypt, which is not checked"
            ));
        }
        // Each section points back to one before it: no loop, however the file is made.
        let prev = pdfobj::integer(&section.trailer, "/Prev")
            .and_then(|p| usize::try_from(p).ok())
            .filter(|&p| p < at);
        out.push(section);
        at = prev.ok_or_else(|| {
            message!(
                "ฉบับแก้ไขหลังลงนามไม่ชี้กลับไปยังฉบับที่ลงนาม (/Prev)",
                "a later revision does not point back to the signed one (/Prev)"
            )
        })?;
    }
    if at != signed_xref {
        return Err(message!(
            "ฉบับแก้ไขหลังลงนามชี้กลับไปที่ไบต์ {at} ไม่ใช่ตารางอ้างอิงของฉบับที่ลงนาม (ไบต์ {signed_xref})",
            "a later revision points back to byte {at}, not to the signed revision's cross-reference (byte {signed_xref})"
        ));
    }
    Ok(out)
}

/// What the objects of the signed revision are, for the changes each may take.
struct Roles {
    catalog: u32,
    form: Option<u32>,
    /// Signature fields: whether each was signed in the signed revision.
    signature_fields: BTreeMap<u32, bool>,
    /// Appearance streams of unsigned signature fields.
    appearances: BTreeSet<u32>,
    pages: BTreeSet<u32>,
    /// /Annots arrays of pages written as objects of their own.
    annots: BTreeSet<u32>,
    /// The document information dictionary and the XMP metadata stream.
    metadata: BTreeSet<u32>,
}

impl Roles {
    fn of(signed: &Objects, trailer: &Trailer) -> Roles {
        let catalog = signed.get(trailer.root).unwrap_or_default();
        let reference =
            |dict: &str, key: &str| pdfobj::value(dict, key).and_then(pdfobj::reference);
        let fields = fields::read(signed, trailer);
        let pages: BTreeSet<u32> = fields::pages(signed, trailer).into_iter().collect();
        let annots = pages
            .iter()
            .filter_map(|&p| reference(signed.get(p)?, "/Annots"))
            .collect();
        let appearances = fields
            .iter()
            .filter(|f| f.signature.is_none())
            .filter_map(|f| {
                let ap = pdfobj::value(signed.get(f.object)?, "/AP")?;
                reference(fields::resolve(signed, ap), "/N")
            })
            .collect();
        Roles {
            catalog: trailer.root,
            form: reference(catalog, "/AcroForm"),
            signature_fields: fields
                .iter()
                .map(|f| (f.object, f.signature.is_some()))
                .collect(),
            appearances,
            pages,
            annots,
            metadata: [
                trailer.info.as_deref().and_then(pdfobj::reference),
                reference(catalog, "/Metadata"),
            ]
            .into_iter()
            .flatten()
            .collect(),
        }
    }

    /// Whether object `n`, `old` in the signed revision, may become `new`.
    fn allows(&self, n: u32, old: &str, new: &str, current: &Objects) -> Result<(), Message> {
        let changed = changed_keys(old, new);
        let only = |allowed: &[&str]| match &changed {
            Some(keys) => keys.iter().all(|k| allowed.contains(&k.as_str())),
            None => false,
        };
        let ok = if self.metadata.contains(&n) || self.appearances.contains(&n) {
            true
        } else if n == self.catalog {
            only(&["/DSS", "/Extensions", "/Version", "/Metadata", "/AcroForm"])
                && match self.form {
                    Some(_) => same_entry(old, new, "/AcroForm"),
                    None => direct_form_ok(old, new, current),
                }
        } else if Some(n) == self.form {
            only(&["/SigFlags", "/Fields", "/DR", "/DA", "/NeedAppearances"])
                && grows_by_signatures(old, new, "/Fields", current)
        } else if let Some(&signed) = self.signature_fields.get(&n) {
            !signed && only(&["/V", "/AP", "/F"]) && signed_or_unseen(new, current)
        } else if self.pages.contains(&n) {
            only(&["/Annots"]) && grows_by_signatures(old, new, "/Annots", current)
        } else if self.annots.contains(&n) {
            grows(old, new, current)
        } else {
            false
        };
        if ok {
            return Ok(());
        }
        let what = changed.map_or_else(String::new, |keys| keys.join(" "));
        Err(if self.pages.contains(&n) {
            message!(
                "ฉบับแก้ไขหลังลงนามเปลี่ยนหน้าเอกสาร (วัตถุ {n} {what})",
                "a later revision changes a page (object {n} {what})"
            )
        } else {
            message!(
                "ฉบับแก้ไขหลังลงนามเปลี่ยนวัตถุ {n} ของฉบับที่ลงนาม {what}",
                "a later revision changes object {n} of the signed revision {what}"
            )
        })
    }
}

/// The keys whose values differ between two dictionaries; `None` when either is not a
/// complete dictionary.
fn changed_keys(old: &str, new: &str) -> Option<Vec<String>> {
    let map = |d: &str| -> Option<BTreeMap<String, String>> {
        Some(
            pdfobj::complete_entries(d)?
                .into_iter()
                .map(|(k, r)| (k, d[r].to_owned()))
                .collect(),
        )
    };
    let (old, new) = (map(old)?, map(new)?);
    let keys: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    Some(
        keys.into_iter()
            .filter(|k| match (old.get(*k), new.get(*k)) {
                (Some(a), Some(b)) => !pdfobj::same(a, b),
                _ => true,
            })
            .cloned()
            .collect(),
    )
}

fn same_entry(old: &str, new: &str, key: &str) -> bool {
    match (pdfobj::value(old, key), pdfobj::value(new, key)) {
        (Some(a), Some(b)) => pdfobj::same(a, b),
        (a, b) => a.is_none() && b.is_none(),
    }
}

/// A form written inside the catalog: only its signature entries may change.
fn direct_form_ok(old: &str, new: &str, current: &Objects) -> bool {
    match (
        pdfobj::value(old, "/AcroForm"),
        pdfobj::value(new, "/AcroForm"),
    ) {
        (Some(a), Some(b)) => {
            changed_keys(a, b).is_some_and(|keys| {
                keys.iter()
                    .all(|k| ["/SigFlags", "/Fields", "/DR", "/DA"].contains(&k.as_str()))
            }) && grows_by_signatures(a, b, "/Fields", current)
        }
        (a, b) => a.is_none() && b.is_none(),
    }
}

/// Whether the array at `key` keeps every element and adds only signature fields.
fn grows_by_signatures(old: &str, new: &str, key: &str, current: &Objects) -> bool {
    let array = |d: &str| pdfobj::value(d, key).unwrap_or("[]").to_owned();
    let (a, b) = (array(old), array(new));
    // An array written as an object of its own must stay that object.
    if pdfobj::reference(&a).is_some() || pdfobj::reference(&b).is_some() {
        return pdfobj::same(&a, &b);
    }
    grows(&a, &b, current)
}

/// Whether array `new` holds `old`'s elements in order followed by signature fields.
fn grows(old: &str, new: &str, current: &Objects) -> bool {
    let (old, new) = (pdfobj::elements(old), pdfobj::elements(new));
    new.len() >= old.len()
        && old.iter().zip(&new).all(|(a, b)| pdfobj::same(a, b))
        && new[old.len()..].iter().all(|added| {
            pdfobj::reference(added)
                .and_then(|n| current.get(n))
                .is_some_and(|d| {
                    pdfobj::value(d, "/FT") == Some("/Sig") && signed_or_unseen(d, current)
                })
        })
}

/// Whether a signature field filled or added after a signature either holds a signature
/// (its /V a dictionary with a /ByteRange) or shows nothing (a /Rect of no area): an
/// appearance without a signature would put unsigned content on a signed page.
fn signed_or_unseen(field: &str, current: &Objects) -> bool {
    let signed = pdfobj::value(field, "/V")
        .and_then(pdfobj::reference)
        .and_then(|v| current.get(v))
        .is_some_and(|v| pdfobj::value(v, "/ByteRange").is_some());
    let rect = pdfobj::numbers(pdfobj::value(field, "/Rect").unwrap_or("[]"));
    let unseen = matches!(rect[..], [x0, y0, x1, y1] if (x1 - x0) * (y1 - y0) == 0.0);
    signed || unseen
}
