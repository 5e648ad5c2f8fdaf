//! What the compiled pack form ([`crate::pack::compiled`], serde derives written with postcard)
//! needs beyond the derives, shared by every layer that has a part in it: the first problem met
//! while decoding, in words.
//!
//! postcard keeps no text of a deserialiser's own errors (`Error::custom` becomes "Serde
//! Deserialization Error"), so a check that refuses decoded bytes (an unknown built-in, a tree
//! too deep, a slot out of range) calls [`refuse`], which records its words here for the
//! compiled form to report with the byte offset.

use std::cell::RefCell;
use std::fmt::Display;

thread_local! {
    static PROBLEM: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// A deserialisation error saying `what`; the words are kept for [`take_problem`] (the first
/// problem wins).
pub(crate) fn refuse<E: serde::de::Error>(what: impl Display) -> E {
    let text = what.to_string();
    PROBLEM.with(|p| {
        let mut p = p.borrow_mut();
        if p.is_none() {
            *p = Some(text.clone());
        }
    });
    E::custom(text)
}

/// The words of the first [`refuse`] since the last call, if any.
pub(crate) fn take_problem() -> Option<String> {
    PROBLEM.with(|p| p.borrow_mut().take())
}
