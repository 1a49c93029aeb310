fn main() {
    let dir = std::path::Path::new("tests/lint/cases");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for p in paths {
        let s = std::fs::read_to_string(&p).unwrap();
        let sql = p.extension().is_some_and(|e| e == "sql");
        let st = retort_core::lint::Settings::default();
        let f = if sql {
            retort_core::lint::lint_sql(&s, &st).0
        } else {
            retort_core::lint::lint_revision(&s, &st).0
        };
        for x in f {
            println!(
                "{:50} {:40} {}",
                p.file_name().unwrap().to_string_lossy(),
                x.rule,
                x.fix.map(|f| f.applicability.name()).unwrap_or("-")
            );
        }
    }
}
