use std::process::ExitCode;

use clap::Parser;
use coach::cli::Cli;
use coach::output::Output;

fn main() -> ExitCode {
    // A shell asking for completions (COMPLETE=<shell> coach ...) is
    // answered here, and the process exits.
    clap_complete::CompleteEnv::with_factory(coach::complete::command).complete();

    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return usage_error(&err),
    };
    let out = Output::new(cli.json, cli.quiet, cli.color);
    match coach::run(cli, &out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if err.is_broken_pipe() => ExitCode::SUCCESS,
        Err(err) => {
            out.report(&err);
            ExitCode::from(err.kind().exit_code())
        }
    }
}

/// A command line clap refused: its own report, or with `--json` the
/// error as one JSON object on standard error (help and version print as
/// usual).
fn usage_error(err: &clap::Error) -> ExitCode {
    let wants_json = std::env::args_os().any(|a| a == "--json");
    if !wants_json || !err.use_stderr() {
        err.exit();
    }
    let rendered = err.render().to_string();
    let message = rendered
        .lines()
        .next()
        .unwrap_or_default()
        .trim_start_matches("error: ");
    let code = u8::try_from(err.exit_code()).unwrap_or(2);
    coach::output::report_json(message, Some("coach --help shows the usage"), code);
    ExitCode::from(code)
}
