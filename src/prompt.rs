//! Questions on a terminal. Every question has a flag that answers it, and
//! without a terminal (or with `--no-input`) asking is an error that names
//! that flag.

use std::io::IsTerminal;

use dialoguer::theme::ColorfulTheme;
use dialoguer::{Confirm, Editor, FuzzySelect, Input, MultiSelect};

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
    pub fn edit(&self, what: &str, initial: &str, instead: &str) -> Result<Option<String>> {
        self.ensure(what, instead)?;
        Editor::new()
            .extension(".md")
            .require_save(true)
            .edit(initial)
            .map_err(|dialoguer::Error::IO(e)| {
                Error::io("cannot run the editor ($VISUAL or $EDITOR)", e)
            })
    }
}

fn prompt_failed(err: dialoguer::Error) -> Error {
    match err {
        dialoguer::Error::IO(e) => Error::io("cannot ask on the terminal", e),
    }
}
