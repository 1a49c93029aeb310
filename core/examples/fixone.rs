fn main() {
    let path = std::env::args().nth(1).unwrap_or_default();
    let source = std::fs::read_to_string(&path).unwrap_or_default();
    let sql = path.ends_with(".sql");
    let settings = retort_core::lint::Settings::default();
    let (text, n) = retort_core::lint::fix_source(
        &source,
        sql,
        &settings,
        retort_core::lint::fix::Applicability::Unsafe,
    );
    println!("{n} fixes\n{text}");
}
