//! Questions on a terminal. Every question has a flag that answers it, and
//! without a terminal (or with `--no-input`) asking is an error that names
//! that flag.

use std::io::{IsTerminal, Write};

use dialoguer::theme::ColorfulTheme;
use dialoguer::{Confirm, FuzzySelect, Input, MultiSelect};

use crate::{Error, Result};

/// Asks questions, when it may.
#[derive(Debug, Clone)]
pub struct Prompter {
    enabled: bool,
}

impl Prompter {
    /// Questions are allowed when standard input and standard error are
    /// terminals and `--no-input` was not given.
    pub fn new(no_input: bool) -> Prompter {
        Prompter {
            enabled: !no_input && std::io::stdin().is_terminal() && std::io::stderr().is_terminal(),
        }
    }

    /// Whether questions can be asked.
    pub fn enabled(&self) -> bool {
        self.enabled
    }

    /// The error for a question that cannot be asked: `what` is needed,
    /// `instead` says what to pass.
    pub fn cannot_ask(what: &str, instead: &str) -> Error {
        Error::usage(format!(
            "{what} is needed, and there is no terminal to ask on"
        ))
        .with_hint(instead.to_string())
    }

    fn ensure(&self, what: &str, instead: &str) -> Result<()> {
        if self.enabled {
            Ok(())
        } else {
            Err(Self::cannot_ask(what, instead))
        }
    }

    /// Asks a yes/no question (default no).
    pub fn confirm(&self, question: &str, instead: &str) -> Result<bool> {
        self.ensure("a confirmation", instead)?;
        Confirm::with_theme(&ColorfulTheme::default())
            .with_prompt(question)
            .default(false)
            .interact_opt()
            .map(|answer| answer.unwrap_or(false))
            .map_err(prompt_failed)
    }

    /// Offers `items` to pick one from, with fuzzy search; `what` names
    /// what is picked.
    pub fn pick(&self, what: &str, prompt: &str, items: &[String], instead: &str) -> Result<usize> {
        self.ensure(what, instead)?;
        FuzzySelect::with_theme(&ColorfulTheme::default())
            .with_prompt(prompt)
            .items(items)
            .default(0)
            .interact_opt()
            .map_err(prompt_failed)?
            .ok_or_else(|| Error::usage("cancelled; nothing was changed"))
    }

    /// Offers `items` to tick any number of, all ticked at first; returns
    /// the indexes of the ticked ones. `what` names what is picked.
    pub fn pick_many(
        &self,
        what: &str,
        prompt: &str,
        items: &[String],
        instead: &str,
    ) -> Result<Vec<usize>> {
        self.ensure(what, instead)?;
        MultiSelect::with_theme(&ColorfulTheme::default())
            .with_prompt(prompt)
            .items(items)
            .defaults(&vec![true; items.len()])
            .interact_opt()
            .map_err(prompt_failed)?
            .ok_or_else(|| Error::usage("cancelled; nothing was changed"))
    }

    /// Asks for a line of text.
    pub fn input(&self, what: &str, prompt: &str, instead: &str) -> Result<String> {
        self.ensure(what, instead)?;
        Input::<String>::with_theme(&ColorfulTheme::default())
            .with_prompt(prompt)
            .interact_text()
            .map_err(prompt_failed)
    }

    /// Opens `$VISUAL`/`$EDITOR` on `initial`; `None` when the buffer was
    /// not saved.
    ///
    /// The text is read back with a bound (`max` bytes, checked while
    /// reading, [`crate::input`]), as from a file.
    pub fn edit(&self, what: &str, initial: &str, instead: &str, max: u64) -> Result<String> {
        self.ensure(what, instead)?;
        let editor = std::env::var("VISUAL")
            .or_else(|_| std::env::var("EDITOR"))
            .unwrap_or_else(|_| "vi".to_string());
        edit_with(&editor, what, initial, max)
    }
}

/// Writes `initial` to a private temporary `.md` file, runs `editor` on
/// it (a shell command line, as $VISUAL and $EDITOR are), reads it back.
fn edit_with(editor: &str, what: &str, initial: &str, max: u64) -> Result<String> {
    let cannot = |e| Error::io("cannot run the editor ($VISUAL or $EDITOR)", e);
    let mut file = tempfile::Builder::new()
        .prefix("coach-")
        .suffix(".md")
        .tempfile()
        .map_err(cannot)?;
    file.write_all(initial.as_bytes()).map_err(cannot)?;
    file.flush().map_err(cannot)?;
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(file.path())
        .status()
        .map_err(cannot)?;
    if !status.success() {
        return Err(Error::input(format!(
            "the editor ({editor}) failed ({status}); nothing was saved"
        )));
    }
    crate::input::read_file(file.path(), what, max)
}

fn prompt_failed(err: dialoguer::Error) -> Error {
    match err {
        dialoguer::Error::IO(e) => Error::io("cannot ask on the terminal", e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_editor_s_text_is_read_back_bounded() {
        let text = edit_with("sed -i s/draft/final/", "the note", "a draft", 1 << 20).unwrap();
        assert_eq!(text, "a final");
        let err = edit_with(
            "sh -c 'head -c 3000000 /dev/zero > \"$0\"'",
            "the note",
            "",
            1 << 20,
        )
        .unwrap_err();
        assert!(err.message().contains("larger than 1 MiB"), "{err}");
        assert!(edit_with("false", "the note", "", 10).is_err());
    }
}
