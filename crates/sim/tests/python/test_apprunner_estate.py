"""boto3 against `decom sim`: what App Runner services use (auto scaling and
observability configurations, connections) and custom domains, with AWS's
refusals. A connection is seeded AVAILABLE through --state (a created one
waits for a console handshake that never comes)."""

import json

import pytest
from botocore.exceptions import ClientError

from simtools import client, running_sim, wait_for

CONNECTION_ARN = "arn:aws:apprunner:us-east-1:123456789012:connection/py-gh/0123456789abcdef0123456789abcdef"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    state = tmp_path_factory.mktemp("state") / "state.json"
    state.write_text(json.dumps({"resources": [
        {"type": "aws_apprunner_connection", "name": "py-gh", "arn": CONNECTION_ARN},
    ]}))
    with running_sim("--time-scale", "0.001", "--state", str(state)) as url:
        yield url


def refused(call, code="InvalidRequestException"):
    with pytest.raises(ClientError) as e:
        call()
    assert e.value.response["Error"]["Code"] == code, e.value.response
    return e.value.response["Error"]["Message"]


def status(ar, arn):
    return ar.describe_service(ServiceArn=arn)["Service"]["Status"]


def test_a_code_service_with_configurations_blocks_their_deletion(endpoint):
    ar = client("apprunner", endpoint)
    asc = ar.create_auto_scaling_configuration(AutoScalingConfigurationName="py-scale", MaxSize=4)
    asc_arn = asc["AutoScalingConfiguration"]["AutoScalingConfigurationArn"]
    assert asc["AutoScalingConfiguration"]["AutoScalingConfigurationRevision"] == 1
    oc = ar.create_observability_configuration(
        ObservabilityConfigurationName="py-obs", TraceConfiguration={"Vendor": "AWSXRAY"})
    oc_arn = oc["ObservabilityConfiguration"]["ObservabilityConfigurationArn"]
    pending = ar.create_connection(ConnectionName="py-new", ProviderType="BITBUCKET")["Connection"]
    assert pending["Status"] == "PENDING_HANDSHAKE"
    names = [c["ConnectionName"] for c in ar.list_connections()["ConnectionSummaryList"]]
    assert sorted(names) == ["py-gh", "py-new"]

    svc = ar.create_service(
        ServiceName="py-code",
        SourceConfiguration={
            "CodeRepository": {
                "RepositoryUrl": "https://github.com/example/app",
                "SourceCodeVersion": {"Type": "BRANCH", "Value": "main"},
                "CodeConfiguration": {"ConfigurationSource": "REPOSITORY"},
            },
            "AuthenticationConfiguration": {"ConnectionArn": CONNECTION_ARN},
        },
        AutoScalingConfigurationArn=asc_arn,
        ObservabilityConfiguration={"ObservabilityEnabled": True, "ObservabilityConfigurationArn": oc_arn},
    )["Service"]
    arn = svc["ServiceArn"]
    assert svc["AutoScalingConfigurationSummary"]["AutoScalingConfigurationArn"] == asc_arn
    assert svc["ObservabilityConfiguration"]["ObservabilityConfigurationArn"] == oc_arn
    assert svc["SourceConfiguration"]["AuthenticationConfiguration"]["ConnectionArn"] == CONNECTION_ARN
    wait_for(lambda: status(ar, arn) == "RUNNING", "service running")
    users = ar.list_services_for_auto_scaling_configuration(AutoScalingConfigurationArn=asc_arn)
    assert users["ServiceArnList"] == [arn]

    refused(lambda: ar.delete_auto_scaling_configuration(AutoScalingConfigurationArn=asc_arn))
    refused(lambda: ar.delete_observability_configuration(ObservabilityConfigurationArn=oc_arn))
    refused(lambda: ar.delete_connection(ConnectionArn=CONNECTION_ARN))
    default = [c for c in ar.list_auto_scaling_configurations()["AutoScalingConfigurationSummaryList"]
               if c["IsDefault"]]
    assert [c["AutoScalingConfigurationName"] for c in default] == ["DefaultConfiguration"]
    refused(lambda: ar.delete_auto_scaling_configuration(
        AutoScalingConfigurationArn=default[0]["AutoScalingConfigurationArn"]))

    ar.delete_service(ServiceArn=arn)
    wait_for(lambda: status(ar, arn) == "DELETED", "service deleted")
    # All revisions only by the partial ARN ending in the name.
    refused(lambda: ar.delete_auto_scaling_configuration(AutoScalingConfigurationArn=asc_arn, DeleteAllRevisions=True))
    name_arn = asc_arn.rsplit("/", 2)[0]
    gone = ar.delete_auto_scaling_configuration(AutoScalingConfigurationArn=name_arn, DeleteAllRevisions=True)
    assert gone["AutoScalingConfiguration"]["Status"] == "INACTIVE"
    assert ar.delete_observability_configuration(
        ObservabilityConfigurationArn=oc_arn)["ObservabilityConfiguration"]["Status"] == "INACTIVE"
    assert ar.delete_connection(ConnectionArn=CONNECTION_ARN)["Connection"]["Status"] == "DELETED"
    refused(lambda: ar.describe_auto_scaling_configuration(AutoScalingConfigurationArn=asc_arn + "0"),
            "ResourceNotFoundException")


def test_custom_domain_association_lifecycle(endpoint):
    ar = client("apprunner", endpoint)
    arn = ar.create_service(
        ServiceName="py-domains",
        SourceConfiguration={"ImageRepository": {
            "ImageIdentifier": "public.ecr.aws/aws-containers/hello-app-runner:latest",
            "ImageRepositoryType": "ECR_PUBLIC"}},
    )["Service"]["ServiceArn"]
    wait_for(lambda: status(ar, arn) == "RUNNING", "service running")
    a = ar.associate_custom_domain(ServiceArn=arn, DomainName="shop.example.com", EnableWWWSubdomain=False)
    assert a["CustomDomain"]["Status"] == "CREATING"
    assert a["DNSTarget"]

    def domain_statuses():
        return [d["Status"] for d in ar.describe_custom_domains(ServiceArn=arn)["CustomDomains"]]

    wait_for(lambda: domain_statuses() == ["PENDING_CERTIFICATE_DNS_VALIDATION"], "validation pending")
    d = ar.disassociate_custom_domain(ServiceArn=arn, DomainName="shop.example.com")
    assert d["CustomDomain"]["Status"] == "DELETING"
    refused(lambda: ar.disassociate_custom_domain(ServiceArn=arn, DomainName="shop.example.com"),
            "InvalidStateException")
    wait_for(lambda: domain_statuses() == [], "domain gone")
