//! The loading pipeline: read -> parse -> check structure -> resolve
//! variables -> evaluate providers and locals -> build resources.
//!
//! Exists to sequence the focused modules and to decide when to stop: a
//! syntax error in any file stops before evaluation (its missing
//! declarations would otherwise produce misleading "undeclared" errors
//! elsewhere), but structural checks still run on every file that parsed,
//! so independent problems are all reported at once.

use std::path::Path;

use hcl_edit::structure::Body;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::eval::Evaluator;
use crate::manifest::{Manifest, Variable};
use crate::redaction::Redaction;
use crate::source::{FileId, SourceMap, Span};
use crate::{files, schema, VariableInputs};

/// Stack size for the loading thread: evaluation recurses over the
/// expression tree, and user input decides how deep that tree is.
const STACK_SIZE: usize = 64 * 1024 * 1024;

/// Where the manifest's files come from. Everything after reading is the
/// same pipeline whichever it is.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Input<'a> {
    /// A directory of `*.hcl` files (sorted by name, non-recursive) or one
    /// file, read from disk.
    Path(&'a Path),
    /// One file already in memory: the name diagnostics show, and its bytes.
    Source { name: &'a Path, bytes: &'a [u8] },
}

pub(crate) fn load(input: Input<'_>, vars: &VariableInputs) -> Result<Manifest, Diagnostics> {
    let spawned = std::thread::scope(|s| {
        std::thread::Builder::new()
            .name("decom-parser".to_string())
            .stack_size(STACK_SIZE)
            .spawn_scoped(s, || load_inner(input, vars))
            .map(|h| h.join())
    });
    match spawned {
        Ok(Ok(result)) => result,
        // Could not spawn a thread: load on this one.
        Err(_) => load_inner(input, vars),
        Ok(Err(_panic)) => Err(Diagnostics {
            sources: SourceMap::default(),
            items: vec![Diagnostic::error(
                "internal error: the manifest loader panicked (this is a bug in decom)",
                None,
            )
            .with_help("please report it with the manifest that triggers it")],
        }),
    }
}

/// Parses every file, spreading files over the available cores when there
/// is enough text for it to pay off. Results keep the order of `ids`.
fn parse_all(
    ids: &[FileId],
    sources: &SourceMap,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(FileId, Body)> {
    let total: usize = ids.iter().map(|id| sources.file(*id).text.len()).sum();
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(ids.len())
        .min(8);
    let results: Vec<Result<Body, Diagnostic>> = if workers > 1 && total > PARALLEL_PARSE_BYTES {
        parse_parallel(ids, sources, workers)
    } else {
        ids.iter().map(|id| parse_one(*id, sources)).collect()
    };
    let mut out = Vec::with_capacity(ids.len());
    for (id, r) in ids.iter().zip(results) {
        match r {
            Ok(body) => out.push((*id, body)),
            Err(d) => diags.push(d),
        }
    }
    out
}

/// Below this much text, threads cost more than they save.
const PARALLEL_PARSE_BYTES: usize = 256 * 1024;

fn parse_parallel(
    ids: &[FileId],
    sources: &SourceMap,
    workers: usize,
) -> Vec<Result<Body, Diagnostic>> {
    let mut slots: Vec<Option<Result<Body, Diagnostic>>> = (0..ids.len()).map(|_| None).collect();
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let work: Vec<(usize, FileId)> = ids
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| i % workers == w)
                    .map(|(i, id)| (i, *id))
                    .collect();
                std::thread::Builder::new()
                    .stack_size(STACK_SIZE)
                    .spawn_scoped(s, move || {
                        work.into_iter()
                            .map(|(i, id)| (i, parse_one(id, sources)))
                            .collect::<Vec<_>>()
                    })
            })
            .collect();
        for h in handles.into_iter().flatten() {
            if let Ok(done) = h.join() {
                for (i, r) in done {
                    if let Some(slot) = slots.get_mut(i) {
                        *slot = Some(r);
                    }
                }
            }
        }
    });
    // Anything a worker could not deliver (spawn failure) is parsed here.
    slots
        .into_iter()
        .zip(ids)
        .map(|(r, id)| r.unwrap_or_else(|| parse_one(*id, sources)))
        .collect()
}

fn parse_one(id: FileId, sources: &SourceMap) -> Result<Body, Diagnostic> {
    let text = &sources.file(id).text;
    hcl_edit::parser::parse_body(text).map_err(|e| {
        let at = e.location().offset().min(text.len());
        let end = next_char_boundary(text, at);
        Diagnostic::error(
            format!("syntax error: {}", e.message()),
            Some(Span {
                file: id,
                start: at,
                end,
            }),
        )
        .with_label("here")
        .with_help(syntax_help(e.message()))
    })
}

fn next_char_boundary(s: &str, i: usize) -> usize {
    let mut j = (i + 1).min(s.len());
    while j < s.len() && !s.is_char_boundary(j) {
        j += 1;
    }
    j
}

fn syntax_help(message: &str) -> String {
    if message.contains("redefined attribute") {
        "an attribute may be set only once per block; remove one of the definitions".to_string()
    } else if message.contains("expected `}`") || message.contains("expected `]`") {
        "check for a missing closing bracket or a missing comma / newline between items".to_string()
    } else if message.contains("`\"`") {
        "check for an unterminated string".to_string()
    } else {
        "fix the HCL syntax at this position (blocks: `type \"label\" { ... }`, attributes: `name = value`)".to_string()
    }
}

fn load_inner(input: Input<'_>, inputs: &VariableInputs) -> Result<Manifest, Diagnostics> {
    let mut sources = SourceMap::default();
    let mut diags = Vec::new();
    let (ids, path) = match input {
        Input::Path(path) => (
            files::read_manifest(path, &inputs.files, &mut sources, &mut diags),
            path,
        ),
        Input::Source { name, bytes } => {
            let id = files::add_bytes(name, bytes.to_vec(), &mut sources, &mut diags);
            (id.into_iter().collect(), name)
        }
    };
    let var_file_ids: Vec<FileId> = inputs
        .files
        .iter()
        .filter_map(|p| files::read_one(p, &mut sources, &mut diags))
        .collect();
    if ids.is_empty() && diags.is_empty() {
        diags.push(Diagnostic::error(
            format!("no manifest files found at `{}`", path.display()),
            None,
        ));
    }
    let bodies = parse_all(&ids, &sources, &mut diags);
    let decls = schema::collect(&bodies, &sources, &mut diags);
    let mut var_diags = Vec::new();
    let var_bodies = parse_all(&var_file_ids, &sources, &mut var_diags);
    if decls.variables.iter().any(|v| v.sensitive.is_some()) {
        without_snippets(&mut var_diags, &sources);
    }
    diags.extend(var_diags);
    let parsed_all = bodies.len() == ids.len() && var_bodies.len() == var_file_ids.len();
    if !parsed_all || ids.is_empty() {
        return Err(finish(sources, diags));
    }
    let declares_none = decls.resources.is_empty();

    let mut ev = Evaluator::new(&sources, decls);
    ev.diags = diags;
    let variables = ev.resolve_variables(inputs, &var_bodies);
    let (providers, aliases) = ev.eval_providers();
    ev.eval_locals();
    let resources = ev.build_resources(&aliases);
    let mut diags = std::mem::take(&mut ev.diags);
    let sensitive_values: Vec<String> = std::mem::take(&mut ev.taint.strings).into_iter().collect();
    drop(ev);
    if declares_none && diags.is_empty() {
        // Only when nothing else is wrong: other errors say more.
        diags.push(no_resources(path));
    }
    if !diags.is_empty() {
        hide_sensitive(&mut diags, &variables, &sensitive_values);
        return Err(finish(sources, diags));
    }
    drop_in_background(bodies, var_bodies);
    Ok(Manifest {
        sources,
        providers,
        variables,
        resources,
        sensitive_values,
    })
}

/// An empty manifest is refused: a wrong path or a misnamed file must not
/// look like a teardown with nothing left to do ("No changes").
fn no_resources(path: &Path) -> Diagnostic {
    Diagnostic::error(
        format!("the manifest at `{}` declares no resources", path.display()),
        None,
    )
    .with_help(
        "add resource blocks for what to delete (`decom discover` writes them for live resources)",
    )
}

/// Diagnostics are printed before any manifest exists to hide sensitive
/// values with, so the loader hides them itself: a message about a value
/// derived from a sensitive variable (`tonumber(var.token)`) must not
/// show it.
fn hide_sensitive(diags: &mut [Diagnostic], variables: &[Variable], derived: &[String]) {
    let sensitive = variables
        .iter()
        .filter(|v| v.sensitive)
        .map(|v| (v.name.as_str(), &v.value));
    let redaction = Redaction::from_values(sensitive, derived);
    if redaction.is_empty() {
        return;
    }
    let hide = |text: &mut String| {
        if let std::borrow::Cow::Owned(hidden) = redaction.text(text) {
            *text = hidden;
        }
    };
    for d in diags {
        hide(&mut d.message);
        if let Some(label) = d.label.as_mut() {
            hide(label);
        }
        if let Some(help) = d.help.as_mut() {
            hide(help);
        }
    }
}

/// A syntax error in a var file would show lines of it, and a var file
/// may hold sensitive values (which ones is unknown until it parses): the
/// place is named in words instead.
fn without_snippets(diags: &mut [Diagnostic], sources: &SourceMap) {
    for d in diags {
        if let Some(span) = d.span.take() {
            d.message = format!("{} (at {})", d.message, sources.location(span));
            d.label = None;
        }
    }
}

/// Orders diagnostics by place (spanless ones first), drops exact repeats.
fn finish(sources: SourceMap, mut items: Vec<Diagnostic>) -> Diagnostics {
    items.sort_by_key(|d| d.span.map(|s| (s.file, s.start)));
    items.dedup();
    Diagnostics { sources, items }
}

/// Frees the syntax trees of a large manifest on a helper thread: freeing
/// hundreds of thousands of small nodes is a noticeable share of load time
/// and nobody needs to wait for it.
fn drop_in_background(bodies: Vec<(FileId, Body)>, var_bodies: Vec<(FileId, Body)>) {
    if bodies.iter().map(|(_, b)| b.len()).sum::<usize>() > 1_000 {
        let spawned = std::thread::Builder::new()
            .name("decom-parser-free".to_string())
            .stack_size(STACK_SIZE)
            .spawn(move || drop((bodies, var_bodies)));
        // If no thread can be spawned the trees were moved into the failed
        // closure and are dropped right here instead.
        drop(spawned);
    }
}
