use std::io::Write;
use std::process::ExitCode;

use coach::output::Output;

fn main() -> ExitCode {
    if let Some(code) = version_only() {
        return code;
    }
    // A shell asking for completions (COMPLETE=<shell> coach ...) is
    // answered here, and the process exits.
    coach::complete::answer_shell();

    let cli = match coach::cli::parse() {
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

/// `coach --version` (or `-V`) and nothing else: answered as clap answers
/// it, before clap builds the command tree (which was half of the
/// instructions of the whole command).
fn version_only() -> Option<ExitCode> {
    let mut args = std::env::args_os().skip(1);
    let (Some(arg), None) = (args.next(), args.next()) else {
        return None;
    };
    if arg != "--version" && arg != "-V" {
        return None;
    }
    let mut stdout = std::io::stdout().lock();
    // As clap: a closed pipe is not an error.
    let _ = writeln!(stdout, "coach {}", env!("CARGO_PKG_VERSION"));
    Some(ExitCode::SUCCESS)
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
