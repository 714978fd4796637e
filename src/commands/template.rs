use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::Ctx;
use crate::input;
use crate::output::{DIM, HEADING, ID};
use crate::template::{self, Template};
use crate::Result;

/// Templates for recurring check-ins: a title and agenda notes
///
/// `coach session new MEMBER --template NAME` starts a session with the
/// template's title and its agenda as the first shared notes. The agenda is
/// Markdown; a line of "---" (after a blank line) starts the next note, so
/// each talking point can be its own note. examples/templates/ has a weekly
/// check-in and a monthly goal-setting template to start from.
#[derive(Debug, Subcommand)]
#[command(
    after_help = "Examples:\n  coach template add weekly --title \"Weekly check-in\" --agenda-file examples/templates/weekly-check-in.md\n  coach template add \"monthly goals\" --title \"Monthly goal-setting\" --agenda-file examples/templates/monthly-goals.md\n  coach template list\n  coach session new alex --template weekly\n  coach template rm weekly"
)]
pub enum TemplateCommand {
    /// Add a template
    Add(AddArgs),
    /// List the templates, by name
    List,
    /// Show a template's title and agenda
    Show(ShowArgs),
    /// Delete a template (sessions started from it keep their notes)
    Rm(ShowArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The template's name, a word or a short phrase (unique, ignoring
    /// case): what `session new --template` takes
    name: String,
    /// The title of the sessions started from it, e.g. "Weekly check-in"
    #[arg(long, short)]
    title: String,
    /// Read the agenda (Markdown) from a file
    #[arg(long, short = 'f', value_name = "FILE", conflicts_with = "agenda")]
    agenda_file: Option<PathBuf>,
    /// The agenda (Markdown); a line of "---" after a blank line starts the
    /// next note
    #[arg(long, allow_hyphen_values = true, short, value_name = "TEXT")]
    agenda: Option<String>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The template: its name (ignoring case) or the beginning of its id
    template: String,
}

pub(super) fn run(ctx: &Ctx, command: TemplateCommand) -> Result<()> {
    match command {
        TemplateCommand::Add(args) => {
            let agenda = match &args.agenda_file {
                Some(path) => Some(read_agenda(path)?),
                None => args.agenda.clone(),
            };
            let template = ctx
                .store()?
                .write(|tx| template::add(tx, &args.name, &args.title, agenda.as_deref()))?;
            print_one(ctx, &template, "Added")
        }
        TemplateCommand::List => {
            let templates = ctx.store()?.read(template::list)?;
            print_list(ctx, &templates)
        }
        TemplateCommand::Show(args) => {
            let template = ctx
                .store()?
                .read(|tx| template::resolve(tx, &args.template))?;
            show(ctx, &template)
        }
        TemplateCommand::Rm(args) => {
            let template = ctx.store()?.write(|tx| {
                let template = template::resolve(tx, &args.template)?;
                template::remove(tx, &template)?;
                Ok(template)
            })?;
            print_one(ctx, &template, "Deleted")
        }
    }
}

/// An agenda file: regular, UTF-8, at most as large as a note.
fn read_agenda(path: &std::path::Path) -> Result<String> {
    input::read_file(path, "an agenda", crate::note::MAX_BODY)
}

fn print_one(ctx: &Ctx, template: &Template, verb: &str) -> Result<()> {
    if ctx.out.json {
        return ctx.out.print_json(template);
    }
    if ctx.out.quiet {
        return ctx.out.line(&template.id);
    }
    ctx.out.line(format!(
        "{verb} the template {} \"{}\" ({})",
        ctx.out.paint(&template.short_id, ID),
        template.name,
        agenda_summary(template)
    ))
}

fn show(ctx: &Ctx, template: &Template) -> Result<()> {
    if ctx.out.json {
        return ctx.out.print_json(template);
    }
    if ctx.out.quiet {
        return ctx.out.line(&template.id);
    }
    let mut text = format!(
        "{} {}\nTitle:   {}\nAgenda:  {}\n",
        ctx.out.paint(&template.name, HEADING),
        ctx.out.paint(&template.short_id, ID),
        template.title,
        agenda_summary(template)
    );
    if let Some(agenda) = &template.agenda {
        for (index, part) in template::agenda_parts(agenda).iter().enumerate() {
            let heading = format!("Note {}", index + 1);
            text.push_str(&format!("\n  {}\n", ctx.out.paint(&heading, DIM)));
            for line in part.lines() {
                text.push_str(&format!("    {line}\n"));
            }
        }
    }
    ctx.out.line(text.trim_end())
}

fn print_list(ctx: &Ctx, templates: &[Template]) -> Result<()> {
    if ctx.out.json {
        return ctx.out.print_json(templates);
    }
    if ctx.out.quiet {
        return ctx.out.print_ids(templates.iter().map(|t| t.id.as_str()));
    }
    let rows = templates
        .iter()
        .map(|t| {
            vec![
                t.short_id.clone(),
                t.name.clone(),
                t.title.clone(),
                agenda_summary(t),
            ]
        })
        .collect();
    ctx.out.print_table(
        &["ID", "NAME", "TITLE", "AGENDA"],
        rows,
        "no templates; add one with: coach template add weekly --title \"Weekly check-in\" --agenda-file FILE",
    )
}

/// "3 agenda notes", "1 agenda note" or "no agenda".
fn agenda_summary(template: &Template) -> String {
    match template
        .agenda
        .as_deref()
        .map(|a| template::agenda_parts(a).len())
    {
        None | Some(0) => "no agenda".to_string(),
        Some(1) => "1 agenda note".to_string(),
        Some(n) => format!("{n} agenda notes"),
    }
}
