//! `aws_apprunner_custom_domain_association`: a domain on a service, id
//! `SERVICE_ARN,DOMAIN_NAME` ([`decom_kinds::composite`]). AWS lists them
//! only per service (DescribeCustomDomains, five per page), with their
//! status; a disassociated domain is absent, as is every domain of a
//! service that is not found.

use decom_kinds::composite;
use decom_parser::{RelationAttr, ResourceType};
use decom_plan::{LiveRelation, LiveResource};

use super::{all_pages, arn, children, id_parts, send, Answer, At, KindApi, Listed, Shown};
use crate::error::CloudError;
use crate::tags::TagReader;

const TYPE: ResourceType = ResourceType::AppRunnerCustomDomainAssociation;

/// Items per page of DescribeCustomDomains (the model's maximum).
const PAGE_SIZE: i32 = 5;

fn live(region: &str, service_arn: &str, domain: &str, status: &str) -> LiveResource {
    LiveResource {
        resource_type: TYPE,
        region: region.to_string(),
        id: composite::compose(&[service_arn, domain]),
        name: domain.to_string(),
        account_id: arn::account(service_arn),
        status: status.to_string(),
        state: TYPE.state_of(status),
        relations: vec![LiveRelation {
            attr: RelationAttr::ServiceArn,
            target: Some(service_arn.to_string()),
        }],
    }
}

/// Every domain of the service `service_arn` (an error if AWS does not know it).
async fn list(at: At<'_>, service_arn: &str) -> Result<Vec<LiveResource>, CloudError> {
    let At {
        cloud,
        clients: c,
        region,
    } = at;
    all_pages(|token| async move {
        let page = send!(
            cloud,
            "DescribeCustomDomains",
            c.apprunner
                .describe_custom_domains()
                .service_arn(service_arn)
                .max_results(PAGE_SIZE)
                .set_next_token(token)
        )?;
        let items = page
            .custom_domains()
            .iter()
            .map(|d| live(region, service_arn, d.domain_name(), d.status().as_str()))
            .collect();
        Ok((items, page.next_token().map(str::to_string)))
    })
    .await
}

/// The kind's AWS calls.
pub(crate) struct Api;

impl KindApi for Api {
    #[cfg(test)]
    fn resource_type(&self) -> ResourceType {
        TYPE
    }

    fn page_size(&self) -> Option<usize> {
        usize::try_from(PAGE_SIZE).ok()
    }

    fn listed(&self) -> Listed {
        Listed {
            status: true,
            relations: true,
        }
    }

    fn listed_per(&self) -> Option<RelationAttr> {
        Some(RelationAttr::ServiceArn)
    }

    fn list<'a>(&'a self, at: At<'a>, parent: Option<&'a str>) -> Answer<'a, Vec<LiveResource>> {
        children(parent, move |parent| list(at, parent))
    }

    fn describe<'a>(&'a self, at: At<'a>, id: &'a str) -> Answer<'a, Option<LiveResource>> {
        Box::pin(async move {
            let [service_arn, _] = id_parts(TYPE, id, "DescribeCustomDomains", at.region)?;
            super::from_list(self, at, Some(service_arn), id).await
        })
    }

    fn delete<'a>(&'a self, at: At<'a>, id: &'a str) -> Answer<'a, Shown> {
        let c = at.clients;
        Box::pin(async move {
            let [service_arn, domain] = id_parts(TYPE, id, "DisassociateCustomDomain", at.region)?;
            send!(
                at.cloud,
                "DisassociateCustomDomain",
                c.apprunner
                    .disassociate_custom_domain()
                    .service_arn(service_arn)
                    .domain_name(domain)
            )
            .map(|_| None)
        })
    }

    fn tags(&self) -> TagReader {
        TagReader::AppRunner
    }

    /// A domain association has no ARN and no tags.
    fn tag_arn(&self, _: &LiveResource) -> Option<String> {
        None
    }
}
