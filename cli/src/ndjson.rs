//! `qagida validate --ndjson`: one result line per input line, validated in chunks on worker
//! threads, written in input order, with memory bounded whatever the input size.

use super::*;

/// Lines per chunk handed to a worker (a chunk also ends after [`CHUNK_BYTES`]).
pub(crate) const CHUNK_LINES: usize = 512;
/// Bytes per chunk (a longer line still makes a chunk of its own).
pub(crate) const CHUNK_BYTES: usize = 1 << 20;
/// Input read but not yet written, per worker, in tokens of [`CHUNK_BYTES`]: a chunk takes one
/// token per started MiB it holds (a chunk of one 16 MiB line takes 16) and the writer gives
/// them back once its results are written. So the input in flight is at most
/// `4 MiB × jobs` plus the chunk being read (≤ 1 MiB + one line within the input limit, 17 MiB),
/// whatever the input: 25 MiB for 2 workers, 1 GiB + 17 MiB at the 256-worker maximum.
pub(crate) const CHUNKS_IN_FLIGHT_PER_WORKER: usize = 4;

/// Buffers given back for reuse: a chunk's input bytes once validated, a chunk's output once
/// written. A fresh buffer of a MiB is fresh memory, which the kernel zeroes page by page as it
/// is first touched (the reader thread spent 12 % of a batch's time there, perf, 20 MB of the
/// benchmark mix); a reused one is warm. At most `max` buffers of at most `2 × CHUNK_BYTES` are
/// kept (a larger one, from a long line, is dropped), so the spares add no more memory than the
/// chunks in flight they stand for.
pub(crate) struct Spares {
    bufs: std::sync::Mutex<Vec<Vec<u8>>>,
    max: usize,
}

impl Spares {
    pub(crate) fn new(max: usize) -> Spares {
        Spares { bufs: std::sync::Mutex::new(Vec::new()), max }
    }

    /// A cleared buffer: a spare one, else a new one of `capacity`.
    pub(crate) fn take(&self, capacity: usize) -> Vec<u8> {
        let spare = self.bufs.lock().ok().and_then(|mut b| b.pop());
        spare.unwrap_or_else(|| Vec::with_capacity(capacity))
    }

    /// Keeps `buf` for reuse if there is room and it is not oversized.
    pub(crate) fn give(&self, mut buf: Vec<u8>) {
        if buf.capacity() > 2 * CHUNK_BYTES {
            return;
        }
        buf.clear();
        if let Ok(mut b) = self.bufs.lock()
            && b.len() < self.max
        {
            b.push(buf);
        }
    }
}

/// One input line of a chunk.
pub(crate) enum Entry {
    /// The line is `bytes[start..end]` of its chunk.
    Line { start: usize, end: usize },
    /// Longer than the input limit: skipped as it was read (its full size).
    TooLarge(usize),
    /// Reading failed here: the rest of the input is lost.
    ReadFailed(String),
}

/// Consecutive lines of one input, numbered from `first` (1-based within the file).
pub(crate) struct Chunk {
    seq: u64,
    /// Tokens it holds (see [`CHUNKS_IN_FLIGHT_PER_WORKER`]).
    weight: usize,
    first: u64,
    bytes: Vec<u8>,
    entries: Vec<Entry>,
}

/// The output of one chunk: its result lines in input order, its exit code and its counts.
pub(crate) struct Done {
    seq: u64,
    /// The tokens to give back once written.
    weight: usize,
    out: Vec<u8>,
    code: u8,
    tally: Tally,
}

/// Lines of a batch by outcome, for the progress line and the closing summary.
#[derive(Default, Clone, Copy)]
pub(crate) struct Tally {
    lines: u64,
    valid: u64,
    invalid: u64,
    /// Lines that gave no result (not JSON, empty, over a limit): an `error` line each.
    errors: u64,
}

impl Tally {
    fn add(&mut self, o: Tally) {
        self.lines += o.lines;
        self.valid += o.valid;
        self.invalid += o.invalid;
        self.errors += o.errors;
    }
}

/// At most this many worker threads, whatever `--jobs` asks: more than four per core only
/// adds threads that wait (and input in flight, 4 MiB per worker, that holds memory).
pub(crate) const MAX_JOBS_PER_CORE: usize = 4;
pub(crate) const MAX_JOBS: usize = 256;

/// The worker threads to run: `--jobs` (0: one per core), clamped to [`MAX_JOBS_PER_CORE`]
/// per core and [`MAX_JOBS`], with a note on standard error when it was cut.
pub(crate) fn worker_count(asked: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let max = cores.saturating_mul(MAX_JOBS_PER_CORE).clamp(1, MAX_JOBS);
    match asked {
        0 => cores.min(max),
        n if n > max => {
            eprintln!("note: --jobs {n} is more than this machine can use: running {max} worker threads ({MAX_JOBS_PER_CORE} per core for {cores} core(s), at most {MAX_JOBS})");
            max
        }
        n => n,
    }
}

/// The progress line of an NDJSON batch (on a terminal): whole numbers, grouped by thousands.
pub(crate) const PROGRESS_TEMPLATE: &str = "{spinner} {human_pos} lines, {per_sec:0} [{elapsed_precise}] {msg}";

/// One result line per input line, in flat memory; a bad line gets an error line with its
/// number, and the batch goes on. Lines are validated in chunks on `jobs` worker threads
/// (default: one per core) and the results written in input order; at most a fixed number of
/// chunks are in flight, so memory stays flat whatever the input size. Ends with a one-line
/// summary on standard error.
pub(crate) fn validate_ndjson(pack: &Pack, opts: &Options, format: Format, files: &[String], jobs: usize) -> u8 {
    let started = std::time::Instant::now();
    let mut code = 0u8;
    let bar = if io::stderr().is_terminal() {
        let b = indicatif::ProgressBar::new_spinner();
        b.set_style(indicatif::ProgressStyle::with_template(PROGRESS_TEMPLATE).unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()));
        Some(b)
    } else {
        None
    };
    let jobs = worker_count(jobs);
    let mut tally = Tally::default();
    for name in files {
        let reader: Box<dyn Read + Send> = if name == "-" {
            Box::new(io::stdin())
        } else {
            match std::fs::File::open(name) {
                Ok(f) => Box::new(f),
                Err(e) => {
                    eprintln!("error: cannot read {name}: {e}");
                    code = 2;
                    continue;
                }
            }
        };
        // Lines name the file too when there are several.
        let file = (files.len() > 1).then_some(name.as_str());
        let batch = Batch { pack, opts, format, name, file };
        let (result, done) = batch.run(reader, jobs, bar.as_ref());
        tally.add(done);
        match result {
            Ok(c) => code = code.max(c),
            // The reader of the results has gone (`| head`): nothing more to write for anyone.
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                code = code.max(done.code());
                break;
            }
            Err(e) => {
                eprintln!("error: {e}");
                code = 2;
                break;
            }
        }
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    eprintln!("{}", summary(&tally, started.elapsed()));
    code
}

/// The closing line of a batch: `12,000 lines: 11,000 valid, 900 invalid, 100 errors in 3.2 s`.
pub(crate) fn summary(t: &Tally, took: std::time::Duration) -> String {
    use indicatif::HumanCount;
    format!(
        "{} lines: {} valid, {} invalid, {} errors in {:.1} s",
        HumanCount(t.lines),
        HumanCount(t.valid),
        HumanCount(t.invalid),
        HumanCount(t.errors),
        took.as_secs_f64()
    )
}

impl Tally {
    /// The exit code of the lines counted: 2 with an unusable line, 1 with an invalid one.
    fn code(&self) -> u8 {
        if self.errors > 0 {
            2
        } else {
            u8::from(self.invalid > 0)
        }
    }
}

/// One NDJSON input being validated.
pub(crate) struct Batch<'a> {
    pack: &'a Pack,
    opts: &'a Options,
    format: Format,
    name: &'a str,
    /// The file name for its lines (when there are several files).
    file: Option<&'a str>,
}

impl Batch<'_> {
    fn bad_line(&self, out: &mut Vec<u8>, n: u64, error: &str) -> io::Result<()> {
        write_line(out, &Tied { file: self.file, line: Some(n), result: None, error: Some(error) })
    }

    /// Reads chunks (on this thread), validates them on `jobs` workers, writes the results in
    /// order (on a writer thread). The exit code, or why the batch stopped: the output could
    /// not be written, or a thread could not be started (an error, never an abort); and the
    /// lines written either way.
    fn run(&self, reader: Box<dyn Read + Send>, jobs: usize, bar: Option<&indicatif::ProgressBar>) -> (io::Result<u8>, Tally) {
        use std::sync::mpsc::{Receiver, channel, sync_channel};
        use std::sync::{Arc, Mutex};

        let in_flight = jobs * CHUNKS_IN_FLIGHT_PER_WORKER;
        let (spare_in, spare_out) = (Spares::new(in_flight), Spares::new(in_flight));
        let (spare_in, spare_out) = (&spare_in, &spare_out);
        let (work_tx, work_rx) = sync_channel::<Chunk>(in_flight);
        let work_rx: Arc<Mutex<Receiver<Chunk>>> = Arc::new(Mutex::new(work_rx));
        let (done_tx, done_rx) = channel::<Done>();
        // One token per MiB of input in flight: the reader takes a chunk's tokens, the writer
        // gives them back once the chunk is written.
        let (token_tx, token_rx) = sync_channel::<()>(in_flight);
        for _ in 0..in_flight {
            let _ = token_tx.send(());
        }
        let cannot_start = |e: io::Error| io::Error::new(e.kind(), format!("cannot start a thread for --ndjson ({e}): try a smaller --jobs"));
        std::thread::scope(|s| {
            for i in 0..jobs {
                let work_rx = Arc::clone(&work_rx);
                let done_tx = done_tx.clone();
                let worker = move || {
                    loop {
                        let next = match work_rx.lock() {
                            Ok(rx) => rx.recv(),
                            Err(_) => break,
                        };
                        let Ok(chunk) = next else { break };
                        let done = self.validate_chunk(&chunk, spare_out);
                        spare_in.give(chunk.bytes);
                        if done_tx.send(done).is_err() {
                            break;
                        }
                    }
                };
                // Those started end when `work_tx` is dropped on return.
                if let Err(e) = std::thread::Builder::new().name(format!("qagida-worker-{i}")).spawn_scoped(s, worker) {
                    return (Err(cannot_start(e)), Tally::default());
                }
            }
            drop(done_tx);
            let writer = move || -> (io::Result<u8>, Tally) {
                let stdout = io::stdout();
                let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
                let mut pending = std::collections::BTreeMap::new();
                let (mut next, mut code, mut tally) = (0u64, 0u8, Tally::default());
                for done in done_rx {
                    pending.insert(done.seq, done);
                    while let Some(d) = pending.remove(&next) {
                        if let Err(e) = out.write_all(&d.out) {
                            return (Err(e), tally);
                        }
                        spare_out.give(d.out);
                        code = code.max(d.code);
                        tally.add(d.tally);
                        if let Some(b) = bar {
                            b.inc(d.tally.lines);
                        }
                        next += 1;
                        for _ in 0..d.weight {
                            let _ = token_tx.send(());
                        }
                    }
                }
                (out.flush().map(|()| code), tally)
            };
            let writer = match std::thread::Builder::new().name("qagida-writer".into()).spawn_scoped(s, writer) {
                Ok(w) => w,
                Err(e) => return (Err(cannot_start(e)), Tally::default()),
            };
            self.read_chunks(reader, &token_rx, in_flight, &work_tx, spare_in);
            drop(work_tx);
            writer.join().unwrap_or_else(|_| (Err(io::Error::other("the writer thread failed (please report it)")), Tally::default()))
        })
    }

    /// Reads the input into chunks and hands them to the workers, one token per chunk.
    fn read_chunks(
        &self,
        reader: Box<dyn Read + Send>,
        tokens: &std::sync::mpsc::Receiver<()>,
        all_tokens: usize,
        work: &std::sync::mpsc::SyncSender<Chunk>,
        spare_in: &Spares,
    ) {
        let mut reader = BufReader::with_capacity(1 << 20, reader);
        let mut line = Vec::new();
        let (mut seq, mut n) = (0u64, 0u64);
        let mut eof = false;
        while !eof {
            // Wait for room; fails when the writer has stopped.
            if tokens.recv().is_err() {
                return;
            }
            let bytes = spare_in.take(CHUNK_BYTES + (64 << 10));
            let mut chunk = Chunk { seq, weight: 1, first: n + 1, bytes, entries: Vec::new() };
            while chunk.entries.len() < CHUNK_LINES && chunk.bytes.len() < CHUNK_BYTES {
                // A line longer than the input limit is skipped as it is read, never held whole.
                let read = match read_line_bounded(&mut reader, &mut line, self.opts.max_input_bytes.saturating_add(2)) {
                    Ok(None) => {
                        eof = true;
                        break;
                    }
                    Ok(Some(read)) => read,
                    Err(e) => {
                        eprintln!("error: {}: read failed after line {n}: {e}", self.name);
                        chunk.entries.push(Entry::ReadFailed(e.to_string()));
                        eof = true;
                        break;
                    }
                };
                n += 1;
                if read.len > line.len() {
                    chunk.entries.push(Entry::TooLarge(read.len - usize::from(read.terminated)));
                } else {
                    let start = chunk.bytes.len();
                    chunk.bytes.extend_from_slice(&line);
                    chunk.entries.push(Entry::Line { start, end: chunk.bytes.len() });
                }
            }
            if chunk.entries.is_empty() {
                return;
            }
            // One token per started MiB (never more than there are): wait for the rest.
            chunk.weight = chunk.bytes.len().div_ceil(CHUNK_BYTES).clamp(1, all_tokens.max(1));
            for _ in 1..chunk.weight {
                if tokens.recv().is_err() {
                    return;
                }
            }
            seq += 1;
            if work.send(chunk).is_err() {
                return;
            }
        }
    }

    /// Validates the lines of one chunk: their result lines, in order. (Writing into a `Vec`
    /// cannot fail.)
    fn validate_chunk(&self, chunk: &Chunk, spare_out: &Spares) -> Done {
        let mut out = spare_out.take(chunk.bytes.len() / 4 + 64);
        let mut code = 0u8;
        let mut tally = Tally::default();
        for (i, entry) in chunk.entries.iter().enumerate() {
            let n = chunk.first + i as u64;
            let (start, end) = match entry {
                Entry::Line { start, end } => (*start, *end),
                Entry::TooLarge(size) => {
                    let e = qagida::InputError::TooLarge { size: *size, limit: self.opts.max_input_bytes };
                    let _ = self.bad_line(&mut out, n, &e.to_string());
                    code = 2;
                    tally.lines += 1;
                    tally.errors += 1;
                    continue;
                }
                Entry::ReadFailed(e) => {
                    // The rest of the file is lost: say so on stdout too, at the line it hit.
                    let _ = self.bad_line(&mut out, n, &format!("read failed: {e}; the rest of the input was not read"));
                    code = 2;
                    continue;
                }
            };
            tally.lines += 1;
            let mut text = trim_line(chunk.bytes.get(start..end).unwrap_or_default());
            if n == 1 {
                text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text); // a UTF-8 byte order mark
            }
            if text.is_empty() {
                // An empty line is still a line: report it so N lines in give N results out.
                let _ = self.bad_line(&mut out, n, "empty line");
                code = 2;
                tally.errors += 1;
                continue;
            }
            // Defence in depth: a bug that panics costs one line, not the rest of the batch.
            let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.pack.validate_bytes(text, self.opts)))
                .unwrap_or_else(|_| Err(qagida::InputError::NotJson("internal error while validating this line (please report it)".into())));
            let _ = match res {
                Ok(r) => {
                    if r.valid {
                        tally.valid += 1;
                    } else {
                        tally.invalid += 1;
                        code = code.max(1);
                    }
                    match self.format {
                        Format::Json => write_line(&mut out, &Tied { file: self.file, line: Some(n), result: Some(&r), error: None }),
                        Format::Text => write_text(&mut out, &format!("{}:{n}", self.name), &r),
                    }
                }
                Err(e) => {
                    code = 2;
                    tally.errors += 1;
                    self.bad_line(&mut out, n, &e.to_string())
                }
            };
        }
        Done { seq: chunk.seq, weight: chunk.weight, out, code, tally }
    }
}

/// A line read by [`read_line_bounded`].
pub(crate) struct LineRead {
    /// Full length, `\n` included; over the buffer's length when the line was cut.
    len: usize,
    /// Ended with `\n` (the last line of a file may not).
    terminated: bool,
}

/// Reads one line (up to and including `\n`, or to the end of input) into `buf`, keeping at
/// most `keep` bytes of it; `None` at the end of input.
pub(crate) fn read_line_bounded(r: &mut impl BufRead, buf: &mut Vec<u8>, keep: usize) -> io::Result<Option<LineRead>> {
    buf.clear();
    let mut total = 0usize;
    loop {
        let avail = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if avail.is_empty() {
            return Ok((total > 0).then_some(LineRead { len: total, terminated: false }));
        }
        let (chunk, done) = match memchr::memchr(b'\n', avail) {
            Some(i) => (avail.get(..=i).unwrap_or(avail), true),
            None => (avail, false),
        };
        let n = chunk.len();
        let room = keep.saturating_sub(buf.len());
        buf.extend_from_slice(chunk.get(..n.min(room)).unwrap_or_default());
        total = total.saturating_add(n);
        r.consume(n);
        if done {
            return Ok(Some(LineRead { len: total, terminated: true }));
        }
    }
}

pub(crate) fn trim_line(line: &[u8]) -> &[u8] {
    let mut s = line;
    while let [rest @ .., b'\n' | b'\r' | b' ' | b'\t'] = s {
        s = rest;
    }
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    s
}
