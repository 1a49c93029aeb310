//! `retort revision [--autogenerate] -m MSG` inside an Alembic project:
//! the next revision written into the project's versions folder, as
//! `alembic revision --autogenerate` writes it — the database being the
//! revisions replayed to the head, so no database is needed. Its parent
//! is the single head (Alembic's error on several, unless `--head`), its
//! file name follows `file_template`, its text the project's own
//! `script.py.mako`.

use crate::out::outln;
use std::path::PathBuf;
use std::process::ExitCode;

use retort_core::autogen::{self, Choices, PlanRequest, truncated_slug};
use retort_core::op::Migration;
use retort_core::project::check::comparable;
use retort_core::project::template::{self, Clock, Fields};
use retort_core::render::{self, RenderOptions};

use crate::files::read_text;
use crate::project::{Project, ProjectArgs, discover};
use crate::versions::{replay, report};

/// What `retort revision` is asked in a project.
pub struct Request<'a> {
    pub project: &'a ProjectArgs,
    pub autogenerate: bool,
    pub message: Option<&'a str>,
    pub rev_id: String,
    pub head: Option<&'a str>,
    pub choices: Choices,
    pub clock: Clock,
    pub create_date: String,
}

pub fn run(request: Request<'_>) -> ExitCode {
    let project = match discover(request.project) {
        Ok(project) => project,
        Err(code) => return code,
    };
    let folder = match project.folder() {
        Ok(folder) => folder,
        Err(code) => return code,
    };
    if report(&folder) {
        return ExitCode::from(1);
    }
    // The parent: the one head, or the one asked for.
    let parent: Option<usize> = match request.head {
        Some(head) => match folder.graph.resolve(head) {
            Ok(found) if found.len() == 1 => Some(found[0]),
            Ok(found) if found.is_empty() => None,
            Ok(_) => {
                eprintln!("FAILED: {head} names several revisions; give one head");
                return ExitCode::from(1);
            }
            Err(error) => {
                eprintln!("FAILED: {error}");
                return ExitCode::from(1);
            }
        },
        None => {
            let heads = folder.graph.heads();
            if heads.len() > 1 {
                eprintln!(
                    "FAILED: Multiple heads are present; please specify the head revision on which the new revision should be based, or perform a merge."
                );
                return ExitCode::from(1);
            }
            heads.first().and_then(|h| folder.graph.find(h))
        }
    };
    let parent_id = parent.map(|p| folder.graph.node(p).id.clone());
    // The versions folder: the only one, or the parent's.
    let dir: PathBuf = match (&project.version_dirs[..], parent) {
        ([only], _) => only.clone(),
        (_, Some(p)) => folder
            .file_of(p)
            .path
            .parent()
            .map_or_else(|| project.version_dirs[0].clone(), |d| d.to_path_buf()),
        (_, None) => {
            eprintln!("FAILED: Multiple version locations present, please specify --version-path");
            return ExitCode::from(1);
        }
    };
    let (migration_plan, database_enums) = if request.autogenerate {
        let (database, _) = match replay(folder, parent_id.as_deref().unwrap_or("base")) {
            Ok(replayed) => replayed,
            Err(code) => return code,
        };
        let models = match project.models(request.project) {
            Ok(models) => models,
            Err(code) => return code,
        };
        let (before, after) = comparable(&database, &models.schema, &project.env.options);
        let mut choices = request.choices.clone();
        choices.batch |= project.env.options.render_as_batch.unwrap_or(false);
        let plan = autogen::plan(&PlanRequest {
            before: &before,
            after: &after,
            choices: &choices,
            message: request.message.unwrap_or(""),
            rev_id: &request.rev_id,
            down_revision: parent_id.as_deref(),
            create_date: &request.create_date,
        });
        for fill in plan.backfills.iter().filter(|f| !f.given) {
            eprintln!(
                "warning: {}.{} is NOT NULL without a default: existing rows get {} (choose with --backfill {}.{}=EXPR)",
                fill.table.name, fill.column, fill.expression, fill.table.name, fill.column
            );
        }
        let revisions: Vec<(String, Option<String>, String, Migration)> = plan
            .revisions
            .into_iter()
            .map(|r| (r.id, r.down_revision, r.message, r.migration))
            .collect();
        (revisions, plan.database_enums)
    } else {
        let message = request.message.unwrap_or("").to_string();
        (
            vec![(
                request.rev_id.clone(),
                parent_id,
                message,
                Migration::default(),
            )],
            Vec::new(),
        )
    };
    let template = read_text(&project.script_dir.join("script.py.mako")).ok();
    let ctx = RenderOptions {
        database_enums: &database_enums,
        batch: request.choices.batch || project.env.options.render_as_batch.unwrap_or(false),
    };
    for (id, down, message, migration) in &migration_plan {
        let text = write_text(
            &project,
            template.as_deref(),
            &request,
            id,
            down.as_deref(),
            message,
            migration,
            &ctx,
        );
        let slug = truncated_slug(message, project.config.truncate_slug_length);
        let name =
            match template::file_name(&project.config.file_template, id, &slug, request.clock) {
                Ok(name) => name,
                Err(error) => {
                    eprintln!("{}: error: {error}", project.config_path.display());
                    return ExitCode::from(2);
                }
            };
        let path = dir.join(name);
        if let Err(error) = std::fs::write(&path, text) {
            eprintln!("{}: cannot write: {error}", path.display());
            return ExitCode::from(2);
        }
        outln!("Generating {} ...  done", path.display());
    }
    ExitCode::SUCCESS
}

/// The revision's text: the project's template filled in, or Alembic's
/// own layout where the template goes beyond what retort renders (said).
#[allow(clippy::too_many_arguments)]
fn write_text(
    project: &Project,
    template: Option<&str>,
    request: &Request<'_>,
    id: &str,
    down: Option<&str>,
    message: &str,
    migration: &Migration,
    ctx: &RenderOptions<'_>,
) -> String {
    let header = render::RevisionHeader {
        message: if request.message.is_none() {
            "None"
        } else {
            message
        },
        rev_id: id,
        down_revision: down,
        create_date: &request.create_date,
    };
    let Some(template) = template else {
        eprintln!(
            "{}: warning: no script.py.mako; the revision is written in Alembic's own template",
            project.script_dir.display()
        );
        return render::revision(&header, migration, ctx);
    };
    let parts = render::parts(migration, ctx);
    let downs: Vec<String> = down.map(str::to_string).into_iter().collect();
    let fields = Fields {
        message: header.message,
        up_revision: id,
        down_revisions: &downs,
        branch_labels: &[],
        depends_on: &[],
        create_date: &request.create_date,
        imports: &parts.imports,
        // Autogenerate always writes its command block (with `pass` when
        // empty); a plain revision leaves the template's own `pass`.
        upgrades: if request.autogenerate {
            &parts.upgrades
        } else {
            ""
        },
        downgrades: if request.autogenerate {
            &parts.downgrades
        } else {
            ""
        },
    };
    match template::render(template, &fields) {
        Ok(text) => text,
        Err(unsupported) => {
            eprintln!(
                "{}:{}: warning: retort does not render {} of this script.py.mako; the revision is written in Alembic's own template",
                project.script_dir.join("script.py.mako").display(),
                unsupported.line,
                unsupported.what
            );
            render::revision(&header, migration, ctx)
        }
    }
}
