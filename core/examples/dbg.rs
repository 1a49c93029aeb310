fn main() {
    let s = std::fs::read_to_string(std::env::args().nth(1).unwrap()).unwrap();
    let (located, _) = retort_core::sql::ops::read_ops(&s);
    for l in &located {
        println!("{:?} {:?}", l.span, &s[l.span.start..l.span.end]);
    }
    let st = retort_core::lint::Settings::default();
    for f in retort_core::lint::lint_sql(&s, &st).0 {
        println!("{:?} {} {:?}", f.span, f.rule, f.fix);
    }
}
