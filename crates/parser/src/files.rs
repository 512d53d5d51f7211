//! Reading the manifest from disk.
//!
//! Exists so that the rest of the loader never touches the filesystem: it
//! turns a path (a directory of `*.hcl` files, sorted by name and read
//! non-recursively, or a single file) into [`SourceFile`]s in a
//! [`SourceMap`], stripping a UTF-8 BOM and reporting unreadable paths,
//! empty directories, files that are not regular files or are over 64 MiB
//! (refused before reading, so a FIFO or `/dev/zero` cannot hang or fill
//! memory) and non-UTF-8 bytes as diagnostics.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;
use crate::limits::MAX_FILE_BYTES;
use crate::source::{FileId, SourceFile, SourceMap, Span};

const BOM: &str = "\u{feff}";

/// Reads every manifest file under `path` into `sources`, returning the ids
/// of the files to parse (in load order). Problems go to `diags`. A
/// `*.hcl` file in the directory that is also one of `var_files` is a
/// variable file, not part of the manifest.
pub(crate) fn read_manifest(
    path: &Path,
    var_files: &[PathBuf],
    sources: &mut SourceMap,
    diags: &mut Vec<Diagnostic>,
) -> Vec<FileId> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => {
            diags.push(
                Diagnostic::error(
                    format!("cannot read manifest path `{}`: {e}", path.display()),
                    None,
                )
                .with_help("pass a directory of *.hcl files or a single .hcl file"),
            );
            return Vec::new();
        }
    };
    let paths: Vec<PathBuf> = if meta.is_dir() {
        match manifest_files(path) {
            Ok(mut p) => {
                p.retain(|f| !var_files.iter().any(|v| same_file(f, v)));
                p
            }
            Err(e) => {
                diags.push(Diagnostic::error(
                    format!("cannot list directory `{}`: {e}", path.display()),
                    None,
                ));
                return Vec::new();
            }
        }
    } else {
        vec![path.to_path_buf()]
    };
    if paths.is_empty() {
        diags.push(
            Diagnostic::error(
                format!(
                    "no *.hcl files in directory `{}`: the manifest declares no resources",
                    path.display()
                ),
                None,
            )
            .with_help("put the manifest in files ending in .hcl, or pass the file itself"),
        );
        return Vec::new();
    }
    let mut ids = Vec::with_capacity(paths.len());
    for p in paths {
        if let Some(id) = read_one(&p, sources, diags) {
            ids.push(id);
        }
    }
    ids
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The `*.hcl` entries directly in `dir` that are not directories nor
/// hidden, sorted by file name. One that is no readable regular file (a
/// dangling symlink, a FIFO, no permission) is kept, for `read_one` to
/// refuse: skipped, it took its blocks with it (a provider's
/// `allowed_account_ids`, and the guard of every resource).
pub fn manifest_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let p = entry.path();
        let is_hcl = p.extension().is_some_and(|e| e == "hcl");
        // As Terraform: a name starting with `.` is an editor's lock or
        // swap file (Emacs's `.#main.hcl` is a dangling symlink).
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        // Follows symlinks: a linked directory never counts.
        if is_hcl && !hidden && !p.is_dir() {
            out.push(p);
        }
    }
    out.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    Ok(out)
}

/// Reads one file (manifest or `--var-file`) into `sources`.
pub(crate) fn read_one(
    path: &Path,
    sources: &mut SourceMap,
    diags: &mut Vec<Diagnostic>,
) -> Option<FileId> {
    match read_bounded(path) {
        Ok(bytes) => add_bytes(path, bytes, sources, diags),
        Err(why) => {
            diags.push(Diagnostic::error(
                format!("cannot read `{}`: {why}", path.display()),
                None,
            ));
            None
        }
    }
}

/// The bytes of a regular file of at most [`MAX_FILE_BYTES`]. Anything
/// else (a FIFO that would block, `/dev/zero` that never ends, a
/// directory, a huge file) is refused from its metadata before it is
/// opened; the read itself is bounded too, for a file that grows (or is
/// swapped) after the check.
fn read_bounded(path: &Path) -> Result<Vec<u8>, String> {
    check_metadata(&std::fs::metadata(path).map_err(|e| e.to_string())?)?;
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    check_metadata(&file.metadata().map_err(|e| e.to_string())?)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

fn check_metadata(meta: &std::fs::Metadata) -> Result<(), String> {
    if meta.is_dir() {
        return Err("it is a directory, not a file".to_string());
    }
    if !meta.is_file() {
        return Err(
            "it is not a regular file (a pipe, a device or a socket); give a file".to_string(),
        );
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large());
    }
    Ok(())
}

fn too_large() -> String {
    format!(
        "the file is larger than {} MiB",
        MAX_FILE_BYTES / (1024 * 1024)
    )
}

/// Adds the bytes of one file, read from `path` or handed in by
/// [`crate::load_source`], to `sources`: strips a UTF-8 BOM and reports
/// non-UTF-8 bytes (returning `None`: the file is kept for the snippet but
/// not parsed). The one decoding step, whatever the bytes came from.
pub(crate) fn add_bytes(
    path: &Path,
    bytes: Vec<u8>,
    sources: &mut SourceMap,
    diags: &mut Vec<Diagnostic>,
) -> Option<FileId> {
    let bytes = match bytes.strip_prefix(BOM.as_bytes()) {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    let (text, bad_utf8_at) = match String::from_utf8(bytes) {
        Ok(s) => (s, None),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            (String::from_utf8_lossy(e.as_bytes()).into_owned(), Some(at))
        }
    };
    // `./main.hcl` reads as `main.hcl` in diagnostics, as users write it.
    let shown = path.strip_prefix(".").unwrap_or(path).to_path_buf();
    let id = sources.add(SourceFile { path: shown, text });
    if let Some(at) = bad_utf8_at {
        // Lossy decoding keeps every valid byte before `at` in place.
        diags.push(
            Diagnostic::error(
                format!("`{}` is not valid UTF-8", path.display()),
                Some(Span {
                    file: id,
                    start: at,
                    end: at,
                }),
            )
            .with_label("invalid byte here")
            .with_help("save the file as UTF-8"),
        );
        return None;
    }
    Some(id)
}
