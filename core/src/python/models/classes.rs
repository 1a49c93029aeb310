//! Declarative bases and the classes mapped on them: registries and their
//! naming conventions, `type_annotation_map`, the method resolution order,
//! mixins and abstract classes, single-table and joined inheritance, and
//! `@declared_attr` functions with one `return`.

use super::names::class_name_expression;
use super::*;

impl<'a> ModelReader<'a> {
    /// The naming convention of a `MetaData(...)` call, a name bound to one,
    /// or a declarative base's `Base.metadata`.
    pub(super) fn metadata_convention(&mut self, expr: &'a Expr) -> NamingConvention {
        if let Expr::Attribute(attribute) = expr
            && attribute.attr.id.as_str() == "metadata"
            && let Expr::Name(base) = &*attribute.value
        {
            let base = base.id.as_str();
            if let Some(registry) = self.base_classes.get(base).or(self.base_vars.get(base)) {
                return registry.convention.clone();
            }
        }
        let expr = self.follow(expr);
        let Expr::Call(call) = expr else {
            return NamingConvention::default();
        };
        if !self.is(&call.func, Family::Sqlalchemy, "MetaData") {
            return NamingConvention::default();
        }
        match keyword(&call.arguments, "naming_convention") {
            Some(conv) => self.naming_convention(conv),
            None => NamingConvention::default(),
        }
    }

    pub(super) fn naming_convention(&mut self, expr: &'a Expr) -> NamingConvention {
        let Expr::Dict(dict) = self.follow(expr) else {
            self.warning(
                expr,
                "naming_convention is not a dict literal retort can read",
                "write the convention as a dict of string templates",
            );
            return NamingConvention::default();
        };
        let mut templates = Vec::new();
        for item in &dict.items {
            let (Some(key), Some(template)) =
                (item.key.as_ref().and_then(string), string(&item.value))
            else {
                self.warning(
                    &item.value,
                    "naming convention entry not read: retort reads string keys (\"ix\", \"uq\", \"ck\", \"fk\", \"pk\") with string templates",
                    "use %(token)s templates; callables cannot be evaluated without Python",
                );
                continue;
            };
            match ConstraintKind::from_key(&key) {
                Some(kind) => templates.push((kind, template)),
                None => self.warning(
                    &item.value,
                    format!("naming convention key {key:?} is not one of ix, uq, ck, fk, pk"),
                    "custom token keys are not supported yet",
                ),
            }
        }
        NamingConvention::new(templates)
    }

    /// The class of the models a base expression names; for a base made
    /// by `declarative_base(cls=Mixin)`, the mixin.
    pub(super) fn local_class(&self, expr: &Expr) -> Option<&'a StmtClassDef> {
        let Expr::Name(name) = expr else {
            return None;
        };
        let name = name.id.as_str();
        self.class_at(name, expr).or_else(|| {
            let class = self.base_var(name, expr)?.class.as_deref()?;
            self.class_at(class, expr)
        })
    }

    /// A `DeclarativeBase` subclass: its registry.
    pub(super) fn declarative_base_class(&mut self, class: &'a StmtClassDef) -> Option<Registry> {
        let is_base = bases(class).iter().any(|b| {
            self.symbol(b).is_some_and(|s| {
                s.family == Family::Orm
                    && matches!(s.name, "DeclarativeBase" | "DeclarativeBaseNoMeta")
            })
        });
        if !is_base {
            return None;
        }
        let module = self.scope(class).map_or("", |s| s.module.as_str());
        let mut registry = Registry {
            metadata: Some(format!("{module}.{}.metadata", class.name.id.as_str()).into()),
            ..Registry::default()
        };
        for (target, value) in named_assignments(&class.body) {
            match target {
                "metadata" => registry.convention = self.metadata_convention(value),
                "type_annotation_map" => registry.type_map = self.type_annotation_map(value),
                // `registry = registry(metadata=..., type_annotation_map=...)`.
                "registry" => {
                    if let Expr::Call(call) = value
                        && self.is(&call.func, Family::Orm, "registry")
                    {
                        if let Some(metadata) = keyword(&call.arguments, "metadata") {
                            registry.convention = self.metadata_convention(metadata);
                        }
                        if let Some(map) = keyword(&call.arguments, "type_annotation_map") {
                            registry.type_map = self.type_annotation_map(map);
                        }
                    }
                }
                _ => {}
            }
        }
        Some(registry)
    }

    pub(super) fn type_annotation_map(&mut self, expr: &'a Expr) -> Vec<(Vec<String>, Typed)> {
        let Expr::Dict(dict) = self.follow(expr) else {
            return Vec::new();
        };
        let mut map = Vec::new();
        for item in &dict.items {
            let Some(key) = item.key.as_ref().and_then(|k| self.imports(k)?.path(k)) else {
                continue;
            };
            let key: Vec<String> = key.into_iter().map(str::to_string).collect();
            if let Some(ty) = self.type_expr(&item.value) {
                map.push((key, ty));
            }
        }
        map
    }

    /// The registry a mapped class belongs to, through its (local) bases.
    pub(super) fn registry_of(
        &self,
        class: &'a StmtClassDef,
        seen: &mut HashSet<String>,
    ) -> Option<Registry> {
        if !seen.insert(class.name.id.as_str().to_string()) {
            return None;
        }
        for base in bases(class) {
            if let Expr::Name(name) = base
                && let Some(registry) = self.base_var(name.id.as_str(), base)
            {
                return Some(registry.clone());
            }
            if self
                .symbol(base)
                .is_some_and(|s| s.is(Family::Orm, "Model") && s.module == "flask_sqlalchemy")
            {
                return Some(self.flask.clone().unwrap_or(Registry {
                    flask: true,
                    ..Registry::default()
                }));
            }
            if let Some(parent) = self.local_class(base) {
                if let Some(registry) = self.base_classes.get(parent.name.id.as_str()) {
                    return Some(registry.clone());
                }
                if let Some(registry) = self.registry_of(parent, seen) {
                    return Some(registry);
                }
            }
        }
        None
    }

    /// Local classes in method resolution order (C3), starting with `class`.
    pub(super) fn mro(&self, class: &'a StmtClassDef, depth: usize) -> Vec<&'a StmtClassDef> {
        if depth > 64 {
            return vec![class];
        }
        let parents: Vec<&'a StmtClassDef> = bases(class)
            .iter()
            .filter_map(|b| self.local_class(b))
            .collect();
        let mut sequences: Vec<Vec<&'a StmtClassDef>> =
            parents.iter().map(|p| self.mro(p, depth + 1)).collect();
        sequences.push(parents);
        let mut result = vec![class];
        loop {
            sequences.retain(|s| !s.is_empty());
            if sequences.is_empty() {
                return result;
            }
            let head = sequences.iter().map(|s| s[0]).find(|candidate| {
                !sequences
                    .iter()
                    .any(|s| s[1..].iter().any(|c| std::ptr::eq(*c, *candidate)))
            });
            // An inconsistent hierarchy (Python would refuse it): fall back
            // to the first head so reading goes on.
            let head = head.unwrap_or(sequences[0][0]);
            result.push(head);
            for s in &mut sequences {
                if std::ptr::eq(s[0], head) {
                    s.remove(0);
                }
            }
        }
    }

    pub(super) fn read_class(&mut self, class: &'a StmtClassDef) {
        if self.py_enums.contains_key(class.name.id.as_str()) {
            return;
        }
        if self.base_classes.contains_key(class.name.id.as_str()) {
            // Not mapped itself; its columns are read, like a mixin's, into
            // every class mapped under it.
            return;
        }
        let Some(registry) = self.registry_of(class, &mut HashSet::default()) else {
            // A mixin or an unrelated class (read when used as a base) —
            // unless it names a table, or derives from a Flask-SQLAlchemy
            // style `db.Model`: then it is mapped on a base retort does not
            // follow, and saying nothing would drop the table silently.
            let attributes =
                ClassAttributes::of(class, &self.values, &self.functions, class.name.id.as_str());
            // A mixin names tables for the classes mapped with it: a
            // `declared_attr` `__tablename__`, or a class others derive from.
            // (A class on a base from elsewhere is mapped, not a mixin.)
            let local_bases = bases(class).iter().all(|b| {
                matches!(b, Expr::Name(n)
                    if n.id.as_str() == "object" || self.classes.contains_key(n.id.as_str()))
            });
            let mixin = attributes.declared_table_name
                || (local_bases
                    && self.classes.values().any(|other| {
                        bases(other).iter().any(
                        |b| matches!(b, Expr::Name(n) if n.id.as_str() == class.name.id.as_str()),
                    )
                    }));
            let names_table = attributes.table_name.is_some() && !mixin;
            let model_base = bases(class)
                .iter()
                .find(|b| matches!(b, Expr::Attribute(a) if a.attr.id.as_str() == "Model"));
            if names_table || model_base.is_some() {
                let help = self.unfollowed_base_help(class);
                self.warning(
                    &class.name,
                    format!(
                        "{} is mapped on a base retort does not follow; its table is not read",
                        class.name.id.as_str()
                    ),
                    &help,
                );
                self.unread_classes.push(span_of(&class.name));
            }
            return;
        };
        let attributes =
            ClassAttributes::of(class, &self.values, &self.functions, class.name.id.as_str());
        if attributes.is_abstract {
            return;
        }
        let table_name = self.table_name(class).or_else(|| {
            // Flask-SQLAlchemy names the table after the class, unless the
            // class inherits from a mapped one and adds no primary key
            // (single-table inheritance).
            let parent = self
                .mro(class, 0)
                .into_iter()
                .skip(1)
                .any(|c| self.is_mapped(c));
            (registry.flask && (!parent || self.declares_primary_key(class)))
                .then(|| snake_case(class.name.id.as_str()))
        });
        let Some(table_name) = table_name else {
            let parent = self
                .mro(class, 0)
                .into_iter()
                .skip(1)
                .find(|c| self.is_mapped(c));
            match parent {
                Some(parent) => self.read_single_table_subclass(class, parent, &registry),
                None => self.error(
                    &class.name,
                    format!(
                        "mapped class {} has no __tablename__",
                        class.name.id.as_str()
                    ),
                    "add __tablename__ = \"...\" (SQLAlchemy refuses to map it otherwise)",
                ),
            }
            return;
        };
        let mut table = TableSpec {
            name: table_name,
            convention: registry.convention.clone(),
            metadata: registry.metadata.clone(),
            span: span_of(&class.name),
            ..TableSpec::default()
        };
        self.read_columns(class, &registry, &mut table);
        if let Some(args) = self.table_args(class) {
            // The class body's names (`__tablename__`, constants) are in
            // scope there, over the module's.
            let names: Vec<(&str, &'a Expr)> = named_assignments(&class.body).collect();
            self.with_names(&names, |reader| reader.read_table_args(args, &mut table));
        }
        self.add_table(table);
    }

    /// Own columns first, then those of mixins and abstract bases in MRO
    /// order; a mapped parent's columns stay in the parent's table.
    pub(super) fn read_columns(
        &mut self,
        class: &'a StmtClassDef,
        registry: &Registry,
        table: &mut TableSpec,
    ) {
        let mut seen_attributes = HashSet::default();
        for owner in self.mro(class, 0) {
            if !std::ptr::eq(owner, class) && self.is_mapped(owner) {
                continue;
            }
            for stmt in attribute_order(owner) {
                self.read_class_statement(stmt, registry, table, &mut seen_attributes);
            }
        }
    }

    /// A class SQLAlchemy maps (to its own table or its parent's): under a
    /// declarative base, not abstract, not the base itself.
    pub(super) fn is_mapped(&self, class: &'a StmtClassDef) -> bool {
        !self.base_classes.contains_key(class.name.id.as_str())
            && !ClassAttributes::of(class, &self.values, &self.functions, "").is_abstract
            && self.registry_of(class, &mut HashSet::default()).is_some()
    }

    /// The table a mapped class declares: its own `__tablename__`, else one
    /// from its bases — a `@declared_attr` from any of them, a plain string
    /// only from a class that is not mapped itself (a mixin, an abstract
    /// base). `None`: single-table inheritance (or no name at all).
    pub(super) fn table_name(&self, class: &'a StmtClassDef) -> Option<String> {
        let name = class.name.id.as_str();
        self.mro(class, 0).into_iter().find_map(|owner| {
            let attributes = ClassAttributes::of(owner, &self.values, &self.functions, name);
            let applies = std::ptr::eq(owner, class)
                || attributes.declared_table_name
                || !self.is_mapped(owner);
            attributes.table_name.filter(|_| applies)
        })
    }

    /// Whether the class (or a mixin it takes columns from) declares a
    /// primary key column.
    fn declares_primary_key(&self, class: &'a StmtClassDef) -> bool {
        self.mro(class, 0)
            .into_iter()
            .filter(|owner| std::ptr::eq(*owner, class) || !self.is_mapped(owner))
            .flat_map(|owner| &owner.body)
            .any(|stmt| {
                let value = match stmt {
                    Stmt::Assign(assign) => Some(&*assign.value),
                    Stmt::AnnAssign(assign) => assign.value.as_deref(),
                    _ => None,
                };
                matches!(value, Some(Expr::Call(call))
                    if keyword(&call.arguments, "primary_key").and_then(boolean) == Some(true))
            })
    }

    /// `__table_args__` from the class or, like `__tablename__`, a base.
    pub(super) fn table_args(&self, class: &'a StmtClassDef) -> Option<&'a Expr> {
        let name = class.name.id.as_str();
        self.mro(class, 0).into_iter().find_map(|owner| {
            let attributes = ClassAttributes::of(owner, &self.values, &self.functions, name);
            let applies = std::ptr::eq(owner, class) || !self.is_mapped(owner);
            attributes.table_args.filter(|_| applies)
        })
    }

    /// Single-table inheritance: a mapped subclass without a table of its
    /// own adds its columns to the table of the class it inherits from.
    pub(super) fn read_single_table_subclass(
        &mut self,
        class: &'a StmtClassDef,
        parent: &'a StmtClassDef,
        registry: &Registry,
    ) {
        let parent_table = self.mro(parent, 0).into_iter().find_map(|c| {
            if self.is_mapped(c) {
                self.table_name(c)
            } else {
                None
            }
        });
        let Some(parent_table) = parent_table else {
            self.error(
                &class.name,
                format!(
                    "mapped class {} has no __tablename__, and neither has {}",
                    class.name.id.as_str(),
                    parent.name.id.as_str()
                ),
                "add __tablename__ = \"...\" (SQLAlchemy refuses to map it otherwise)",
            );
            return;
        };
        let mut extra = TableSpec {
            name: parent_table.clone(),
            convention: registry.convention.clone(),
            metadata: registry.metadata.clone(),
            span: span_of(&class.name),
            ..TableSpec::default()
        };
        self.read_columns(class, registry, &mut extra);
        let Some(table) = self
            .tables
            .iter_mut()
            .rev()
            .find(|t| t.name == parent_table)
        else {
            self.warning(
                &class.name,
                format!(
                    "single-table inheritance: table {parent_table:?} of {} is not read, so the columns of {} are not either",
                    parent.name.id.as_str(),
                    class.name.id.as_str()
                ),
                "declare the parent class before its subclasses",
            );
            return;
        };
        table.absorb(extra);
    }

    pub(super) fn read_class_statement(
        &mut self,
        stmt: &'a Stmt,
        registry: &Registry,
        table: &mut TableSpec,
        seen: &mut HashSet<String>,
    ) {
        let (attribute, annotation, value) = match stmt {
            Stmt::AnnAssign(assign) => match &*assign.target {
                Expr::Name(name) => (
                    name.id.as_str(),
                    Some(&*assign.annotation),
                    assign.value.as_deref(),
                ),
                _ => return,
            },
            Stmt::Assign(assign) => match assign.targets.as_slice() {
                [Expr::Name(name)] => (name.id.as_str(), None, Some(&*assign.value)),
                _ => return,
            },
            Stmt::FunctionDef(function) => match declared_attr(stmt) {
                Some((name, returns, value)) => (name, returns, Some(value)),
                None => {
                    if function
                        .decorator_list
                        .iter()
                        .any(|d| mentions_declared_attr(&d.expression))
                    {
                        self.warning(
                                &function.name,
                                format!(
                                    "declared_attr {} is not evaluated: its body is more than one return",
                                    function.name.id.as_str()
                                ),
                                "retort does not run Python; write it as `return <expression>` or declare the column directly",
                            );
                    }
                    return;
                }
            },
            _ => return,
        };
        if attribute.starts_with("__") || seen.contains(attribute) {
            return;
        }
        let mapped = annotation
            .and_then(|a| self.mapped_inner(a))
            .map(|inner| self.annotation(inner));
        let call = match value {
            Some(Expr::Call(call)) => Some(call),
            _ => None,
        };
        let callee = call.and_then(|c| self.symbol(&c.func));
        let annotated = mapped.and_then(|m| m.annotated);
        let spec = match (&callee, mapped) {
            (Some(s), _) if s.is(Family::Orm, "mapped_column") => {
                let Some(call) = call else { return };
                let args = match annotated {
                    Some(base) => ColumnArgs::merged(base, Some(call)),
                    None => ColumnArgs::of(call),
                };
                self.column_call(&args, attribute, mapped, true, registry)
            }
            (Some(s), _) if s.is(Family::Sqlalchemy, "Column") => {
                let Some(call) = call else { return };
                self.column_call(&ColumnArgs::of(call), attribute, mapped, false, registry)
            }
            (Some(s), _) if s.family == Family::Orm => return, // relationship(), column_property()…
            (_, Some(annotation)) if value.is_none() => match annotation.annotated {
                Some(base) => {
                    let mut args = ColumnArgs::of(base);
                    args.span = span_of(stmt);
                    self.column_call(&args, attribute, mapped, true, registry)
                }
                None => self.annotation_only_column(attribute, annotation, stmt, registry),
            },
            (_, Some(_)) => {
                if let Some(value) = value {
                    self.warning(
                        value,
                        format!("attribute {attribute} is Mapped[...] but its value is not mapped_column(...); not read as a column"),
                        "write it as mapped_column(...) for retort to read it",
                    );
                }
                return;
            }
            _ => return,
        };
        seen.insert(attribute.to_string());
        table.columns.push(spec);
    }
}

/// The special attributes of a class body.
#[derive(Default)]
pub(super) struct ClassAttributes<'a> {
    table_name: Option<String>,
    /// `__tablename__` comes from a `@declared_attr` function: it applies to
    /// subclasses even when this class is mapped itself.
    declared_table_name: bool,
    table_args: Option<&'a Expr>,
    is_abstract: bool,
}

impl<'a> ClassAttributes<'a> {
    /// The class's own settings, `cls.__name__` read as `class_name` (the
    /// mapped class whose table is being named).
    fn of(
        class: &'a StmtClassDef,
        values: &Values<'_>,
        functions: &Functions<'_>,
        class_name: &str,
    ) -> Self {
        let mut attributes = ClassAttributes::default();
        for (target, value) in named_assignments(&class.body) {
            match target {
                "__tablename__" => attributes.table_name = constant_string(value, values),
                "__table_args__" => attributes.table_args = Some(value),
                "__abstract__" => attributes.is_abstract = boolean(value).unwrap_or(false),
                _ => {}
            }
        }
        for (name, _, value) in class.body.iter().filter_map(declared_attr) {
            match name {
                "__tablename__" => {
                    attributes.table_name =
                        class_name_expression(value, values, functions, class_name);
                    attributes.declared_table_name = true;
                }
                "__table_args__" => attributes.table_args = Some(value),
                _ => {}
            }
        }
        attributes
    }
}

/// A `@declared_attr` (or `@declared_attr.directive`, `.cascading`) function
/// whose body is one `return value`: SQLAlchemy calls it with the mapped
/// class, which is the same as the attribute `name: returns = value`.
pub(super) fn declared_attr(stmt: &Stmt) -> Option<(&str, Option<&Expr>, &Expr)> {
    let Stmt::FunctionDef(function) = stmt else {
        return None;
    };
    if !function
        .decorator_list
        .iter()
        .any(|d| mentions_declared_attr(&d.expression))
    {
        return None;
    }
    let body: Vec<&Stmt> = function
        .body
        .iter()
        .filter(|s| !matches!(s, Stmt::Expr(e) if e.value.is_string_literal_expr()))
        .collect();
    match body.as_slice() {
        [Stmt::Return(ret)] => Some((
            function.name.id.as_str(),
            function.returns.as_deref(),
            ret.value.as_deref()?,
        )),
        _ => None,
    }
}

pub(super) fn mentions_declared_attr(expr: &Expr) -> bool {
    match expr {
        Expr::Name(name) => name.id.as_str() == "declared_attr",
        Expr::Attribute(attr) => {
            attr.attr.id.as_str() == "declared_attr" || mentions_declared_attr(&attr.value)
        }
        Expr::Call(call) => mentions_declared_attr(&call.func),
        _ => false,
    }
}

/// A class body's statements in the order SQLAlchemy's declarative scan
/// meets their attributes: it merges the class `__dict__` (names with a
/// value, in definition order) with `__annotations__` (annotated names) the
/// way `sqlalchemy.util.merge_lists_w_ordering` does — follow one list until
/// a name both share, then switch to the other. Annotation-only attributes
/// can therefore come after later assignments. Statements that bind no
/// attribute name this way (methods, declared_attr functions) come first.
pub(super) fn attribute_order(class: &StmtClassDef) -> Vec<&Stmt> {
    let mut by_name: HashMap<&str, &Stmt> = HashMap::default();
    let mut in_dict: Vec<&str> = Vec::new();
    let mut annotated: Vec<&str> = Vec::new();
    let mut unnamed = Vec::new();
    for stmt in &class.body {
        let (name, has_value, is_annotated) = match stmt {
            Stmt::AnnAssign(a) => match &*a.target {
                Expr::Name(n) => (n.id.as_str(), a.value.is_some(), true),
                _ => continue,
            },
            Stmt::Assign(a) => match a.targets.as_slice() {
                [Expr::Name(n)] => (n.id.as_str(), true, false),
                _ => continue,
            },
            // A declared_attr function is a class attribute like any other.
            Stmt::FunctionDef(_) if declared_attr(stmt).is_some() => match declared_attr(stmt) {
                Some((name, _, _)) => (name, true, false),
                None => continue,
            },
            // Other methods are never annotated, so they cannot change the
            // merge; they are read first.
            _ => {
                unnamed.push(stmt);
                continue;
            }
        };
        // Python keeps a name's first position and its last value.
        by_name.insert(name, stmt);
        if has_value && !in_dict.contains(&name) {
            in_dict.push(name);
        }
        if is_annotated && !annotated.contains(&name) {
            annotated.push(name);
        }
    }
    let names = merge_lists_with_ordering(&in_dict, &annotated);
    unnamed
        .into_iter()
        .chain(names.iter().filter_map(|n| by_name.get(n).copied()))
        .collect()
}

/// `sqlalchemy.util.merge_lists_w_ordering`, exactly.
pub(super) fn merge_lists_with_ordering<'n>(a: &[&'n str], b: &[&'n str]) -> Vec<&'n str> {
    let mut overlap: HashSet<&str> = a.iter().filter(|x| b.contains(x)).copied().collect();
    let mut result = Vec::new();
    let (mut current, mut other) = (a.iter(), b.iter());
    loop {
        let mut switched = false;
        for &element in current.by_ref() {
            if overlap.remove(element) {
                std::mem::swap(&mut current, &mut other);
                switched = true;
                break;
            }
            result.push(element);
        }
        if !switched {
            result.extend(other.copied());
            return result;
        }
    }
}

/// `name = value` and `name: T = value` statements of a body, in order;
/// `a = b = value` binds both names, as in Python.
pub(super) fn named_assignments(body: &[Stmt]) -> impl Iterator<Item = (&str, &Expr)> {
    body.iter().flat_map(|stmt| {
        let (targets, value): (&[Expr], Option<&Expr>) = match stmt {
            Stmt::Assign(a) => (&a.targets, Some(&*a.value)),
            Stmt::AnnAssign(a) => (std::slice::from_ref(&*a.target), a.value.as_deref()),
            _ => (&[], None),
        };
        targets
            .iter()
            .filter_map(move |target| match (target, value) {
                (Expr::Name(name), Some(value)) => Some((name.id.as_str(), value)),
                _ => None,
            })
    })
}

pub(super) fn bases(class: &StmtClassDef) -> &[Expr] {
    class.arguments.as_deref().map_or(&[], |a| &a.args)
}

impl ModelReader<'_> {
    /// Why a mapped class's base is not followed, for the help of its
    /// warning: what the base is, and what retort does follow.
    fn unfollowed_base_help(&self, class: &StmtClassDef) -> String {
        let follows = "retort follows classes that derive from DeclarativeBase or from a base made by declarative_base(), in this file or in a module of the project it imports";
        for base in bases(class) {
            let written = match base {
                Expr::Name(name) => name.id.as_str().to_string(),
                Expr::Attribute(a) => match &*a.value {
                    Expr::Name(owner) => format!("{}.{}", owner.id.as_str(), a.attr.id.as_str()),
                    _ => a.attr.id.as_str().to_string(),
                },
                _ => continue,
            };
            if let Expr::Name(name) = base
                && self
                    .imports(base)
                    .and_then(|imports| imports.path(base))
                    .is_some_and(|p| p.first() != Some(&"builtins"))
            {
                return format!(
                    "its base {} is imported from a module that was not read; give retort the model file inside its package, or the package folder, so the import is followed; {follows}",
                    name.id.as_str()
                );
            }
            if matches!(base, Expr::Attribute(a) if a.attr.id.as_str() == "Model") {
                return format!(
                    "its base {written} looks like Flask-SQLAlchemy's db.Model, but no db = SQLAlchemy() was read; give retort the model file inside its package, or the package folder, so the import of db is followed"
                );
            }
            if self.classes.contains_key(&written) || self.values.contains_key(written.as_str()) {
                return format!(
                    "its base {written} is defined in the models, but not as a declarative base retort knows; {follows}"
                );
            }
        }
        follows.to_string()
    }
}

/// Flask-SQLAlchemy's table name for a class: `UserRole` → `user_role`,
/// `HTTPLog` → `http_log` (its `camel_to_snake_case`: an underscore before
/// a capital that follows a lowercase letter or digit, or that starts a
/// capitalised word, then lowercased).
pub(super) fn snake_case(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            let after_lower = chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit();
            let starts_word = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if after_lower || starts_word {
                out.push('_');
            }
        }
        out.push(c.to_ascii_lowercase());
    }
    out.trim_start_matches('_').to_string()
}
