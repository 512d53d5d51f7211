//! Caller identity: before any resource call, one STS GetCallerIdentity
//! per principal (profile + assumed role) the manifest's providers act
//! as, so that the accounts they act in are known, checked against the
//! providers' allowed and forbidden accounts, and recorded in the
//! placements refresh, plan and apply read.

use std::collections::BTreeMap;

use aws_config::Region;
use futures_util::future::try_join_all;

use decom_plan::{Placements, Principal};

use crate::attempts::AttemptWatch;
use crate::connect::AwsCloud;
use crate::error::CloudError;

const OPERATION: &str = "GetCallerIdentity";

/// The account each principal of `placements` acts in.
pub async fn caller_accounts(
    cloud: &AwsCloud,
    placements: &Placements,
) -> Result<BTreeMap<Principal, String>, CloudError> {
    let asked = try_join_all(placements.principals().into_iter().map(
        |(principal, region)| async move {
            let account = caller_account(cloud, &principal, &region).await?;
            Ok::<_, CloudError>((principal, account))
        },
    ))
    .await?;
    Ok(asked.into_iter().collect())
}

/// One GetCallerIdentity as `principal`, in `region`, counted like every
/// other call.
pub async fn caller_account(
    cloud: &AwsCloud,
    principal: &Principal,
    region: &str,
) -> Result<String, CloudError> {
    let config = cloud.principal_config(principal).await;
    let origin = cloud.origin(&config, region);
    let client = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(&config)
            .region(Region::new(region.to_string()))
            .interceptor(AttemptWatch::new(origin.clone()))
            .build(),
    );
    let answer = cloud
        .call(&cloud.sts_lane, &origin, OPERATION, || async {
            client
                .get_caller_identity()
                .send()
                .await
                .map_err(|e| crate::sdk_error::from_sdk(OPERATION, &origin, e))
        })
        .await?;
    answer
        .account()
        .filter(|a| !a.is_empty())
        .map(str::to_string)
        .ok_or_else(|| CloudError::new(OPERATION, region, "the answer names no account"))
}
