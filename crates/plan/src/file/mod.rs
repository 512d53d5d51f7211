//! The saved plan (`plan --out FILE`): what was reviewed, in a form `apply`
//! can check against the present before touching anything.
//!
//! On disk: one header line `decom-plan <version> sha256:<hex>` and a JSON
//! body. The checksum covers the body, so a corrupted, truncated or
//! hand-edited file (an id swapped) is refused before any request. The
//! file is written owner-only: it names every resource to be deleted. It
//! is written with sensitive variable values hidden (an id with one hidden
//! in it can be compared, see [`super::staleness`], but not used).

use std::io::{Read, Seek as _, Write as _};
use std::path::Path;

use decom_parser::printable::printable_in_line;
use decom_parser::{Address, Manifest, Redaction};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

mod v2;

use decom_graph::{from_parts, EdgeReason, ProposedEdge};

use crate::live::LiveResource;
use crate::{
    Action, Baseline, Cascade, DeletionGraph, Memory, Plan, PlannedResource, Provenance, Remembered,
};

/// The plan file format this decom writes and reads.
pub const PLAN_FILE_VERSION: u32 = 2;
const MAGIC: &str = "decom-plan";
/// Plan files larger than this are refused before reading (a 10,000
/// resource plan is a few MB).
pub const MAX_PLAN_FILE_BYTES: u64 = 64 << 20;

/// Why a plan file cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum PlanFileError {
    #[error("cannot read plan file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot write plan file {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not a decom plan file (it does not start with `{MAGIC}`)")]
    NotAPlan { path: String },
    #[error("{path} is not a regular file: a plan file is what `decom plan --out FILE` wrote")]
    NotAFile { path: String },
    #[error("{path} is empty: a plan file is what `decom plan --out FILE` wrote")]
    Empty { path: String },
    #[error("{path} is larger than {} MiB: not a decom plan file", MAX_PLAN_FILE_BYTES >> 20)]
    TooLarge { path: String },
    #[error("{path} is plan file format version {found}; this decom ({}) reads version {PLAN_FILE_VERSION}: run `decom plan --out` again", env!("CARGO_PKG_VERSION"))]
    Version { path: String, found: String },
    #[error("{path} is corrupted or was edited after it was written (checksum mismatch): run `decom plan --out` again")]
    Checksum { path: String },
    #[error(
        "{path} changed since this apply read it: run `decom apply` again to apply it as it is now"
    )]
    Changed { path: String },
    // On one line: the detail may quote the file's text (an address).
    #[error("{path} is not a valid plan: {}", printable_in_line(detail))]
    Invalid { path: String, detail: String },
}

/// A plan file's content. On disk it is [`v2::Body`], the format's own
/// types: see that module.
///
/// Its fields are private to this crate: a `PlanFile` is made by [`PlanFile::new`] from
/// a plan, or read (and checked) from disk, never assembled by hand, so a
/// plan it gives ([`PlanFile::to_plan`]) is one a plan computed.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(into = "v2::Body", try_from = "v2::Body")]
pub struct PlanFile {
    pub(crate) decom_version: String,
    /// When, from which commit, with which (non-sensitive) variable values.
    pub(crate) provenance: Provenance,
    pub(crate) manifest_path: String,
    /// Where the manifest is from the plan file and from the git root,
    /// so that the plan applies from anywhere.
    pub(crate) manifest_location: ManifestLocation,
    pub(crate) manifest_digest: String,
    /// Digest of the manifest's files alone: tells a stale plan caused by
    /// a variable's value from one caused by an edit.
    pub(crate) files_digest: Option<String>,
    pub(crate) sandbox: bool,
    pub(crate) journal: Option<String>,
    pub(crate) targets: Vec<Address>,
    /// In deletion order, with the live facts each action was based on.
    pub(crate) resources: Vec<PlannedResource>,
    pub(crate) edges: Vec<SavedEdge>,
    pub(crate) warnings: Vec<String>,
    /// Children deleted with a planned parent (empty in files written
    /// before cascades).
    pub(crate) cascades: Vec<Cascade>,
    /// What the plan's requests read of each API quota that throttled
    /// them, for the apply to pace by from its first request.
    pub(crate) quota_rates: Vec<QuotaRate>,
}

/// What AWS's throttling said of one (account, region, service) quota:
/// it refills `refill` requests a second.
#[derive(Debug, Clone, PartialEq)]
pub struct QuotaRate {
    pub account: String,
    pub region: String,
    pub service: String,
    pub refill: f64,
}

/// The manifest's path relative to the plan file's directory and to the
/// root of the git work tree it is in (`/`-separated), when known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ManifestLocation {
    pub from_plan_file: Option<String>,
    pub from_git_root: Option<String>,
}

/// An edge of the saved graph, with every reason for it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SavedEdge {
    pub(crate) before: Address,
    pub(crate) after: Address,
    pub(crate) reasons: Vec<EdgeReason>,
}

impl PlanFile {
    /// When `plan` made it.
    pub fn created_at(&self) -> OffsetDateTime {
        self.provenance.created_at
    }

    /// When, from which commit, with which variable values it was made.
    pub fn provenance(&self) -> &Provenance {
        &self.provenance
    }

    /// Where the manifest was relative to the plan file and the git root.
    pub fn manifest_location(&self) -> &ManifestLocation {
        &self.manifest_location
    }

    /// Digest of the manifest's files alone (absent in older files).
    pub fn files_digest(&self) -> Option<&str> {
        self.files_digest.as_deref()
    }

    /// The manifest path as given to `plan` (apply re-reads it from here).
    pub fn manifest_path(&self) -> &str {
        &self.manifest_path
    }

    /// Digest of the manifest's files and variable values.
    pub fn manifest_digest(&self) -> &str {
        &self.manifest_digest
    }

    /// `git rev-parse HEAD` where the manifest lives, when it is in a git
    /// repository: lets a reviewer tie an apply to the reviewed commit.
    pub fn git_commit(&self) -> Option<&str> {
        self.provenance.git.as_ref().map(|g| g.commit.as_str())
    }

    /// Made against the sandbox simulator: a rehearsal, never an approval
    /// to delete anything real (and the reverse).
    pub fn sandbox(&self) -> bool {
        self.sandbox
    }

    /// The `--journal` the plan read, which its apply reads too.
    pub fn journal(&self) -> Option<&str> {
        self.journal.as_deref()
    }

    /// The `--target`s of the plan.
    pub fn targets(&self) -> &[Address] {
        &self.targets
    }

    /// The file for `plan` (its git state is the plan's, see
    /// [`Plan::with_git`]; where the manifest is, the caller's, see
    /// [`PlanFile::with_manifest_location`]: this crate runs no processes).
    pub fn new(plan: &Plan, manifest: &Manifest, manifest_path: &Path) -> PlanFile {
        PlanFile {
            decom_version: env!("CARGO_PKG_VERSION").to_string(),
            provenance: plan.provenance.clone(),
            manifest_path: manifest_path.display().to_string(),
            manifest_location: ManifestLocation::default(),
            manifest_digest: manifest_digest(manifest),
            files_digest: Some(files_digest(manifest)),
            sandbox: false,
            journal: None,
            targets: plan.targets.clone(),
            resources: plan.resources.clone(),
            edges: plan
                .graph
                .edges()
                .into_iter()
                .map(|(before, after, reasons)| SavedEdge {
                    before: before.clone(),
                    after: after.clone(),
                    reasons: reasons.to_vec(),
                })
                .collect(),
            warnings: plan.warnings.clone(),
            cascades: plan.cascades.clone(),
            quota_rates: Vec::new(),
        }
    }

    /// Records what the plan's requests read of the API quotas.
    pub fn with_quota_rates(mut self, rates: Vec<QuotaRate>) -> PlanFile {
        self.quota_rates = rates;
        self
    }

    /// What the plan's requests read of the API quotas.
    pub fn quota_rates(&self) -> &[QuotaRate] {
        &self.quota_rates
    }

    /// Records where the manifest is relative to the plan file and the
    /// git root.
    pub fn with_manifest_location(mut self, location: ManifestLocation) -> PlanFile {
        self.manifest_location = location;
        self
    }

    /// Adds warnings the plan had outside the plan itself (e.g. a
    /// sensitive value too short to hide), for `show` to repeat.
    pub fn with_warnings(mut self, warnings: impl IntoIterator<Item = String>) -> PlanFile {
        for w in warnings {
            if !self.warnings.contains(&w) {
                self.warnings.push(w);
            }
        }
        self
    }

    /// Records that the plan was made against the sandbox simulator.
    pub fn with_sandbox(mut self, sandbox: bool) -> PlanFile {
        self.sandbox = sandbox;
        self
    }

    /// Records the journal the plan read (`plan --journal`).
    pub fn with_journal(mut self, journal: Option<&Path>) -> PlanFile {
        self.journal = journal.map(|j| j.display().to_string());
        self
    }

    /// How long ago the plan was made (zero if its clock was ahead).
    pub fn age(&self, now: OffsetDateTime) -> std::time::Duration {
        (now - self.provenance.created_at)
            .try_into()
            .unwrap_or_default()
    }

    /// How far in the future of `now` the plan claims to have been made
    /// (zero if it was not).
    pub fn ahead_of(&self, now: OffsetDateTime) -> std::time::Duration {
        (self.provenance.created_at - now)
            .try_into()
            .unwrap_or_default()
    }

    /// The plan as it was reviewed.
    pub fn to_plan(&self) -> Result<Plan, String> {
        Ok(Plan {
            graph: self.checked_graph()?,
            resources: self.resources.clone(),
            warnings: self.warnings.clone(),
            targets: self.targets.clone(),
            provenance: self.provenance.clone(),
            cascades: self.cascades.clone(),
            cascades_by_parent: crate::cascade::by_parent(&self.cascades),
        })
    }

    /// The saved graph, checked again: a file cannot smuggle in a cycle,
    /// a second entry for one address, nor a cascade no planned parent
    /// takes. Every read checks it, without copying the resources.
    fn checked_graph(&self) -> Result<DeletionGraph, String> {
        let mut seen = std::collections::HashSet::new();
        if let Some(dup) = self
            .resources
            .iter()
            .map(|r| &r.address)
            .find(|a| !seen.insert(*a))
        {
            return Err(format!("{dup} appears twice in the plan"));
        }
        let nodes = self.resources.iter().map(|r| r.address.clone());
        let edges = self.edges.iter().flat_map(|e| {
            e.reasons.iter().map(|reason| ProposedEdge {
                before: e.before.clone(),
                after: e.after.clone(),
                reason: reason.clone(),
            })
        });
        let graph = from_parts(nodes, edges).map_err(|e| e.to_string())?;
        self.check_cascades()?;
        Ok(graph)
    }

    /// Each cascade goes with a planned resource of the file that its
    /// live relations name, and appears once.
    fn check_cascades(&self) -> Result<(), String> {
        let parents: std::collections::HashMap<&Address, &LiveResource> = self
            .resources
            .iter()
            .filter(|r| r.action != Action::NoOp)
            .filter_map(|r| Some((&r.address, r.live.as_ref()?)))
            .collect();
        let mut seen = std::collections::HashSet::new();
        for c in &self.cascades {
            let address = c.address();
            if !seen.insert(address.clone()) {
                return Err(format!("{address} appears twice in the plan"));
            }
            let parent = parents.get(&c.parent);
            if !parent.is_some_and(|p| Cascade::goes_with(&c.live, p)) {
                return Err(format!(
                    "{address} is not deleted with a planned {}",
                    c.parent
                ));
            }
        }
        Ok(())
    }

    /// Takes out the resources, edges and cascades, leaving the header
    /// (provenance, digests, targets...). At 10,000 resources they are
    /// tens of MB; `apply PLANFILE` lets go of them before it loads the
    /// manifest and refreshes, and reads what it needs of them again when
    /// it needs it ([`PlanFile::read_names`], [`PlanFile::read_baseline`]),
    /// so that its peak memory is a plan's.
    pub fn drop_body(&mut self) {
        self.resources = Vec::new();
        self.edges = Vec::new();
        self.cascades = Vec::new();
    }

    /// Ids the plan may delete: the `delete` actions, nothing else.
    pub fn approved_deletions(&self) -> impl Iterator<Item = &LiveResource> {
        self.resources
            .iter()
            .filter(|r| r.action == Action::Delete)
            .filter_map(|r| r.live.as_ref())
    }

    /// Writes the file, owner-only (0600 on Unix), through `redaction`.
    ///
    /// The body is streamed to the file, hashed on the way, and the
    /// header (of fixed length) written over a placeholder at the end:
    /// at 10,000 resources a body in memory, and its framed copy, were
    /// tens of MB on top of the plan. It is written to a new file beside
    /// `path`, then renamed over it: a write that fails midway, or a run
    /// killed in it, leaves what was at `path`; and a link at `path` is
    /// replaced, never written through.
    pub fn write(&self, path: &Path, redaction: &Redaction) -> Result<(), PlanFileError> {
        let err = |source| PlanFileError::Write {
            path: path.display().to_string(),
            source,
        };
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir,
            _ => Path::new("."),
        };
        // Owner-only: tempfile creates its files 0600. Its errors name
        // the temporary file, which the user never asked for: not shown.
        let unnamed = |e: std::io::Error| {
            e.raw_os_error()
                .map_or(e, std::io::Error::from_raw_os_error)
        };
        let new = tempfile::Builder::new()
            .prefix(".decom-plan-")
            .tempfile_in(dir)
            .map_err(|e| err(unnamed(e)))?;
        self.write_to(new.as_file(), redaction).map_err(err)?;
        new.persist(path).map_err(|e| err(e.error))?;
        Ok(())
    }

    fn write_to(&self, file: &std::fs::File, redaction: &Redaction) -> std::io::Result<()> {
        let placeholder = header(&checksum(b""));
        let mut file = file;
        file.write_all(placeholder.as_bytes())?;
        // Buffered before hashing: serde writes a few bytes at a time.
        let mut out = std::io::BufWriter::new(Hashing::new(file));
        // Through a JSON value only when there is something to hide: at
        // 10,000 resources the value tree costs tens of MB.
        if redaction.is_empty() {
            serde_json::to_writer_pretty(&mut out, self)
        } else {
            serde_json::to_value(self).and_then(|mut v| {
                redaction.json(&mut v);
                serde_json::to_writer_pretty(&mut out, &v)
            })
        }?;
        let hashed = out.into_inner().map_err(|e| e.into_error())?;
        let digest = hashed.checksum();
        file.seek(std::io::SeekFrom::Start(0))?;
        file.write_all(header(&digest).as_bytes())?;
        file.sync_all()
    }

    /// Reads and checks the plan file at `path`. Anything but a regular
    /// file (a FIFO would block, /dev/zero never ends), an empty file and
    /// one over [`MAX_PLAN_FILE_BYTES`] are refused before reading.
    pub fn read(path: &Path) -> Result<PlanFile, PlanFileError> {
        Self::read_identified(path).map(|(file, _)| file)
    }

    /// Whether [`PlanFile::write`] may replace what is at `path`: nothing,
    /// an empty file, or an earlier plan file. Anything else (a manifest
    /// or a notes file named by mistake, a link, a device) is refused.
    pub fn check_replaceable(path: &Path) -> Result<(), String> {
        let shown = path.display();
        let meta = match std::fs::symlink_metadata(path) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(format!("cannot look at {shown}: {e}")),
        };
        if meta.file_type().is_symlink() {
            return Err(format!(
                "{shown} is a symbolic link: a plan file replaces it, never writes through it; remove the link or name the file itself"
            ));
        }
        if !meta.is_file() {
            return Err(format!("{shown} is not a regular file"));
        }
        if meta.len() == 0 {
            return Ok(());
        }
        let mut start = [0u8; MAGIC.len()];
        let read = std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut start));
        match read {
            Ok(()) if start == *MAGIC.as_bytes() => Ok(()),
            Err(e) if e.kind() != std::io::ErrorKind::UnexpectedEof => {
                Err(format!("cannot read {shown}: {e}"))
            }
            _ => Err(format!(
                "{shown} exists and is not a decom plan file: it is left as it is; remove it or write the plan to another file"
            )),
        }
    }

    /// [`PlanFile::read`], and the checksum that identifies what was read.
    pub fn read_identified(path: &Path) -> Result<(PlanFile, PlanChecksum), PlanFileError> {
        read_checked(open(path)?, &path.display().to_string())
    }

    /// What a fresh plan is compared with, read again from the plan file
    /// at `path` that [`PlanFile::read_identified`] read as `checksum`:
    /// each line is digested as it is parsed. A file changed since is
    /// refused.
    pub fn read_baseline(path: &Path, checksum: &PlanChecksum) -> Result<Baseline, PlanFileError> {
        read_again::<v2::BaselineBody>(path, checksum).map(v2::BaselineBody::into_baseline)
    }

    /// The names the plan file at `path` (read as `checksum`) resolved,
    /// for [`Memory`], so that applying it after AWS forgot a deleted
    /// resource still finds it gone (only under the same name, account
    /// and region). Read a resource at a time, when planning needs them:
    /// held from the start, they counted in apply's peak. A file changed
    /// since is refused.
    pub fn read_names(path: &Path, checksum: &PlanChecksum) -> Result<Memory, PlanFileError> {
        let mut memory = read_again::<v2::NamesBody>(path, checksum)?.into_memory();
        memory.shrink_to_fit();
        Ok(memory)
    }

    /// Checks header, version and checksum, then parses the body.
    pub fn parse(bytes: &[u8], path: &str) -> Result<PlanFile, PlanFileError> {
        read_checked(bytes, path).map(|(file, _)| file)
    }
}

/// What `T` reads of the body of the plan file at `path`, which must
/// still be the one read as `checksum`.
fn read_again<T: serde::de::DeserializeOwned>(
    path: &Path,
    checksum: &PlanChecksum,
) -> Result<T, PlanFileError> {
    let shown = path.display().to_string();
    let (body, now) = read_body::<T>(open(path)?, &shown)?;
    if now != *checksum {
        return Err(PlanFileError::Changed { path: shown });
    }
    Ok(body)
}

/// Adds what a saved plan's resolved resource pins to `memory`. Values
/// with a sensitive value hidden in them can pin nothing.
fn remember(memory: &mut Memory, live: &LiveResource) {
    if Redaction::was_applied_to(&live.id) || Redaction::was_applied_to(&live.name) {
        return;
    }
    memory.remember(Remembered {
        resource_type: live.resource_type,
        account: live.account_id.as_deref(),
        region: &live.region,
        name: &live.name,
        id: &live.id,
    });
}

/// The plan file `reader` gives, its graph checked, and its checksum.
fn read_checked(reader: impl Read, path: &str) -> Result<(PlanFile, PlanChecksum), PlanFileError> {
    let (file, checksum) = read_body::<PlanFile>(reader, path)?;
    file.checked_graph()
        .map_err(|detail| PlanFileError::Invalid {
            path: path.to_string(),
            detail,
        })?;
    Ok((file, checksum))
}

/// What identifies a plan file's content: its body's checksum, as its
/// header states and a read verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanChecksum(String);

/// The plan file at `path`, opened for reading if it is one that may be
/// read (see [`PlanFile::read`]).
fn open(path: &Path) -> Result<impl Read, PlanFileError> {
    let shown = || path.display().to_string();
    let read_error = |source| PlanFileError::Read {
        path: shown(),
        source,
    };
    // Looked at before it is opened: opening a FIFO blocks.
    let meta = std::fs::metadata(path).map_err(read_error)?;
    if !meta.is_file() {
        return Err(PlanFileError::NotAFile { path: shown() });
    }
    if meta.len() == 0 {
        return Err(PlanFileError::Empty { path: shown() });
    }
    if meta.len() > MAX_PLAN_FILE_BYTES {
        return Err(PlanFileError::TooLarge { path: shown() });
    }
    // Bounded even if the file grows while it is read.
    let file = std::fs::File::open(path).map_err(read_error)?;
    Ok(file.take(MAX_PLAN_FILE_BYTES + 1))
}

/// The body `reader` gives, parsed as `T`, and its checksum, without
/// holding its bytes (13 MB at 10,000 resources, beside the parsed plan).
/// The body is hashed as it is parsed, and a checksum that does not match
/// the header wins over whatever the parse found: a damaged file is
/// refused as damaged. (Parsing before the checksum is known exposes
/// nothing a file with a matching checksum could not: anyone can
/// compute one.)
fn read_body<T: serde::de::DeserializeOwned>(
    mut reader: impl Read,
    path: &str,
) -> Result<(T, PlanChecksum), PlanFileError> {
    let path = path.to_string();
    let read_error = |source| PlanFileError::Read {
        path: path.clone(),
        source,
    };
    let mut start = Vec::new();
    (&mut reader)
        .take(HEADER_READ_BYTES)
        .read_to_end(&mut start)
        .map_err(read_error)?;
    let (claimed, body_start) = split_header(&start, &path)?;
    let mut body = std::io::BufReader::with_capacity(
        1 << 16,
        Hashing::new(std::io::Cursor::new(body_start).chain(reader)),
    );
    let parsed: Result<T, _> = serde_json::from_reader(&mut body);
    // The rest of a body the parse gave up on still counts.
    std::io::copy(&mut body, &mut std::io::sink()).map_err(read_error)?;
    let hashed = body.into_inner();
    if (start.len() - body_start.len()) as u64 + hashed.bytes > MAX_PLAN_FILE_BYTES {
        return Err(PlanFileError::TooLarge { path });
    }
    if claimed != hashed.checksum() {
        return Err(PlanFileError::Checksum { path });
    }
    let parsed = parsed.map_err(|e| match e.io_error_kind() {
        Some(_) => read_error(e.into()),
        None => PlanFileError::Invalid {
            path: path.clone(),
            detail: e.to_string(),
        },
    })?;
    Ok((parsed, PlanChecksum(claimed.to_string())))
}

/// How much of a file is looked at for its header line, which is 85
/// bytes.
const HEADER_READ_BYTES: u64 = 4096;

/// The checksum a file's header line claims, and what follows the line
/// in `start` (the file's first bytes), once magic and version are right.
/// A file without a line break there is not a plan, unless it starts as
/// one: then its header is damaged.
fn split_header<'a>(start: &'a [u8], path: &str) -> Result<(&'a str, &'a [u8]), PlanFileError> {
    let path = path.to_string();
    let (line, rest) = match start.iter().position(|&b| b == b'\n') {
        Some(i) => (&start[..i], &start[i + 1..]),
        None if (start.len() as u64) < HEADER_READ_BYTES => (&start[..0], &start[..0]),
        None => (start, &start[..0]),
    };
    let mut fields = std::str::from_utf8(line).unwrap_or_default().split(' ');
    if fields.next() != Some(MAGIC) {
        return Err(PlanFileError::NotAPlan { path });
    }
    let version = fields.next().unwrap_or_default();
    if version != PLAN_FILE_VERSION.to_string() {
        return Err(PlanFileError::Version {
            path,
            found: version.to_string(),
        });
    }
    match fields.next() {
        Some(claimed) if line.len() < start.len() => Ok((claimed, rest)),
        _ => Err(PlanFileError::Checksum { path }),
    }
}

/// A plan file's bytes: the header line (magic, version, checksum of
/// `body`) followed by `body`, as [`PlanFile::write`] writes them; public
/// (hidden) so the fuzz target can wrap arbitrary JSON bodies in a valid
/// header instead of re-implementing the checksum.
#[doc(hidden)]
pub fn frame(body: &[u8]) -> Vec<u8> {
    let header = header(&checksum(body));
    let mut out = Vec::with_capacity(header.len() + body.len());
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(body);
    out
}

/// The header line of a body with `checksum` (the one place it is made):
/// always the same length, so [`PlanFile::write`] can write it last.
fn header(checksum: &str) -> String {
    format!("{MAGIC} {PLAN_FILE_VERSION} {checksum}\n")
}

/// A writer or reader that hashes what goes through it.
struct Hashing<T> {
    inner: T,
    hasher: Sha256,
    bytes: u64,
}

impl<T> Hashing<T> {
    fn new(inner: T) -> Self {
        Hashing {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    /// What [`checksum`] says of everything that went through.
    fn checksum(self) -> String {
        format!("sha256:{}", hex::encode(self.hasher.finalize()))
    }
}

impl<W: std::io::Write> std::io::Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

/// `sha256:HEX` of a plan file's body, as its header line says it.
fn checksum(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// Digest of what the plan was made from: every file (by name, so the
/// same manifest checked out elsewhere has the same digest) and every
/// variable value.
pub fn manifest_digest(manifest: &Manifest) -> String {
    let mut hasher = Sha256::new();
    hash_files(manifest, &mut hasher);
    let mut vars: Vec<_> = manifest.variables.iter().collect();
    vars.sort_by(|a, b| a.name.cmp(&b.name));
    for v in vars {
        let value = format!("{}={:?}", v.name, v.value);
        hasher.update((value.len() as u64).to_le_bytes());
        hasher.update(value.as_bytes());
    }
    format!("sha256:{}", hex::encode(hasher.finalize()))
}

/// Digest of the manifest's files alone (by name, like
/// [`manifest_digest`]), without variable values.
pub fn files_digest(manifest: &Manifest) -> String {
    let mut hasher = Sha256::new();
    hash_files(manifest, &mut hasher);
    format!("sha256:{}", hex::encode(hasher.finalize()))
}

fn hash_files(manifest: &Manifest, hasher: &mut Sha256) {
    let mut files: Vec<_> = manifest
        .sources
        .files()
        .map(|(_, f)| {
            let name = f.path.file_name().map(|n| n.to_string_lossy().into_owned());
            (name.unwrap_or_default(), f.text.as_str())
        })
        .collect();
    files.sort();
    for (name, text) in files {
        for part in [name.as_bytes(), text.as_bytes()] {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live::LiveState;

    fn live(name: &str, id: &str) -> LiveResource {
        LiveResource {
            resource_type: decom_parser::ResourceType::SupplyChainInstance,
            region: "us-east-1".into(),
            id: id.into(),
            name: name.into(),
            account_id: Some("111111111111".into()),
            status: String::new(),
            state: LiveState::Deletable,
            relations: Vec::new(),
        }
    }

    #[test]
    fn a_name_or_id_with_a_hidden_value_pins_nothing() {
        let hidden = format!("alpha-{}", Redaction::MARK);
        let mut memory = Memory::default();
        remember(&mut memory, &live(&hidden, "id-1"));
        remember(&mut memory, &live("beta", &hidden));
        remember(&mut memory, &live("gamma", "id-3"));
        let ty = decom_parser::ResourceType::SupplyChainInstance;
        let count = |name: &str| memory.remembered(ty, "us-east-1", name).count();
        assert_eq!((count(&hidden), count("beta"), count("gamma")), (0, 0, 1));
    }
}
