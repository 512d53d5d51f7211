//! decom's real cloud: the only crate (with the binary) that knows the AWS
//! SDK.
//!
//! - [`connect`]: clients from aws-config's standard chain plus decom's
//!   overrides, a bound on requests in flight, call counting.
//! - `resources`: one module per resource type, each implementing the
//!   crate's `KindApi` trait (list, describe, delete, tags); `resources::api`
//!   is the registry. Crate-private: deletes leave this crate only through
//!   [`decom_executor::Cloud::delete`], which takes an approved delete.
//! - [`identity`]: who the providers' credentials are (STS
//!   GetCallerIdentity, once per profile and role).
//! - [`refresh()`]: the batched reads a plan needs, and no more.
//! - [`discover`] and [`tags`]: the reads `decom discover` needs to write
//!   a manifest from live inventory.
//!
//! Everything it returns is in decom's own terms ([`decom_plan::LiveResource`]),
//! never SDK types.

pub mod apply;
mod attempts;
pub mod connect;
pub mod discover;
pub mod endpoint;
pub mod error;
pub mod identity;
mod live_ids;
mod on_worker;
mod pace;
mod per_parent;
mod refresh;
mod resources;
mod sdk_error;
pub mod tags;

pub use connect::{AwsCloud, ConnectOptions, SetupError, StaticCredentials, Target};
pub use endpoint::Timeouts;
pub use error::CloudError;
pub use identity::caller_accounts;
pub use refresh::refresh;
