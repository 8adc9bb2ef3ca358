//! `dramatis report` through the real binary, without a browser: one
//! self-contained file whose embedded data agrees with `annotate`. The
//! browser checks (rendering, clicks, console errors) are in
//! tests/e2e/report.sh.

mod support;

use support::dramatis_ok;

#[test]
fn the_report_is_one_offline_page_with_annotates_counts() {
    let dir = std::env::temp_dir().join(format!("dramatis-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let page_path = dir.join("report.html");
    let project = "tests/e2e/report-project";
    dramatis_ok(&["report", project, "-o", page_path.to_str().expect("path")]);
    let page = std::fs::read_to_string(&page_path).expect("page written");
    for external in ["src=\"http", "href=\"http", "@import", "url(http", "<link "] {
        assert!(
            !page.contains(external),
            "no external assets: found {external}"
        );
    }
    let start = page
        .find("<script type=\"application/json\" id=\"data\">")
        .expect("data element");
    let json = &page[start..];
    let json = &json[json.find('>').expect("tag end") + 1..json.find("</script>").expect("closed")];
    let data: serde_json::Value = serde_json::from_str(json).expect("embedded JSON");

    let annotated: Vec<serde_json::Value> = dramatis_ok(&["annotate", project])
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    let files = data["files"].as_array().expect("files");
    assert_eq!(files.len(), 3, "three chapters");
    for (file, annotation) in files.iter().zip(&annotated) {
        assert_eq!(file["path"], annotation["path"]);
        assert_eq!(
            file["mentions"].as_array().map(Vec::len),
            annotation["mentions"].as_array().map(Vec::len)
        );
        assert_eq!(
            file["diagnostics"].as_array().map(Vec::len),
            annotation["diagnostics"].as_array().map(Vec::len)
        );
    }
    let entity_totals: u64 = data["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .map(|e| e["total"].as_u64().expect("total"))
        .sum();
    let mentions: usize = annotated
        .iter()
        .map(|a| a["mentions"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(
        entity_totals as usize, mentions,
        "every mention counted once in the cast"
    );
    // One entity across the chapters: the heroine is named in all three.
    let heroine = data["entities"]
        .as_array()
        .expect("entities")
        .iter()
        .find(|e| e["name"] == "Nadia Okafor")
        .expect("Nadia Okafor in the cast");
    assert!(
        heroine["perFile"]
            .as_array()
            .expect("perFile")
            .iter()
            .all(|n| n.as_u64() > Some(0)),
        "{heroine}"
    );
    assert_eq!(
        data["timeline"]["columns"].as_array().map(Vec::len),
        Some(3)
    );
    assert!(!data["network"]["edges"]
        .as_array()
        .expect("edges")
        .is_empty());
}
