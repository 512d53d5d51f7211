//! `decom discover`: write a manifest (HCL on stdout) for the live
//! resources that match filters, with the references between them filled
//! in, so nobody types ARNs by hand.

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;

use decom_aws::discover::{DiscoverRequest, Discovered};
use decom_aws::Target;
use decom_parser::writer::{block_name, Block, Reference};
use decom_parser::{Address, ResourceType};

use super::cloud_args::{runtime, CloudArgs};
use super::console::{errln, out};
use super::style::Style;
use super::Outcome;

/// Write a manifest for live resources that match filters (HCL on stdout).
///
/// Lists the chosen types in the chosen regions, keeps what matches every
/// filter (type, region, name, tags), and prints one resource block per
/// match: addressed by its name, identified by ARN or id, its relations
/// written as references to the other blocks, and a comment with its live
/// status and tags. With --include-dependents it adds what would block
/// deleting a match, so the manifest plans without blockers. Reads only:
/// no request that changes anything is ever sent. Review the output, then
/// `decom plan` it.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  decom discover --name-regex '^shop-staging-' > teardown.hcl\n  decom discover --type aws_apprunner_vpc_connector --tag env=staging --include-dependents > teardown.hcl\n  decom discover --type aws_dx_connection --region us-east-1 --region us-west-2 --include-dependents"
)]
pub struct DiscoverArgs {
    /// Only resources of this type (repeatable; default: every type).
    #[arg(long = "type", value_name = "TYPE", value_parser = parse_type)]
    types: Vec<ResourceType>,

    /// Only resources whose name matches this regular expression
    /// (unanchored: use ^ and $ to match the whole name).
    #[arg(long, value_name = "REGEX", value_parser = parse_regex)]
    name_regex: Option<regex::Regex>,

    /// Only resources with this tag (repeatable: every tag must match).
    #[arg(long = "tag", value_name = "KEY=VALUE", value_parser = parse_tag)]
    tags: Vec<(String, String)>,

    /// Look in this region (repeatable, or comma-separated; default:
    /// AWS_REGION or the profile's region). The first is the manifest's
    /// default provider; the others get a provider alias.
    #[arg(
        long = "region",
        value_name = "REGION",
        value_delimiter = ',',
        value_parser = super::cloud_args::parse_region
    )]
    regions: Vec<String>,

    /// Also include what would block deleting a match: the services using a
    /// VPC connector and their ingress connections, the ingress connections
    /// of a service, the virtual interfaces of a Direct Connect connection.
    #[arg(long)]
    include_dependents: bool,

    /// Send AWS requests here (the simulator, LocalStack...); else the
    /// standard AWS_ENDPOINT_URL* variables, else AWS.
    #[arg(long, value_name = "URL")]
    pub(super) endpoint_url: Option<String>,

    /// AWS profile (else AWS_PROFILE or the default chain); written into
    /// the generated provider blocks.
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,

    /// API requests in flight at once, per AWS service and region.
    #[arg(long, value_name = "N", default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..=256))]
    parallelism: u16,

    /// Not supported: discover reads a real account (there is no manifest
    /// to seed a sandbox from).
    #[arg(long, hide = true)]
    sandbox: bool,
}

fn parse_type(s: &str) -> Result<ResourceType, String> {
    ResourceType::from_name(s).ok_or_else(|| {
        let names: Vec<&str> = ResourceType::ALL.iter().map(|t| t.name()).collect();
        format!(
            "unknown resource type; expected one of: {}",
            names.join(", ")
        )
    })
}

fn parse_regex(s: &str) -> Result<regex::Regex, String> {
    regex::Regex::new(s).map_err(|e| match e {
        // A drawing of the pattern with a caret under the fault, whose
        // last line says what it is: that line, for a one-line error.
        regex::Error::Syntax(drawing) => drawing
            .lines()
            .last()
            .and_then(|line| line.strip_prefix("error: "))
            .map_or_else(
                || drawing.replace('\n', " "),
                |why| format!("not a regular expression: {why}"),
            ),
        other => other.to_string(),
    })
}

fn parse_tag(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err("expected KEY=VALUE".to_string()),
    }
}

pub fn run(args: DiscoverArgs, _style: Style) -> Outcome {
    if args.sandbox {
        errln!(
            "error: discover does not support --sandbox: it reads live inventory, and a sandbox is seeded from a manifest; run `decom discover` against an account or a simulator (--endpoint-url), then `decom plan --sandbox` on its output"
        );
        return Outcome::Failure;
    }
    match discover(&args) {
        Ok((text, summary)) => {
            out!("{text}");
            errln!("{summary}");
            Outcome::Success
        }
        Err(message) => {
            errln!("error: {message}");
            Outcome::Failure
        }
    }
}

/// Runs the discovery: the manifest text and a one-line summary.
fn discover(args: &DiscoverArgs) -> Result<(String, String), String> {
    let cloud_args = CloudArgs {
        endpoint_url: args.endpoint_url.clone(),
        region: None,
        profile: args.profile.clone(),
        sandbox: false,
        parallelism: args.parallelism,
        request_timeout: decom_aws::Timeouts::DEFAULT_ATTEMPT,
    };
    let cloud = cloud_args.connect(None);
    let rt = runtime().map_err(|e| format!("cannot start: {e}"))?;
    rt.block_on(async {
        cloud
            .check_setup(&args.profile)
            .await
            .map_err(|e| e.to_string())?;
        let mut regions: Vec<String> = Vec::new();
        for r in &args.regions {
            if !regions.contains(r) {
                regions.push(r.clone());
            }
        }
        if regions.is_empty() {
            let region = cloud.chain_region().await.ok_or(
                "no region: pass --region (repeatable) or set AWS_REGION or the profile's region",
            )?;
            regions.push(region);
        }
        let types = if args.types.is_empty() {
            ResourceType::ALL.to_vec()
        } else {
            let mut t = args.types.clone();
            t.sort();
            t.dedup();
            t
        };
        let name_filter = |name: &str| args.name_regex.as_ref().is_none_or(|re| re.is_match(name));
        let request = DiscoverRequest {
            types,
            targets: regions
                .iter()
                .map(|region| Target {
                    profile: args.profile.clone(),
                    region: region.clone(),
                    role: None,
                    account: None,
                })
                .collect(),
            name_filter: &name_filter,
            tags: args.tags.clone(),
            include_dependents: args.include_dependents,
        };
        let found = decom_aws::discover::discover(&cloud, &request)
            .await
            .map_err(|e| format!("discover failed: {e}"))?;
        let text = render(&found, &regions, args.profile.as_deref());
        let dependents = found.iter().filter(|d| d.dependent_of.is_some()).count();
        let calls: usize = cloud.calls().iter().map(|(_, n)| n).sum();
        let summary = format!(
            "Discovered {} in {} ({} matched the filters, {} included as dependents; {} API calls, none mutating).",
            plural(found.len(), "resource"),
            regions.join(", "),
            found.len() - dependents,
            dependents,
            calls
        );
        Ok((text, summary))
    })
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The manifest: provider blocks (the first region is the default, the
/// others get an alias named after the region), then one resource block per
/// resource, sorted by type (in deletion order) and address.
fn render(found: &[Discovered], regions: &[String], profile: Option<&str>) -> String {
    let labels = labels(found);
    let label_of = |ty: ResourceType, id: &str| labels.get(&(ty, id.to_string()));
    let alias_of: HashMap<&str, Option<String>> = regions
        .iter()
        .enumerate()
        .map(|(i, r)| (r.as_str(), (i > 0).then(|| block_name(r))))
        .collect();

    let mut out = String::new();
    out.push_str(
        "# Written by `decom discover` from live inventory. Review every block:\n# `decom plan` on this file deletes exactly these resources.\n",
    );
    for region in regions {
        let mut provider = Block::new("provider", &["aws"]);
        if let Some(Some(alias)) = alias_of.get(region.as_str()) {
            provider = provider.string("alias", alias);
        }
        provider = provider.string("region", region);
        if let Some(p) = profile {
            provider = provider.string("profile", p);
        }
        let _ = writeln!(out, "\n{provider}");
    }

    let mut ordered: Vec<&Discovered> = found.iter().collect();
    ordered.sort_by_key(|d| {
        (
            type_rank(d.resource.resource_type),
            label_of(d.resource.resource_type, &d.resource.id),
        )
    });
    if ordered.is_empty() {
        out.push_str("\n# No live resource matched the filters.\n");
    }
    for d in ordered {
        let r = &d.resource;
        let label = &labels[&(r.resource_type, r.id.clone())];
        let tags = if d.tags.is_empty() {
            "none".to_string()
        } else {
            d.tags
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut block = Block::new("resource", &[r.resource_type.name(), label])
            .comment(&format!("status: {}, tags: {tags}", r.status));
        if let Some((ty, id)) = &d.dependent_of {
            if let Some(blocked) = label_of(*ty, id) {
                block = block.comment(&format!(
                    "included as a dependent: it would block deleting {ty}.{blocked}"
                ));
            }
        }
        // A composite's parts; one that is a relation is written with it.
        let parts = r.resource_type.split_id(&r.id);
        let part = |name: &str| {
            let parts = parts.as_deref().unwrap_or_default();
            parts.iter().find(|(p, _)| *p == name).map(|(_, v)| *v)
        };
        match &parts {
            None => block = block.string(r.resource_type.id_attribute(), &r.id),
            Some(parts) => {
                for (name, value) in parts {
                    let is_relation = r.resource_type.relation_attrs().any(|a| a.name() == *name);
                    if !is_relation {
                        block = block.string(name, value);
                    }
                }
            }
        }
        for rel in r.resource_type.relations() {
            let attr = rel.attr;
            let Some(Some(target)) = r.relation(attr) else {
                continue;
            };
            let labelled = rel
                .targets
                .iter()
                .find_map(|t| Some((*t, label_of(*t, target)?)));
            match labelled {
                Some((target_type, l)) => {
                    let to = Address {
                        resource_type: target_type,
                        name: l.clone(),
                        key: None,
                    };
                    let reference = Reference::to_resource(&to, rel.target_attribute(target_type));
                    block = block.reference(attr.name(), reference);
                }
                // A part of the identity is written even when what it
                // names is not in this manifest.
                None if part(attr.name()).is_some() => {
                    let value = part(attr.name()).unwrap_or_default();
                    block = block.string(attr.name(), value);
                }
                None => {
                    block = block.note(&format!(
                        "{} is {target} (not in this manifest, so not asserted)",
                        attr.name()
                    ));
                }
            }
        }
        if let Some(Some(alias)) = alias_of.get(r.region.as_str()) {
            block = block.reference("provider", Reference::to_provider(alias));
        }
        let _ = writeln!(out, "\n{block}");
    }
    out
}

/// Position of a type in the output: the kinds table's order, which is a
/// deletion order (ingress connections first, connectors last; virtual
/// interfaces before connections).
fn type_rank(ty: ResourceType) -> usize {
    ResourceType::ALL
        .iter()
        .position(|t| *t == ty)
        .unwrap_or(usize::MAX)
}

/// A unique block label per resource, from its name (its id when it has
/// none), sanitised; clashes within a type get `_2`, `_3`... in the order
/// of (label, region, id), so the result is stable.
fn labels(found: &[Discovered]) -> HashMap<(ResourceType, String), String> {
    let mut ordered: Vec<(ResourceType, String, &str, &str)> = found
        .iter()
        .map(|d| {
            let r = &d.resource;
            let base = if r.name.is_empty() { &r.id } else { &r.name };
            (
                r.resource_type,
                block_name(base),
                r.region.as_str(),
                r.id.as_str(),
            )
        })
        .collect();
    ordered.sort();
    let mut used: HashSet<(ResourceType, String)> = HashSet::new();
    let mut labels = HashMap::new();
    for (ty, base, _, id) in ordered {
        let mut label = base.clone();
        let mut n = 2;
        while used.contains(&(ty, label.clone())) {
            label = format!("{base}_{n}");
            n += 1;
        }
        used.insert((ty, label.clone()));
        labels.insert((ty, id.to_string()), label);
    }
    labels
}

#[cfg(test)]
mod tests {
    use super::*;
    use decom_parser::RelationAttr;
    use decom_plan::{LiveRelation, LiveResource, LiveState};

    fn live(ty: ResourceType, id: &str, name: &str, region: &str) -> LiveResource {
        LiveResource {
            resource_type: ty,
            region: region.into(),
            id: id.into(),
            name: name.into(),
            account_id: None,
            status: "RUNNING".into(),
            state: LiveState::Deletable,
            relations: Vec::new(),
        }
    }

    fn found(r: LiveResource) -> Discovered {
        Discovered {
            resource: r,
            tags: Default::default(),
            dependent_of: None,
        }
    }

    #[test]
    fn clashing_names_get_numbered_labels_in_a_stable_order() {
        let a = found(live(
            ResourceType::AppRunnerService,
            "arn:b",
            "Web",
            "us-east-1",
        ));
        let b = found(live(
            ResourceType::AppRunnerService,
            "arn:a",
            "web",
            "us-east-1",
        ));
        let c = found(live(
            ResourceType::AppRunnerService,
            "arn:c",
            "web_2",
            "us-east-1",
        ));
        let labels = labels(&[a, b, c]);
        assert_eq!(
            labels[&(ResourceType::AppRunnerService, "arn:a".into())],
            "web"
        );
        assert_eq!(
            labels[&(ResourceType::AppRunnerService, "arn:b".into())],
            "web_2"
        );
        assert_eq!(
            labels[&(ResourceType::AppRunnerService, "arn:c".into())],
            "web_2_2"
        );
    }

    #[test]
    fn relations_become_references_or_notes() {
        let conn = found(live(
            ResourceType::DxConnection,
            "dxcon-1",
            "nyc",
            "us-west-2",
        ));
        let mut vif = live(ResourceType::DxVirtualInterface, "dxvif-1", "", "us-west-2");
        vif.relations.push(LiveRelation {
            attr: RelationAttr::ConnectionId,
            target: Some("dxcon-1".into()),
        });
        let mut other = live(
            ResourceType::DxVirtualInterface,
            "dxvif-2",
            "x",
            "us-east-1",
        );
        other.relations.push(LiveRelation {
            attr: RelationAttr::ConnectionId,
            target: Some("dxcon-9".into()),
        });
        let text = render(
            &[conn, found(vif), found(other)],
            &["us-east-1".into(), "us-west-2".into()],
            None,
        );
        assert!(text.contains("resource \"aws_dx_virtual_interface\" \"dxvif_1\" {\n  id            = \"dxvif-1\"\n  connection_id = aws_dx_connection.nyc.id\n  provider      = aws.us_west_2\n}"), "{text}");
        assert!(
            text.contains("# connection_id is dxcon-9 (not in this manifest"),
            "{text}"
        );
        assert!(
            text.contains("  alias  = \"us_west_2\"\n  region = \"us-west-2\"\n"),
            "{text}"
        );
    }
}
