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

use serde::Deserialize;

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

/// A text read as its bytes (postcard writes a text and bytes alike), checked with simdutf8 as the
/// document parser checks its input (`#[serde(deserialize_with = "crate::wire::text")]`):
/// postcard's own `&str` checks with core's `from_utf8`, which reads Cyrillic one character at
/// a time (the messages of a pack are most of its texts). simdutf8 leaves a text shorter than its
/// 64-byte block to core's check: such a text that is not ASCII is checked in a block of its own,
/// padded with zero bytes (ASCII, so the padding changes nothing but where the text ends).
pub(crate) fn text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    owned_text(<&[u8]>::deserialize(d)?).ok_or_else(|| refuse("a text that is not UTF-8"))
}

/// `bytes` as a text of its own when they are UTF-8, checked as [`text`] checks them.
pub(crate) fn owned_text(bytes: &[u8]) -> Option<String> {
    simdutf8::basic::from_utf8(bytes).ok().map(str::to_owned)
}

/// Dates, datetimes, UTC offsets and decimals as numbers (`#[serde(with = "crate::wire::compact")]`,
/// on a field of any shape built of them, [`Option`], [`Vec`] and pairs): a date as its day from
/// the common era, a datetime as its seconds, nanoseconds and offset, a decimal as its mantissa
/// and scale. chrono's own serde writes ISO text, and reading it back would bring chrono's parser
/// into the WebAssembly validator (and rust_decimal's text, its parser).
pub(crate) mod compact {
    use chrono::{DateTime, Datelike, FixedOffset, NaiveDate};
    use serde::de::DeserializeOwned;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// A value and its numeric form.
    pub(crate) trait Compact: Sized {
        type Wire: Serialize + DeserializeOwned;
        fn to_wire(&self) -> Self::Wire;
        fn from_wire(w: Self::Wire) -> Option<Self>;
    }

    impl Compact for NaiveDate {
        type Wire = i32;
        fn to_wire(&self) -> i32 {
            self.num_days_from_ce()
        }
        fn from_wire(w: i32) -> Option<Self> {
            NaiveDate::from_num_days_from_ce_opt(w)
        }
    }

    impl Compact for FixedOffset {
        type Wire = i32;
        fn to_wire(&self) -> i32 {
            self.local_minus_utc()
        }
        fn from_wire(w: i32) -> Option<Self> {
            FixedOffset::east_opt(w)
        }
    }

    impl Compact for DateTime<FixedOffset> {
        type Wire = (i64, u32, i32);
        fn to_wire(&self) -> Self::Wire {
            (self.timestamp(), self.timestamp_subsec_nanos(), self.offset().local_minus_utc())
        }
        fn from_wire((secs, nanos, offset): Self::Wire) -> Option<Self> {
            Some(DateTime::from_timestamp(secs, nanos)?.with_timezone(&FixedOffset::east_opt(offset)?))
        }
    }

    /// A decimal as its mantissa and scale: its text would bring `rust_decimal`'s string
    /// parser into the WebAssembly validator (≈ 9 KB of code), and read back it is the same
    /// number with the same scale.
    impl Compact for rust_decimal::Decimal {
        type Wire = (i128, u32);
        fn to_wire(&self) -> (i128, u32) {
            (self.mantissa(), self.scale())
        }
        fn from_wire((m, s): (i128, u32)) -> Option<Self> {
            rust_decimal::Decimal::try_from_i128_with_scale(m, s).ok()
        }
    }

    /// Parts written as they are.
    macro_rules! same {
        ($($t:ty),*) => {$(
            impl Compact for $t {
                type Wire = $t;
                fn to_wire(&self) -> $t {
                    self.clone()
                }
                fn from_wire(w: $t) -> Option<$t> {
                    Some(w)
                }
            }
        )*};
    }
    same!(bool, String);

    impl<T: Compact> Compact for Option<T> {
        type Wire = Option<T::Wire>;
        fn to_wire(&self) -> Self::Wire {
            self.as_ref().map(T::to_wire)
        }
        fn from_wire(w: Self::Wire) -> Option<Self> {
            match w {
                None => Some(None),
                Some(w) => T::from_wire(w).map(Some),
            }
        }
    }

    impl<T: Compact> Compact for Vec<T> {
        type Wire = Vec<T::Wire>;
        fn to_wire(&self) -> Self::Wire {
            self.iter().map(T::to_wire).collect()
        }
        fn from_wire(w: Self::Wire) -> Option<Self> {
            w.into_iter().map(T::from_wire).collect()
        }
    }

    impl<A: Compact, B: Compact> Compact for (A, B) {
        type Wire = (A::Wire, B::Wire);
        fn to_wire(&self) -> Self::Wire {
            (self.0.to_wire(), self.1.to_wire())
        }
        fn from_wire((a, b): Self::Wire) -> Option<Self> {
            Some((A::from_wire(a)?, B::from_wire(b)?))
        }
    }

    impl<A: Compact, B: Compact, C: Compact> Compact for (A, B, C) {
        type Wire = (A::Wire, B::Wire, C::Wire);
        fn to_wire(&self) -> Self::Wire {
            (self.0.to_wire(), self.1.to_wire(), self.2.to_wire())
        }
        fn from_wire((a, b, c): Self::Wire) -> Option<Self> {
            Some((A::from_wire(a)?, B::from_wire(b)?, C::from_wire(c)?))
        }
    }

    pub(crate) fn serialize<T: Compact, S: Serializer>(v: &T, s: S) -> Result<S::Ok, S::Error> {
        v.to_wire().serialize(s)
    }

    pub(crate) fn deserialize<'de, T: Compact, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
        T::from_wire(T::Wire::deserialize(d)?).ok_or_else(|| super::refuse("a number, date, time or UTC offset out of range"))
    }
}
