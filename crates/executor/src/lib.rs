//! decom's apply engine.
//!
//! Takes an approved plan ([`ApprovedPlan`]) and deletes it through a
//! [`Cloud`] (implemented by `decom-aws`, or anything else that speaks the
//! trait): each resource as soon as everything before it is confirmed gone,
//! waiting without holding a request slot, polling in batches, retrying
//! what AWS refuses only for now, skipping what comes after a failure,
//! stopping cleanly on interrupt. Every state change is an [`Event`]: the
//! CLI prints them and appends them to the [`journal`]; the [`lock`] keeps
//! two applies apart.

mod approved;
mod cloud;
mod events;
pub mod journal;
pub mod lock;
mod poller;
mod scheduler;
mod waits;

pub use approved::{ApprovedDelete, ApprovedPlan};
pub use cloud::{
    Accepted, Cloud, DeleteError, DeleteErrorKind, Observation, ObserveError, ObserveErrorKind,
    WatchGroup, Watched,
};
pub use events::{human, Event, EventKind, Subject};
pub use poller::PollSchedule;
pub use scheduler::{apply, ApplyOptions, Interrupt, Summary};
