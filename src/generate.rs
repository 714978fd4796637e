//! Files generated from the clap definitions: shell completion scripts and
//! man pages. Used by `coach completions` and by the test that keeps the
//! checked-in `completions/` and `man/` current.

use clap::CommandFactory;
use clap_complete::env::Shells;

use crate::cli::Cli;
use crate::{Error, Result};

/// The shells coach completes in, with the file name of each script in
/// `completions/` (the names packagers expect).
pub const SHELLS: &[(&str, &str)] = &[
    ("bash", "coach.bash"),
    ("zsh", "_coach"),
    ("fish", "coach.fish"),
    ("powershell", "_coach.ps1"),
    ("elvish", "coach.elv"),
];

/// The completion script for `shell`. It registers clap_complete's dynamic
/// engine: on Tab, the shell runs `COMPLETE=<shell> coach ...`, which
/// completes flags and values from the database (members, sessions, ...).
pub fn completion_script(shell: &str) -> Result<Vec<u8>> {
    let shells = Shells::builtins();
    let completer = shells
        .completer(shell)
        .ok_or_else(|| Error::input(format!("coach cannot complete in \"{shell}\"")))?;
    let mut script = Vec::new();
    completer
        .write_registration("COMPLETE", "coach", "coach", "coach", &mut script)
        .map_err(|e| Error::io("cannot write the completion script", e))?;
    Ok(script)
}

/// Every man page: `coach.1` and one per subcommand (`coach-session-new.1`).
pub fn man_pages() -> Result<Vec<(String, Vec<u8>)>> {
    let mut cmd = Cli::command();
    cmd.build();
    let mut pages = Vec::new();
    let mut top = Vec::new();
    let man = clap_mangen::Man::new(cmd.clone()).manual("coach manual");
    man.render(&mut top).map_err(render_failed)?;
    top.extend_from_slice(TOP_LEVEL_SECTIONS.as_bytes());
    pages.push(("coach.1".to_string(), top));
    add_subcommand_pages(&cmd, "coach", &mut pages)?;
    Ok(pages)
}

fn add_subcommand_pages(
    cmd: &clap::Command,
    prefix: &str,
    pages: &mut Vec<(String, Vec<u8>)>,
) -> Result<()> {
    for sub in cmd
        .get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
    {
        let name = format!("{prefix}-{}", sub.get_name());
        let page = sub
            .clone()
            .name(name.clone())
            .display_name(name.clone())
            .bin_name(name.replace('-', " "));
        let mut text = Vec::new();
        clap_mangen::Man::new(page.clone())
            .manual("coach manual")
            .render(&mut text)
            .map_err(render_failed)?;
        text.extend_from_slice(b".SH SEE ALSO\n\\fBcoach\\fR(1)\n");
        pages.push((format!("{name}.1"), text));
        add_subcommand_pages(sub, &name, pages)?;
    }
    Ok(())
}

fn render_failed(err: std::io::Error) -> Error {
    Error::io("cannot render the man page", err)
}

/// The sections of `coach.1` that clap does not know about.
const TOP_LEVEL_SECTIONS: &str = r#".SH EXAMPLES
A whole weekly check\-in:
.PP
.nf
coach init \-\-name "Sam Lee" \-\-email sam@example.com
coach member add "Alex Kim" \-\-email alex@example.com \-\-team Support
coach session new alex \-\-title "Weekly check\-in" \-\-date tomorrow
coach note add "Celebrate the CSAT streak"
coach note add \-\-private "Ask about workload first"
coach session show
coach session show \-\-as\-member
.fi
.SH FILES
.TP
\fI~/.local/share/coach/coach.db\fR
The database: one SQLite file per user (the platform's data folder; \fBCOACH_DB\fR or \fB\-\-db\fR choose another).
.TP
\fIattachments/\fR
Beside the database: the files added with \fBcoach attach\fR, stored once per content under their SHA\-256.
.TP
\fIoutbox/\fR
Beside the database: agendas and recaps written as .eml files by the default \fBoutbox\fR mail transport.
.SH ENVIRONMENT
.TP
\fBCOACH_DB\fR
The database file to use, like \fB\-\-db\fR.
.TP
\fBCOACH_SMTP_PASSWORD\fR
The SMTP password, never stored; or set \fBmail.smtp.password\-command\fR.
.TP
\fBNO_COLOR\fR
When set and not empty, no colours (with \fB\-\-color auto\fR).
.TP
\fBVISUAL\fR, \fBEDITOR\fR
The editor \fBcoach note add\fR opens when no text is given on a terminal.
.TP
\fBCOMPLETE\fR
Set by the completion scripts (\fBcoach completions\fR) when the shell asks for completions.
.SH EXIT STATUS
.TP
\fB0\fR
Success.
.TP
\fB1\fR
An unexpected internal error.
.TP
\fB2\fR
Usage: an unknown command or option, or a question that cannot be asked without a terminal (pass the flag the message names).
.TP
\fB3\fR
Not found or bad input: nothing was changed.
.TP
\fB4\fR
The database is unavailable (cannot be opened, busy, not a coach database, or from a newer coach): nothing was changed.
.TP
\fB75\fR
A temporary failure, such as a mail server that is down: run the command again later.
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_tree_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_command_and_flag_is_described() {
        fn check(cmd: &clap::Command, path: &str) {
            assert!(cmd.get_about().is_some(), "`{path}` has no description");
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if id == "help" || id == "version" {
                    continue;
                }
                assert!(arg.get_help().is_some(), "`{path} {id}` has no description");
            }
            for sub in cmd.get_subcommands() {
                check(sub, &format!("{path} {}", sub.get_name()));
            }
        }
        let mut cmd = Cli::command();
        cmd.build();
        check(&cmd, "coach");
    }

    #[test]
    fn every_shell_has_a_script() {
        for (shell, _) in SHELLS {
            let script = completion_script(shell).expect("script");
            assert!(
                String::from_utf8_lossy(&script).contains("COMPLETE"),
                "{shell}"
            );
        }
        assert!(completion_script("tcsh").is_err());
    }
}
