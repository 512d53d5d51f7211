//! Source files and positions: every diagnostic and every graph edge points
//! back into the manifest through a [`Span`].

use std::path::PathBuf;

/// Index of a file in a [`SourceMap`].
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Span {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
}

/// A resolved, human-facing position: `file:line:column`, 1-based.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub struct Location {
    pub file: String,
    pub line: usize,
    pub column: usize,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.column)
    }
}

/// One manifest file as read from disk (BOM stripped, CRLF kept: spans are
/// byte offsets into exactly this text).
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The path as the user would recognise it (relative when given relative).
    pub path: PathBuf,
    pub text: String,
}

/// All files of a manifest, in load order.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
    /// Byte offset of each line start, per file: resolving a location is a
    /// binary search, not a scan (graphs resolve one per edge).
    line_starts: Vec<Vec<usize>>,
}

impl SourceMap {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        let starts = std::iter::once(0)
            .chain(file.text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        self.files.push(file);
        self.line_starts.push(starts);
        FileId((self.files.len() - 1) as u32)
    }

    pub fn file(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// `file:line:column` of the start of `span` (columns count characters).
    pub fn location(&self, span: Span) -> Location {
        let file = self.file(span.file);
        let start = floor_char_boundary(&file.text, span.start.min(file.text.len()));
        let starts = &self.line_starts[span.file.0 as usize];
        let line_index = starts.partition_point(|&s| s <= start).saturating_sub(1);
        let line_start = starts.get(line_index).copied().unwrap_or(0);
        Location {
            file: file.path.display().to_string(),
            line: line_index + 1,
            column: file.text[line_start..start].chars().count() + 1,
        }
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}
