//! Errors of the library: pack loading (with file:line:col diagnostics) and input handling.

use std::fmt;

/// One problem in a rule pack, located at the offending value.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    /// Path of the file inside the pack (`rules/mdt.toml`).
    pub file: String,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}:{}:{}: {}", self.file, self.line, self.col, self.message)
        }
    }
}

/// A pack that cannot be loaded. Lists every problem found, each as `file:line:col: message`.
#[derive(Debug, Clone, thiserror::Error)]
pub struct PackError {
    pub diagnostics: Vec<Diagnostic>,
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

/// Input that cannot be validated at all (as opposed to a document with findings).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("input is not valid JSON: {0}")]
    NotJson(String),
    #[error("input is {size} bytes, over the limit of {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("input nesting is deeper than the limit of {limit}")]
    TooDeep { limit: usize },
    #[error("validation exceeded its evaluation budget of {0} steps")]
    BudgetExhausted(u64),
    #[error("validation exceeded its memory budget of {0} bytes")]
    MemoryExhausted(usize),
    #[error("input has an array of more than {limit} elements")]
    ArrayTooLong { limit: usize },
    #[error("bundle field `{field}` holds {count} documents, over the limit of {limit}")]
    TooManyDocuments { field: String, count: usize, limit: usize },
    #[error("input needs more than the limit of {limit} bytes of memory once parsed")]
    ParsedTooLarge { limit: usize },
}

/// Maps byte offsets of a source text to 1-based line and character column.
pub struct LineIndex<'s> {
    src: &'s str,
    starts: Vec<usize>,
}

impl<'s> LineIndex<'s> {
    pub fn new(src: &'s str) -> Self {
        let mut starts = vec![0];
        starts.extend(src.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { src, starts }
    }

    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.src.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let col = self
            .src
            .get(start..offset)
            .map(|s| s.chars().count())
            .unwrap_or(0)
            + 1;
        (line, col)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_counts_lines_and_character_columns() {
        let idx = LineIndex::new("ab\nқағ x\n");
        assert_eq!(idx.position(0), (1, 1));
        assert_eq!(idx.position(3), (2, 1));
        assert_eq!(idx.position("ab\nқағ ".len()), (2, 5));
    }
}
