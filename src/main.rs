use std::process::ExitCode;

use clap::Parser;
use coach::cli::Cli;
use coach::output::Output;

fn main() -> ExitCode {
    // A shell asking for completions (COMPLETE=<shell> coach ...) is
    // answered here, and the process exits.
    clap_complete::CompleteEnv::with_factory(coach::complete::command).complete();

    let cli = Cli::parse();
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
