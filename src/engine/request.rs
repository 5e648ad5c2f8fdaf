//! A validation's options as a shell receives them, as text (the service's query, Python's
//! keyword arguments): read and checked once here, so that every shell refuses the same things
//! in the same words.

use chrono::NaiveDate;

use super::{Mode, Options};
use crate::pack::{Lang, Pack};

impl Pack {
    /// [`Options`] from text: `lang` a BCP 47 tag this pack has a language for (`kk-KZ` finds
    /// `kk`), `as_of` a `YYYY-MM-DD` date, `mode` `submit` (the default; `full`, its former name, is taken too) or `draft`; the rest of
    /// [`Options::default`]. On a bad value, why, in words that name it.
    pub fn options_from_text(&self, lang: Option<&str>, as_of: Option<&str>, mode: Option<&str>) -> Result<Options, String> {
        let as_of = match as_of {
            Some(d) => Some(d.parse::<NaiveDate>().map_err(|_| format!("as_of `{d}`: not a valid YYYY-MM-DD date"))?),
            None => None,
        };
        if let Some(l) = lang {
            let tag = Lang::new(l).map_err(|e| format!("lang `{l}`: {e}"))?;
            if tag.lookup(&self.languages).is_none() {
                let have: Vec<&str> = self.languages.iter().map(Lang::code).collect();
                return Err(format!("the pack has no language `{l}` (it has {})", have.join(", ")));
            }
        }
        let mode = match mode {
            // `full`: what the service and Python called the whole verdict before draft mode.
            None | Some("submit" | "full") => Mode::Submit,
            Some("draft") => Mode::Draft,
            Some(m) => return Err(format!("mode `{m}`: unknown (`submit` or `draft`)")),
        };
        Ok(Options { as_of, lang: lang.map(str::to_string), mode, ..Options::default() })
    }
}
