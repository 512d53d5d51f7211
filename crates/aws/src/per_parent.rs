//! Kinds AWS lists only per parent (custom domains per service, datasets
//! per namespace): which parents' children refresh lists, once each, and
//! in parent-before-child order (DESIGN section 9: no call the plan does
//! not need). A child kind `C` listed per its relation `P`
//! ([`crate::resources::KindApi::listed_per`]) is listed under:
//!
//! (a) each live, non-gone resource of a type `P` points at that is
//!     *reached* — planned, or itself found under a reached parent —
//!     when `C`'s resources may block it or go with it (`P` blocks with
//!     the child first, or `C` is cascaded by `P`): what the plan must
//!     show or refuse;
//! (b) each parent a planned `C` names in `P` (a known value, or a
//!     reference to a manifest resource whose live id refresh knows by
//!     then), unless refresh knows it is gone.
//!
//! Lists repeat until no new list is needed, so a chain (instance ->
//! namespace -> dataset) is followed one level at a time, a parent's
//! children listed without waiting for every list of its level.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use futures_util::stream::{FuturesUnordered, StreamExt};

use decom_kinds::{End, Relation};
use decom_parser::{ResourceInstance, ResourceType};
use decom_plan::{Inventory, LiveResource, LiveState};

use crate::connect::{AwsCloud, Target};
use crate::error::CloudError;
use crate::live_ids::Known;
use crate::refresh::{self, take_turns, STARTED_AT_ONCE};
use crate::resources::api;

/// One list of `child` resources under `parent` at the target numbered
/// `target` (see [`Targets`]).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct ParentList {
    pub target: usize,
    pub child: ResourceType,
    pub parent: String,
}

/// A live resource at the target numbered `.0`.
type Reached = (usize, ResourceType, String);

/// The distinct targets of the placed resources, numbered in their order.
/// Lists and reached parents carry the number: `needed` runs a few dozen
/// times a refresh over every placed resource and every parent found, and
/// copying and comparing a placement (its region, profile, role and
/// account strings) there cost more CPU than the lists' own requests.
struct Targets<'a> {
    all: Vec<&'a Target>,
    /// The number of each placed resource's target, by its index in `placed`.
    of_placed: Vec<usize>,
}

impl<'a> Targets<'a> {
    fn new(placed: &'a [(Target, &ResourceInstance)]) -> Self {
        let all: Vec<&Target> = placed
            .iter()
            .map(|(t, _)| t)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let number: HashMap<&Target, usize> =
            all.iter().enumerate().map(|(i, t)| (*t, i)).collect();
        let of_placed = placed.iter().map(|(t, _)| number[t]).collect();
        Targets { all, of_placed }
    }
}

/// Lists the children of every parent the plan needs, into `inventory`.
/// `region_wide`: the (target, type) pairs already listed whole.
///
/// Lists found needed go out taking turns by target ([`take_turns`]), at
/// most [`STARTED_AT_ONCE`] started at a time; when half of them are
/// answered, what is known then says which lists the answered parents
/// need next, and those queue behind the rest. A round of one target (one
/// quota) does not wait for another target's round, and its quota stays
/// busy while the tail of a round is answered. Recomputing at halves
/// keeps the recomputations few (about the logarithm of a round's lists).
pub(crate) async fn list_children(
    cloud: &AwsCloud,
    placed: &[(Target, &ResourceInstance)],
    inventory: &mut Inventory,
    region_wide: &BTreeSet<(Target, ResourceType)>,
) -> Result<(), CloudError> {
    let targets = Targets::new(placed);
    let mut started: BTreeSet<ParentList> = BTreeSet::new();
    let mut found_reached: BTreeSet<Reached> = BTreeSet::new();
    let mut waiting: VecDeque<(ParentList, bool)> = VecDeque::new();
    let mut in_flight = FuturesUnordered::new();
    let mut recompute_at = 0;
    loop {
        if in_flight.len() + waiting.len() <= recompute_at {
            let seen = Seen {
                found_reached: &found_reached,
                started: &started,
                region_wide,
            };
            let new = needed(placed, &targets, inventory, &seen);
            started.extend(new.keys().cloned());
            waiting.extend(take_turns(new, |(l, _)| (l.target, l.child)));
            recompute_at = next_recompute(in_flight.len() + waiting.len());
        }
        while in_flight.len() < STARTED_AT_ONCE {
            let Some((list, reaches)) = waiting.pop_front() else {
                break;
            };
            let target = targets.all[list.target];
            in_flight.push(async move {
                let parent = Some(list.parent.as_str());
                let children = refresh::list(cloud, target, list.child, parent).await;
                (list, reaches, children)
            });
        }
        let Some((list, reaches, children)) = in_flight.next().await else {
            return Ok(());
        };
        for child in children? {
            if reaches && child.state != LiveState::Gone {
                found_reached.insert((list.target, child.resource_type, child.id.clone()));
            }
            inventory.insert(child);
        }
    }
}

/// Below this many lists outstanding, the next recomputation waits for
/// all of them: each one walks every placed resource and parent found
/// (tens of milliseconds at 10,000 resources), and halving down to one
/// list made a handful of them run back to back, on one thread, while the
/// last few lists were answered in a millisecond each.
const RECOMPUTE_FLOOR: usize = 32;

/// How many lists may still be outstanding when the needed lists are next
/// recomputed, with `outstanding` now.
fn next_recompute(outstanding: usize) -> usize {
    let half = outstanding / 2;
    if half < RECOMPUTE_FLOOR {
        0
    } else {
        half
    }
}

/// What refresh has done so far, for [`needed`].
struct Seen<'s> {
    /// Live children found under reached parents (reached themselves).
    found_reached: &'s BTreeSet<Reached>,
    /// The lists already started.
    started: &'s BTreeSet<ParentList>,
    /// The (target, type) pairs listed whole.
    region_wide: &'s BTreeSet<(Target, ResourceType)>,
}

/// The lists the plan needs now and has not started, each with whether its
/// parent is reached (its children are then reached too).
fn needed(
    placed: &[(Target, &ResourceInstance)],
    targets: &Targets<'_>,
    inventory: &Inventory,
    seen: &Seen<'_>,
) -> BTreeMap<ParentList, bool> {
    let known = Known::new(inventory, placed);
    let mut reached_placed: Vec<Reached> = Vec::new();
    for ((target, r), &at) in placed.iter().zip(&targets.of_placed) {
        let ty = r.address.resource_type;
        for id in known.live_ids(target, r) {
            reached_placed.push((at, ty, id));
        }
    }
    let live = |ty: ResourceType, id: &str| {
        inventory
            .get(ty, id)
            .is_some_and(|l: &LiveResource| l.state != LiveState::Gone)
    };
    let mut out: BTreeMap<ParentList, bool> = BTreeMap::new();
    let mut want = |list: ParentList, reaches: bool| {
        if !seen.started.contains(&list) {
            let entry = out.entry(list).or_insert(reaches);
            *entry |= reaches;
        }
    };
    for (child, rel) in per_parent_kinds() {
        // (a) reached parents whose children may block or go with them.
        if matters_to_parent(child, rel) {
            for (target, ty, id) in seen.found_reached.iter().chain(&reached_placed) {
                if rel.targets.contains(ty) && live(*ty, id) {
                    let list = ParentList {
                        target: *target,
                        child,
                        parent: id.clone(),
                    };
                    want(list, true);
                }
            }
        }
        // (b) the parents planned children name.
        for ((target, r), &at) in placed
            .iter()
            .zip(&targets.of_placed)
            .filter(|((_, r), _)| r.address.resource_type == child)
        {
            for parent in known.target_ids(r, rel) {
                let gone = |t: &ResourceType| match inventory.get(*t, &parent) {
                    Some(l) => l.state == LiveState::Gone,
                    None => seen.region_wide.contains(&(target.clone(), *t)),
                };
                if rel.targets.iter().all(gone) {
                    continue;
                }
                let list = ParentList {
                    target: at,
                    child,
                    parent,
                };
                want(list, false);
            }
        }
    }
    out
}

/// Every kind listed per parent, with the relation to its parent.
pub(crate) fn per_parent_kinds() -> impl Iterator<Item = (ResourceType, &'static Relation)> {
    ResourceType::ALL
        .into_iter()
        .filter_map(|ty| Some((ty, ty.relation(api(ty).listed_per()?)?)))
}

/// Whether a parent's live children of `child` concern the plan when the
/// parent is planned: they would block its delete, or go with it.
fn matters_to_parent(child: ResourceType, rel: &Relation) -> bool {
    let blocks = rel.blocks && rel.first == End::Holder;
    blocks || child.kind().cascaded_by.contains(&rel.attr)
}

/// Whether `ty` is listed per parent.
pub(crate) fn is_per_parent(ty: ResourceType) -> bool {
    api(ty).listed_per().is_some()
}
