//! A compiled pack's body is untrusted bytes: a length prefix claiming more than the bytes left
//! makes postcard's reader refuse it before anything is reserved for it, and what serde
//! reserves for a sequence that could fit is capped (1 MiB), so damaged bytes cost bounded
//! memory (docs/COMPILED.md, docs/LIMITS.md). Memory is counted by this test binary's allocator,
//! per thread, so tests running side by side do not disturb each other.
use std::cell::Cell;
use std::path::Path;

use qagida::Pack;
use qagida::pack::Rule;
use qagida::pack::compiled::{CompileOptions, fuzzing};

thread_local! {
    /// Bytes this thread holds, and the most it held since [`peak_of`] reset it.
    static HELD: Cell<(isize, isize)> = const { Cell::new((0, 0)) };
}

fn add(n: isize) {
    let _ = HELD.try_with(|h| {
        let (now, peak) = h.get();
        h.set((now + n, peak.max(now + n)));
    });
}

#[path = "common/counting.rs"]
mod counting;

#[global_allocator]
static COUNTING: counting::Counting = counting::Counting(add);

/// What `f` returns, and the most heap this thread held above its start while it ran.
fn peak_of<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let start = HELD.with(|h| {
        let (now, _) = h.get();
        h.set((now, now));
        now
    });
    let out = f();
    let (_, peak) = HELD.with(Cell::get);
    (out, usize::try_from(peak - start).unwrap_or(0))
}

const MIB: usize = 1 << 20;

/// LEB128 of `n`, as postcard writes a length.
fn varint(mut n: u64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return out;
        }
        out.push(b | 0x80);
    }
}

#[test]
fn a_sequence_claiming_more_elements_than_bytes_left_is_refused_before_anything_is_reserved() {
    for claim in [u64::MAX, 1 << 40, 1 << 24] {
        let mut bytes = varint(claim);
        bytes.resize(bytes.len() + 4096, 0);
        let (read, peak) = peak_of(|| postcard::from_bytes::<Vec<Rule>>(&bytes));
        assert!(read.is_err(), "{claim} rules from 4 KB");
        // A rule is a few hundred bytes: a reservation for the claim would be gigabytes.
        assert!(peak < 64 << 10, "{peak} bytes held reading a claim of {claim} rules");
    }
}

#[test]
fn a_sequence_that_could_fit_the_bytes_left_reserves_at_most_a_mebibyte_for_it() {
    // 4 MB of bytes left, a claim of 4 M rules (a rule is one byte at least): serde reserves
    // at most 1 MiB whatever the claim, and the read fails at the first rule that does not read.
    let mut bytes = varint(4 << 20);
    bytes.resize(bytes.len() + (4 << 20), 0xff);
    let (read, peak) = peak_of(|| postcard::from_bytes::<Vec<Rule>>(&bytes));
    assert!(read.is_err());
    assert!(peak <= MIB + (64 << 10), "{peak} bytes held");
}

#[test]
fn a_huge_length_spliced_in_anywhere_in_a_body_is_refused_within_bounded_memory() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/packs/small");
    let body = fuzzing::body(&Pack::load_dir(dir).unwrap(), CompileOptions::default());
    let (intact, intact_peak) = peak_of(|| fuzzing::from_body(&body).map(drop));
    intact.unwrap();
    let huge = varint(u64::MAX);
    let mut worst = 0;
    for at in 0..=body.len() {
        let mut bad = body[..at].to_vec();
        bad.extend_from_slice(&huge);
        bad.extend_from_slice(&body[at..]);
        let (read, peak) = peak_of(|| fuzzing::from_body(&bad).map(drop));
        if let Err(e) = &read {
            assert!(e.to_string().starts_with("not a usable compiled pack: at byte "), "{e}");
        }
        worst = worst.max(peak);
    }
    // The whole body is a few KB: every length that reads is small, and serde's cap bounds
    // what a plausible one reserves.
    assert!(worst <= intact_peak + 2 * MIB, "{worst} bytes at worst, {intact_peak} for the intact body");
}
