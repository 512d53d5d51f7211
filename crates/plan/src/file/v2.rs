//! The plan file's body, format version 2, in types of its own.
//!
//! Nothing here is an in-memory type of the plan: renaming a field or a
//! variant of `Plan`, `LiveResource` or `EdgeReason` cannot change what
//! a plan file says, and a format change is a change to this module (and
//! to [`super::PLAN_FILE_VERSION`]). Enumerations are written by the
//! names the kinds table and this module give them.

use std::time::Duration;

use time::OffsetDateTime;

use decom_graph::{EdgeReason, Site};
use decom_parser::{Address, FileId, Location, RelationAttr, ResourceType, Span};

use super::{ManifestLocation, PlanFile, QuotaRate, SavedEdge};
use crate::stale::BaselineLines;
use crate::{
    Action, Cascade, GitState, LiveRelation, LiveResource, LiveState, Memory, Placement,
    PlannedResource, PlannedVariable, Provenance,
};

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Body {
    decom_version: String,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    manifest_path: String,
    /// The manifest's path from the plan file's directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    manifest_from_plan_file: Option<String>,
    /// The manifest's path from the root of its git work tree.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    manifest_from_git_root: Option<String>,
    manifest_digest: String,
    /// Digest of the manifest's files without variable values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    files_digest: Option<String>,
    git_commit: Option<String>,
    /// The work tree had uncommitted changes at plan time.
    #[serde(default)]
    git_dirty: bool,
    /// Every variable; sensitive ones without a value.
    #[serde(default)]
    variables: Vec<FileVariable>,
    sandbox: bool,
    journal: Option<String>,
    targets: Vec<Address>,
    resources: Vec<Resource>,
    edges: Vec<Edge>,
    warnings: Vec<String>,
    /// Children deleted with a planned parent: absent when there are none
    /// (and in files written before cascades), so those files read and
    /// write as before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    cascades: Vec<FileCascade>,
    /// The refill rates the plan read of the quotas that throttled it:
    /// absent when none did.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    quota_rates: Vec<FileQuotaRate>,
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileQuotaRate {
    account: String,
    region: String,
    service: String,
    /// Requests per second.
    refill: f64,
}

/// A child deleted with its parent: the parent's address and the child's
/// live facts.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileCascade {
    parent: Address,
    live: Live,
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileVariable {
    name: String,
    sensitive: bool,
    /// Absent for a sensitive variable: never written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    value: Option<serde_json::Value>,
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Resource {
    address: Address,
    action: FileAction,
    wave: usize,
    region: String,
    profile: Option<String>,
    /// The account the plan's credentials acted in (absent in files made
    /// before decom asked STS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    account: Option<String>,
    delete_timeout_seconds: u64,
    live: Option<Live>,
}

#[derive(Clone, Copy, serde::Serialize, serde::Deserialize)]
enum FileAction {
    #[serde(rename = "delete")]
    Delete,
    #[serde(rename = "wait")]
    Wait,
    #[serde(rename = "no-op")]
    NoOp,
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Live {
    /// The kinds table's name (`aws_apprunner_service`).
    #[serde(rename = "type")]
    resource_type: String,
    region: String,
    id: String,
    name: String,
    account_id: Option<String>,
    status: String,
    state: FileState,
    relations: Vec<Relation>,
}

#[derive(Clone, Copy, serde::Serialize, serde::Deserialize)]
enum FileState {
    #[serde(rename = "deletable")]
    Deletable,
    #[serde(rename = "busy")]
    Busy,
    #[serde(rename = "deleting")]
    Deleting,
    #[serde(rename = "gone")]
    Gone,
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Relation {
    /// The relation attribute's name (`service_arn`).
    attr: String,
    target: Option<String>,
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Edge {
    before: Address,
    after: Address,
    reasons: Vec<Reason>,
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", deny_unknown_fields)]
enum Reason {
    #[serde(rename = "reference")]
    Reference { attribute: String, at: FileSite },
    #[serde(rename = "depends_on")]
    DependsOn { at: FileSite },
    #[serde(rename = "live")]
    Live { relation: String },
}

#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSite {
    file: String,
    line: usize,
    column: usize,
    /// The byte range in the manifest file (`file_index` of the plan's
    /// manifest), for diagnostics.
    file_index: u32,
    start: usize,
    end: usize,
}

impl From<PlanFile> for Body {
    fn from(f: PlanFile) -> Body {
        let (git_commit, git_dirty) = match f.provenance.git {
            Some(g) => (Some(g.commit), g.dirty),
            None => (None, false),
        };
        Body {
            decom_version: f.decom_version,
            created_at: f.provenance.created_at,
            manifest_path: f.manifest_path,
            manifest_from_plan_file: f.manifest_location.from_plan_file,
            manifest_from_git_root: f.manifest_location.from_git_root,
            manifest_digest: f.manifest_digest,
            files_digest: f.files_digest,
            git_commit,
            git_dirty,
            variables: f
                .provenance
                .variables
                .into_iter()
                .map(|v| FileVariable {
                    name: v.name,
                    sensitive: v.value.is_none(),
                    value: v.value,
                })
                .collect(),
            sandbox: f.sandbox,
            journal: f.journal,
            targets: f.targets,
            resources: f.resources.into_iter().map(Resource::from).collect(),
            edges: f.edges.into_iter().map(Edge::from).collect(),
            warnings: f.warnings,
            cascades: f
                .cascades
                .into_iter()
                .map(|c| FileCascade {
                    parent: c.parent,
                    live: Live::from(c.live),
                })
                .collect(),
            quota_rates: f
                .quota_rates
                .into_iter()
                .map(|q| FileQuotaRate {
                    account: q.account,
                    region: q.region,
                    service: q.service,
                    refill: q.refill,
                })
                .collect(),
        }
    }
}

impl TryFrom<Body> for PlanFile {
    type Error = String;

    fn try_from(b: Body) -> Result<PlanFile, String> {
        let variables = b
            .variables
            .into_iter()
            .map(|v| match (v.sensitive, v.value) {
                (true, None) => Ok(PlannedVariable {
                    name: v.name,
                    value: None,
                }),
                (false, Some(value)) => Ok(PlannedVariable {
                    name: v.name,
                    value: Some(value),
                }),
                (true, Some(_)) => Err(format!("sensitive variable {} has a value", v.name)),
                (false, None) => Err(format!("variable {} has no value", v.name)),
            })
            .collect::<Result<_, String>>()?;
        Ok(PlanFile {
            decom_version: b.decom_version,
            provenance: Provenance {
                created_at: b.created_at,
                git: b.git_commit.map(|commit| GitState {
                    commit,
                    dirty: b.git_dirty,
                }),
                variables,
            },
            manifest_path: b.manifest_path,
            manifest_location: ManifestLocation {
                from_plan_file: b.manifest_from_plan_file,
                from_git_root: b.manifest_from_git_root,
            },
            manifest_digest: b.manifest_digest,
            files_digest: b.files_digest,
            sandbox: b.sandbox,
            journal: b.journal,
            targets: b.targets,
            resources: b
                .resources
                .into_iter()
                .map(PlannedResource::try_from)
                .collect::<Result<_, _>>()?,
            edges: b.edges.into_iter().map(SavedEdge::from).collect(),
            warnings: b.warnings,
            cascades: b
                .cascades
                .into_iter()
                .map(|c| {
                    Ok(Cascade {
                        live: c.live.into_child_live()?,
                        parent: c.parent,
                    })
                })
                .collect::<Result<_, String>>()?,
            quota_rates: b
                .quota_rates
                .into_iter()
                .map(quota_rate)
                .collect::<Result<_, String>>()?,
        })
    }
}

/// A saved quota rate, if it is a rate: a positive, finite number.
fn quota_rate(q: FileQuotaRate) -> Result<QuotaRate, String> {
    if !(q.refill.is_finite() && q.refill > 0.0) {
        return Err(format!(
            "the quota rate of {} in {} is not a positive number",
            q.service, q.region
        ));
    }
    Ok(QuotaRate {
        account: q.account,
        region: q.region,
        service: q.service,
        refill: q.refill,
    })
}

impl From<PlannedResource> for Resource {
    fn from(r: PlannedResource) -> Resource {
        Resource {
            address: r.address,
            action: match r.action {
                Action::Delete => FileAction::Delete,
                Action::Wait => FileAction::Wait,
                Action::NoOp => FileAction::NoOp,
            },
            wave: r.wave,
            region: r.placement.region,
            profile: r.placement.profile,
            account: r.placement.account,
            delete_timeout_seconds: r.delete_timeout.as_secs(),
            live: r.live.map(Live::from),
        }
    }
}

impl TryFrom<Resource> for PlannedResource {
    type Error = String;

    fn try_from(r: Resource) -> Result<PlannedResource, String> {
        Ok(PlannedResource {
            action: match r.action {
                FileAction::Delete => Action::Delete,
                FileAction::Wait => Action::Wait,
                FileAction::NoOp => Action::NoOp,
            },
            wave: r.wave,
            placement: Placement {
                region: r.region,
                profile: r.profile,
                // The role is not saved: apply plans again with the
                // manifest's providers and compares.
                role: None,
                account: r.account,
            },
            delete_timeout: Duration::from_secs(r.delete_timeout_seconds),
            live: r.live.map(|l| l.into_live(&r.address)).transpose()?,
            address: r.address,
        })
    }
}

impl From<LiveResource> for Live {
    fn from(l: LiveResource) -> Live {
        Live {
            resource_type: l.resource_type.name().to_string(),
            region: l.region,
            id: l.id,
            name: l.name,
            account_id: l.account_id,
            status: l.status,
            state: match l.state {
                LiveState::Deletable => FileState::Deletable,
                LiveState::Busy => FileState::Busy,
                LiveState::Deleting => FileState::Deleting,
                LiveState::Gone => FileState::Gone,
            },
            relations: l
                .relations
                .into_iter()
                .map(|r| Relation {
                    attr: r.attr.name().to_string(),
                    target: r.target,
                })
                .collect(),
        }
    }
}

impl Live {
    /// The live resource of `address`: of its type, with relations its
    /// type has.
    fn into_live(self, address: &Address) -> Result<LiveResource, String> {
        let resource_type = ResourceType::from_name(&self.resource_type)
            .filter(|t| *t == address.resource_type)
            .ok_or_else(|| format!("{address} has live type {}", self.resource_type))?;
        self.into_live_of(resource_type, &address.to_string())
    }

    /// A cascaded child: of a known type, with relations its type has.
    fn into_child_live(self) -> Result<LiveResource, String> {
        let resource_type = ResourceType::from_name(&self.resource_type)
            .ok_or_else(|| format!("a cascade has unknown type {}", self.resource_type))?;
        let shown = format!("{resource_type} {}", self.id);
        self.into_live_of(resource_type, &shown)
    }

    /// The live resource, of `resource_type`; `address` names it in errors.
    fn into_live_of(
        self,
        resource_type: ResourceType,
        address: &str,
    ) -> Result<LiveResource, String> {
        let relations = self
            .relations
            .into_iter()
            .map(|r| {
                let attr = RelationAttr::from_name(&r.attr)
                    .filter(|a| resource_type.relation(*a).is_some())
                    .ok_or_else(|| format!("{address} has no relation {}", r.attr))?;
                Ok(LiveRelation {
                    attr,
                    target: r.target,
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(LiveResource {
            resource_type,
            region: self.region,
            id: self.id,
            name: self.name,
            account_id: self.account_id,
            status: self.status,
            state: match self.state {
                FileState::Deletable => LiveState::Deletable,
                FileState::Busy => LiveState::Busy,
                FileState::Deleting => LiveState::Deleting,
                FileState::Gone => LiveState::Gone,
            },
            relations,
        })
    }
}

impl From<SavedEdge> for Edge {
    fn from(e: SavedEdge) -> Edge {
        Edge {
            before: e.before,
            after: e.after,
            reasons: e.reasons.into_iter().map(Reason::from).collect(),
        }
    }
}

impl From<Edge> for SavedEdge {
    fn from(e: Edge) -> SavedEdge {
        SavedEdge {
            before: e.before,
            after: e.after,
            reasons: e.reasons.into_iter().map(EdgeReason::from).collect(),
        }
    }
}

impl From<EdgeReason> for Reason {
    fn from(r: EdgeReason) -> Reason {
        match r {
            EdgeReason::Reference { attribute, at } => Reason::Reference {
                attribute,
                at: at.into(),
            },
            EdgeReason::DependsOn { at } => Reason::DependsOn { at: at.into() },
            EdgeReason::Live { relation } => Reason::Live { relation },
        }
    }
}

impl From<Reason> for EdgeReason {
    fn from(r: Reason) -> EdgeReason {
        match r {
            Reason::Reference { attribute, at } => EdgeReason::Reference {
                attribute,
                at: at.into(),
            },
            Reason::DependsOn { at } => EdgeReason::DependsOn { at: at.into() },
            Reason::Live { relation } => EdgeReason::Live { relation },
        }
    }
}

impl From<Site> for FileSite {
    fn from(s: Site) -> FileSite {
        FileSite {
            file: s.location.file,
            line: s.location.line,
            column: s.location.column,
            file_index: s.span.file.0,
            start: s.span.start,
            end: s.span.end,
        }
    }
}

impl From<FileSite> for Site {
    fn from(s: FileSite) -> Site {
        Site {
            span: Span {
                file: FileId(s.file_index),
                start: s.start,
                end: s.end,
            },
            location: Location {
                file: s.file,
                line: s.line,
                column: s.column,
            },
        }
    }
}

/// The body as [`super::PlanFile::read_baseline`] reads it: only what a
/// [`Baseline`](crate::Baseline) is made of, each resource and cascade
/// digested as it is parsed and then dropped. Other fields are skipped:
/// the file is the one a full read checked (same checksum).
#[derive(serde::Deserialize)]
pub(super) struct BaselineBody {
    manifest_digest: String,
    resources: Each<Resource, BaselineLines>,
    #[serde(default)]
    cascades: Each<FileCascade, BaselineLines>,
}

impl BaselineBody {
    pub(super) fn into_baseline(self) -> crate::Baseline {
        let mut lines = self.resources.made;
        lines.extend(self.cascades.made);
        lines.finish(self.manifest_digest)
    }
}

/// The body as [`super::PlanFile::read_names`] reads it: the names its
/// resources resolved, each resource dropped once remembered.
#[derive(serde::Deserialize)]
pub(super) struct NamesBody {
    resources: Each<Resource, Memory>,
}

impl NamesBody {
    pub(super) fn into_memory(self) -> Memory {
        self.resources.made
    }
}

/// A JSON array of `T`, each element added to what it makes as it is parsed.
struct Each<T, Made> {
    made: Made,
    of: std::marker::PhantomData<T>,
}

impl<T, Made: Default> Default for Each<T, Made> {
    fn default() -> Self {
        Each {
            made: Made::default(),
            of: std::marker::PhantomData,
        }
    }
}

/// A saved entry that adds to what a streaming read makes.
trait AddTo<Made> {
    fn add_to(self, made: &mut Made) -> Result<(), String>;
}

impl AddTo<BaselineLines> for Resource {
    fn add_to(self, lines: &mut BaselineLines) -> Result<(), String> {
        lines.add_resource(&PlannedResource::try_from(self)?);
        Ok(())
    }
}

impl AddTo<BaselineLines> for FileCascade {
    fn add_to(self, lines: &mut BaselineLines) -> Result<(), String> {
        let cascade = Cascade {
            live: self.live.into_child_live()?,
            parent: self.parent,
        };
        lines.add_cascade(&cascade);
        Ok(())
    }
}

impl AddTo<Memory> for Resource {
    fn add_to(self, memory: &mut Memory) -> Result<(), String> {
        if let Some(live) = &PlannedResource::try_from(self)?.live {
            super::remember(memory, live);
        }
        Ok(())
    }
}

impl<'de, T, Made> serde::Deserialize<'de> for Each<T, Made>
where
    T: AddTo<Made> + serde::Deserialize<'de>,
    Made: Default,
{
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Elements<T, Made>(std::marker::PhantomData<(T, Made)>);
        impl<'de, T, Made> serde::de::Visitor<'de> for Elements<T, Made>
        where
            T: AddTo<Made> + serde::Deserialize<'de>,
            Made: Default,
        {
            type Value = Each<T, Made>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list")
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = Each::default();
                while let Some(entry) = seq.next_element::<T>()? {
                    entry
                        .add_to(&mut out.made)
                        .map_err(serde::de::Error::custom)?;
                }
                Ok(out)
            }
        }
        d.deserialize_seq(Elements(std::marker::PhantomData))
    }
}
