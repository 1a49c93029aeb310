//! Which `MetaData` a table is in. Models read together may fill several
//! (dagster keeps runs, event logs and schedules apart, each with a
//! `secondary_indexes` table); a table clashes only with one of its own
//! metadata, and what is read is the metadata the asked-for modules fill.

use super::*;

impl ModelReader<'_> {
    /// A table read, added to the metadata as SQLAlchemy adds it: a second
    /// table of the same name extends the first with `extend_existing=True`
    /// (its new columns, constraints and indexes), and is refused without.
    pub(super) fn add_table(&mut self, mut table: TableSpec) {
        // Another MetaData may hold a table of the same name.
        let same_metadata = |t: &TableSpec| match (&t.metadata, &table.metadata) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        let position = self.table_positions.get(&table.name).and_then(|at| {
            at.iter().copied().find(|&i| {
                let t = &self.tables[i];
                t.schema == table.schema && same_metadata(t)
            })
        });
        let Some(existing) = position.and_then(|i| self.tables.get_mut(i)) else {
            self.table_positions
                .entry(table.name.clone())
                .or_default()
                .push(self.tables.len());
            self.tables.push(table);
            return;
        };
        if !table.extend_existing {
            let span = table.span;
            self.diagnostics.push(
                Diagnostic::error(
                    span,
                    format!(
                        "table {} is declared a second time; SQLAlchemy refuses it (\"already defined for this MetaData instance\")",
                        table.name
                    ),
                )
                .with_help("give extend_existing=True to extend the first, or use another name"),
            );
            return;
        }
        let (primary_key, comment) = (table.primary_key.take(), table.comment.take());
        existing.absorb(table);
        if primary_key.is_some() {
            existing.primary_key = primary_key;
        }
        if comment.is_some() {
            existing.comment = comment;
        }
    }

    /// Which `MetaData` an expression names, as one key for every way of
    /// writing it: `metadata` → `app.db.metadata` (where it is bound, or
    /// the module it is imported from), `Base.metadata` →
    /// `app.db.Base.metadata`, the key a declarative base's tables get.
    pub(super) fn metadata_key(&self, expr: &Expr) -> Option<MetadataKey> {
        let written = dotted(expr)?;
        let (first, rest) = written
            .split_once('.')
            .map_or((written.as_str(), ""), |(f, r)| (f, r));
        let scope = self.scope(expr)?;
        // A base variable made with `declarative_base(metadata=md)`.
        if rest == "metadata"
            && let Some(key) = self.base_vars.get(first).and_then(|r| r.metadata.clone())
        {
            return Some(key);
        }
        let owner = match scope.imports.binding(first) {
            Some(path) => path.join("."),
            None => format!("{}.{first}", scope.module),
        };
        Some(if rest.is_empty() {
            owner.into()
        } else {
            format!("{owner}.{rest}").into()
        })
    }

    /// Only the tables of the `MetaData` objects that the modules asked for
    /// fill (what importing them and taking their metadata gives), when
    /// they declare any; the tables of other metadata that their imports
    /// fill are not theirs. Two tables of one name left from different
    /// metadata are said, and the first kept.
    pub(super) fn keep_entries_metadata(&mut self) {
        let entries = self.entries;
        let wanted: HashSet<Option<MetadataKey>> = self
            .tables
            .iter()
            .filter(|t| {
                self.scope_at(t.span.start)
                    .is_some_and(|s| s.module_index < entries)
            })
            .map(|t| t.metadata.clone())
            .collect();
        if !wanted.is_empty() {
            self.tables
                .retain(|t| t.metadata.is_none() || wanted.contains(&t.metadata));
        }
        let mut seen: HashSet<(Option<String>, String)> = HashSet::default();
        let mut clashes = Vec::new();
        self.tables.retain(|t| {
            let fresh = seen.insert((t.schema.clone(), t.name.clone()));
            if !fresh {
                clashes.push(Diagnostic::warning(
                    t.span,
                    format!(
                        "table {} is also in another MetaData read here; only the first is read",
                        t.name
                    ),
                ).with_help("read one metadata's models at a time (the module that declares it)"));
            }
            fresh
        });
        self.diagnostics.extend(clashes);
        // Tables left out moved the others.
        self.table_positions.clear();
        for (i, table) in self.tables.iter().enumerate() {
            self.table_positions
                .entry(table.name.clone())
                .or_default()
                .push(i);
        }
    }

    /// Where the table `schema.name` is in `tables`.
    pub(super) fn table_at(&self, schema: Option<&str>, name: &str) -> Option<usize> {
        let at = self.table_positions.get(name)?;
        at.iter()
            .copied()
            .find(|&i| self.tables[i].schema.as_deref() == schema)
    }
}
