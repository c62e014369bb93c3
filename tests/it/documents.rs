//! The document registry (`src/documents/`): every kind declared once, whole, and reachable.

use ita_report::DocKind;
use ita_report::documents::ALL;

use crate::common::root;

/// Where a kind stands in `ALL`. The match has no wildcard, so a kind added to `DocKind`
/// without a place here does not compile, and the assertions below then ask for it in `ALL`.
fn position(kind: DocKind) -> usize {
    match kind {
        DocKind::Memo => 0,
        DocKind::Letter => 1,
        DocKind::Cover => 2,
        DocKind::Report => 3,
        DocKind::Oit => 4,
        DocKind::Measures => 5,
        DocKind::Announcement => 6,
        DocKind::Progress => 7,
    }
}

#[test]
fn every_kind_is_registered_once_with_its_template() {
    for (i, kind) in ALL.into_iter().enumerate() {
        assert_eq!(position(kind), i, "{kind:?} out of place in ALL");
        let spec = kind.spec();
        assert_eq!(DocKind::from_name(spec.name), Some(kind));
        assert_eq!(
            serde_json::to_value(kind).unwrap(),
            serde_json::json!(spec.name),
            "{kind:?}: its name in templates and file names"
        );
        let file = format!("{}.typ", spec.name);
        let on_disk = std::fs::read_to_string(root().join("report-templates").join(&file))
            .unwrap_or_else(|e| panic!("{kind:?}: report-templates/{file}: {e}"));
        assert_eq!(on_disk, spec.template, "{file}: embedded text differs");
        assert_eq!(ita_report::templates::embedded(&file), Some(spec.template));
        assert!(!spec.label.0.is_empty() && !spec.label.1.is_empty());
    }
    assert_eq!(
        ita_report::templates::names().len(),
        ita_report::templates::SHARED.len() + ALL.len()
    );
}

/// The package's field for each kind exists in the schema the web form and `schema` print,
/// titled with the kind's Thai name unless the schema names it more precisely.
#[test]
fn every_kind_has_its_data_in_the_schema_with_a_thai_title() {
    let schema = ita_report::schema::package();
    for kind in ALL {
        let spec = kind.spec();
        if kind == DocKind::Report {
            continue; // the report is made of the package's own data (scores, province, …)
        }
        let property = &schema["properties"][spec.name];
        assert!(
            property.is_object(),
            "no `{}` in the package schema",
            spec.name
        );
        assert_eq!(property["title"], spec.label.0, "{kind:?}");
    }
}

/// Presence follows the data: a sample holds exactly the documents whose data it has.
#[test]
fn available_documents_follow_the_data() {
    let text = std::fs::read_to_string(root().join("inputs/2566-roiet-province.json")).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let loaded = crate::common::load_text(&value.to_string(), "p.json");
    let before = DocKind::available(&loaded.package);
    assert!(before.contains(&DocKind::Memo), "{before:?}");
    value.as_object_mut().unwrap().remove("memo");
    let loaded = crate::common::load_text(&value.to_string(), "p.json");
    let after = DocKind::available(&loaded.package);
    assert!(!after.contains(&DocKind::Memo));
    assert_eq!(after.len() + 1, before.len());
}
