//! Thai line breaking by dictionary, written into the generated Typst source.
//!
//! Every piece of text the documents set, whether it comes from a template or from the data,
//! passes through here after the templates have run: the source is parsed with Typst's own
//! parser, and each text in markup (a template's words, and each data value embedded as
//! `#"…";`) is cut into dictionary words ([`crate::thai::words`]) with the package's names
//! added. [`glue`] then marks the boundaries and the joiners that make Typst break there and
//! nowhere else; spaces that must not end a line become `~`. Strings in code (the document
//! title, paths, comparisons) are left as they are, so templates pass the text they set as
//! content (`[…]`), never as a string.

pub mod glue;
pub mod names;
pub mod tokens;

use typst::syntax::{SyntaxKind, SyntaxNode, ast};

use crate::documents::Package;
use crate::templates::string_literal;
use crate::thai::words::{Segmenter, WordList, is_thai_letter, starts_cluster};
use glue::{Column, Piece};

/// Kinds of administrative body and office that open an agency's name; what follows them is
/// the proper name of a place ("เทศบาลตำบล|หนองพอก"). Both are kept whole (an abbreviation
/// with dots, "อบต.", is no Thai run of its own: it only marks where the place begins).
const NAME_PREFIXES: &[&str] = &[
    "องค์การบริหารส่วนตำบล",
    "องค์การบริหารส่วนจังหวัด",
    "เทศบาลตำบล",
    "เทศบาลเมือง",
    "เทศบาลนคร",
    "โรงพยาบาลส่งเสริมสุขภาพตำบล",
    "โรงพยาบาล",
    "โรงเรียน",
    "สำนักงานจังหวัด",
    "สำนักงานอำเภอ",
    "สำนักงานเขตพื้นที่การศึกษาประถมศึกษา",
    "สำนักงานเขตพื้นที่การศึกษามัธยมศึกษา",
    "ที่ว่าการอำเภอ",
    "ศาลากลางจังหวัด",
    "จังหวัด",
    "อำเภอ",
    "ตำบล",
    "หมู่บ้าน",
    "บ้าน",
    "อบต.",
    "อบจ.",
    "ทต.",
    "ทม.",
    "ทน.",
];

/// The longest name, in characters, kept whole at line ends. Longer ones are compounds
/// ("หนองบัวแดงเหนือพัฒนาสามัคคีเจริญราษฎร์", "สมเด็จพระยุพราชธวัชบุรีเฉลิมพระเกียรติ"): kept whole,
/// they overran a table column or left a line with one gaping space, so they break between
/// the dictionary's words like other text. Every province name fits ("พระนครศรีอยุธยา", 15).
pub const LONGEST_WHOLE_NAME: usize = 15;

/// The proper names a package holds: provinces, districts, the place in each agency's name,
/// and every part of the signers' names. Those up to [`LONGEST_WHOLE_NAME`] characters are
/// kept whole at line ends.
pub fn package_names(package: &Package) -> WordList {
    let mut names: Vec<&str> = Vec::new();
    let agency = &package.agency;
    names.extend(agency.province.as_deref());
    names.extend(agency.district.as_deref());
    names.extend(place_in(&agency.name));
    if let Some(province) = &package.province {
        for a in &province.agencies {
            names.extend(place_in(&a.name));
            names.extend(a.district.as_deref());
        }
    }
    names.extend(crate::documents::signers(package).map(|signer| signer.name.as_str()));
    let words = names.into_iter().flat_map(str::split_whitespace);
    WordList::from_words(words.filter(|name| name.chars().count() <= LONGEST_WHOLE_NAME))
}

/// An agency's name cut after its longest administrative prefix: the kind of body and the
/// place ("เทศบาลเมือง", "ร้อยเอ็ด"), both read whole.
fn place_in(name: &str) -> Vec<&str> {
    let name = name.trim();
    let Some(prefix) = NAME_PREFIXES
        .iter()
        .filter(|p| name.starts_with(*p))
        .max_by_key(|p| p.len())
    else {
        return Vec::new();
    };
    let place = name[prefix.len()..].trim_start();
    if place.is_empty() {
        vec![*prefix]
    } else {
        vec![*prefix, place]
    }
}

/// The source with Thai word boundaries made the only places a line can end inside Thai text.
pub fn apply(source: &str, segmenter: &Segmenter) -> String {
    let root = typst::syntax::parse(source);
    let mut out = String::with_capacity(source.len() + source.len() / 4);
    rewrite(&root, segmenter, Place::default(), &mut out);
    out
}

/// Where a piece of markup is set.
#[derive(Debug, Clone, Copy, Default)]
struct Place {
    /// In a heading, whose plain text becomes the PDF's bookmark: no invisible character may
    /// be written, so words that need joining are boxed instead.
    heading: bool,
    /// In a cell of a narrow column, or not.
    column: Column,
}

fn rewrite(node: &SyntaxNode, segmenter: &Segmenter, place: Place, out: &mut String) {
    let place = Place {
        heading: place.heading || called(node, &["heading"]),
        column: if called(node, &["narrow"]) {
            Column::Narrow
        } else {
            place.column
        },
    };
    if node.kind() == SyntaxKind::Markup {
        markup(node, segmenter, place, out);
    } else if node.children().len() == 0 {
        out.push_str(node.leaf_text());
    } else {
        for child in node.children() {
            rewrite(child, segmenter, place, out);
        }
    }
}

/// Whether `node` calls one of the functions named (`table.cell` as written).
fn called(node: &SyntaxNode, names: &[&str]) -> bool {
    node.kind() == SyntaxKind::FuncCall
        && node
            .children()
            .next()
            .is_some_and(|callee| names.contains(&callee.full_text().as_str()))
}

/// What a markup child shows, for the text it sets: markup text and embedded strings.
fn shown(children: &[&SyntaxNode], k: usize) -> Option<String> {
    let node = children[k];
    match node.kind() {
        SyntaxKind::Text => Some(node.leaf_text().to_string()),
        SyntaxKind::Str if k > 0 && children[k - 1].kind() == SyntaxKind::Hash => {
            node.cast::<ast::Str>().map(|s| s.get().to_string())
        }
        _ => None,
    }
}

/// The text shown by the nearest sibling before `k` (skipping the `#` and `;` around
/// embedded expressions).
fn shown_before<'a>(
    children: &[&SyntaxNode],
    texts: &'a [Option<String>],
    k: usize,
) -> Option<&'a str> {
    (0..k)
        .rev()
        .find(|&j| !skipped(children[j]))
        .and_then(|j| texts[j].as_deref())
}

fn shown_after<'a>(
    children: &[&SyntaxNode],
    texts: &'a [Option<String>],
    k: usize,
) -> Option<&'a str> {
    (k + 1..children.len())
        .find(|&j| !skipped(children[j]))
        .and_then(|j| texts[j].as_deref())
}

/// The `#` and `;` around an embedded expression, which show nothing of their own.
fn skipped(node: &SyntaxNode) -> bool {
    matches!(node.kind(), SyntaxKind::Hash | SyntaxKind::Semicolon)
}

fn markup(node: &SyntaxNode, segmenter: &Segmenter, place: Place, out: &mut String) {
    let children: Vec<&SyntaxNode> = node.children().collect();
    // What each child shows, found once: the spaces between them look at their neighbours.
    let texts: Vec<Option<String>> = (0..children.len()).map(|k| shown(&children, k)).collect();
    for (k, child) in children.iter().enumerate() {
        let Some(text) = texts[k].as_deref() else {
            let glued = child.kind() == SyntaxKind::Space
                && !child.leaf_text().contains('\n')
                && glue_between(
                    shown_before(&children, &texts, k),
                    shown_after(&children, &texts, k),
                    place.column == Column::Narrow,
                );
            if glued {
                out.push('~');
            } else {
                rewrite(child, segmenter, place, out);
            }
            continue;
        };
        // Text from two places that meet between Thai letters ("จังหวัด" + a province name)
        // meets at a word boundary.
        let meets = text.starts_with(is_thai_letter)
            && !text.starts_with(|c| !starts_cluster(c))
            && shown_before(&children, &texts, k).is_some_and(|b| b.ends_with(is_thai_letter));
        let mut pieces = glue::pieces(text, segmenter, place.column);
        if meets {
            pieces.insert(0, Piece::Boundary);
        }
        if place.heading {
            pieces = glue::boxed(pieces);
        }
        if child.kind() == SyntaxKind::Text {
            write_markup(&pieces, out);
        } else {
            write_embedded(&pieces, out);
        }
    }
}

/// Whether the space between two shown texts must not end a line.
fn glue_between(before: Option<&str>, after: Option<&str>, narrow: bool) -> bool {
    let (Some(before), Some(after)) = (before, after) else {
        return false;
    };
    glue::space_glues(before, after, narrow)
}

/// Pieces as markup text: boundaries and joiners as their characters in the text, boxed
/// words and their boundaries as boxes.
fn write_markup(pieces: &[Piece], out: &mut String) {
    for piece in pieces {
        match piece {
            Piece::Text(text) => out.push_str(text),
            Piece::Boundary => out.push(glue::BOUNDARY),
            Piece::Joiner => out.push(glue::JOINER),
            Piece::Whole(word) => out.push_str(&format!("#box[{word}]")),
            Piece::Opening => out.push_str("#box();"),
        }
    }
}

/// Pieces replacing an embedded string (after its `#`): one string with the marks in it
/// (`"ภาย\u{2060}นอก"`), boxes between strings (`"ภาย";#box("นอก")`).
fn write_embedded(pieces: &[Piece], out: &mut String) {
    let mut items: Vec<String> = Vec::new();
    let mut run = String::new();
    let end_run = |run: &mut String, items: &mut Vec<String>| {
        if !run.is_empty() {
            items.push(string_literal(run));
            run.clear();
        }
    };
    for piece in pieces {
        match piece {
            Piece::Text(text) => run.push_str(text),
            Piece::Boundary => run.push(glue::BOUNDARY),
            Piece::Joiner => run.push(glue::JOINER),
            Piece::Whole(word) => {
                end_run(&mut run, &mut items);
                items.push(format!("box({})", string_literal(word)));
            }
            Piece::Opening => {
                end_run(&mut run, &mut items);
                items.push("box()".to_owned());
            }
        }
    }
    end_run(&mut run, &mut items);
    if items.is_empty() {
        items.push("\"\"".to_owned());
    }
    out.push_str(&items.join(";#"));
}
