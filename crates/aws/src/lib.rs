//! decom's real cloud: the only crate (with the binary) that knows the AWS
//! SDK.
//!
//! - [`connect`]: clients from aws-config's standard chain plus decom's
//!   overrides, a bound on requests in flight, call counting.
//! - [`resources`]: one module per resource type, its calls and its status
//!   table.
//! - [`refresh`]: the batched reads a plan needs, and no more.
//! - [`discover`] and [`tags`]: the reads `decom discover` needs to write
//!   a manifest from live inventory.
//!
//! Everything it returns is in decom's own terms ([`decom_graph::LiveResource`]),
//! never SDK types.

pub mod apply;
mod attempts;
pub mod connect;
pub mod discover;
pub mod endpoint;
pub mod error;
pub mod refresh;
pub mod resources;
mod sdk_error;
pub mod tags;

pub use connect::{AwsCloud, ConnectOptions, SetupError, StaticCredentials, Target};
pub use endpoint::Timeouts;
pub use error::CloudError;
pub use refresh::refresh;
