"""An independent client: boto3 against `decom sim`.

Starts `decom sim --listen 127.0.0.1:0 --time-scale 0.001` (binary from
$DECOM_BIN, default target/debug/decom relative to the repository root), reads
the address from its first stdout line, and creates, lists, describes and
deletes one resource of every type with boto3 clients (Direct Connect over
whichever of its model's protocols botocore picks: awsJson1_1 or
smithy-rpc-v2-cbor, both served).
"""

import pytest
from botocore.exceptions import ClientError

from simtools import client, running_sim, wait_for


@pytest.fixture(scope="module")
def endpoint():
    with running_sim("--time-scale", "0.001") as url:
        yield url


def test_apprunner_connector_service_ingress(endpoint):
    ar = client("apprunner", endpoint)
    conn = ar.create_vpc_connector(VpcConnectorName="py-conn", Subnets=["subnet-1"], SecurityGroups=["sg-1"])
    conn_arn = conn["VpcConnector"]["VpcConnectorArn"]
    assert conn["VpcConnector"]["Status"] == "ACTIVE"
    assert ar.describe_vpc_connector(VpcConnectorArn=conn_arn)["VpcConnector"]["VpcConnectorName"] == "py-conn"
    assert [c["VpcConnectorArn"] for c in ar.list_vpc_connectors()["VpcConnectors"]] == [conn_arn]

    svc = ar.create_service(
        ServiceName="py-svc",
        SourceConfiguration={
            "ImageRepository": {
                "ImageIdentifier": "public.ecr.aws/aws-containers/hello-app-runner:latest",
                "ImageRepositoryType": "ECR_PUBLIC",
            },
            "AutoDeploymentsEnabled": False,
        },
        NetworkConfiguration={"EgressConfiguration": {"EgressType": "VPC", "VpcConnectorArn": conn_arn}},
        Tags=[{"Key": "team", "Value": "py"}],
    )
    svc_arn = svc["Service"]["ServiceArn"]
    assert svc["Service"]["Status"] == "OPERATION_IN_PROGRESS"
    assert svc["Service"]["CreatedAt"].year >= 2024
    wait_for(lambda: ar.describe_service(ServiceArn=svc_arn)["Service"]["Status"] == "RUNNING", "service RUNNING")
    assert [s["ServiceArn"] for s in ar.list_services(MaxResults=5)["ServiceSummaryList"]] == [svc_arn]
    assert ar.list_tags_for_resource(ResourceArn=svc_arn)["Tags"] == [{"Key": "team", "Value": "py"}]

    ing = ar.create_vpc_ingress_connection(
        ServiceArn=svc_arn,
        VpcIngressConnectionName="py-ing",
        IngressVpcConfiguration={"VpcId": "vpc-1", "VpcEndpointId": "vpce-1"},
    )
    ing_arn = ing["VpcIngressConnection"]["VpcIngressConnectionArn"]
    wait_for(
        lambda: ar.describe_vpc_ingress_connection(VpcIngressConnectionArn=ing_arn)["VpcIngressConnection"]["Status"]
        == "AVAILABLE",
        "ingress AVAILABLE",
    )
    listed = ar.list_vpc_ingress_connections(Filter={"ServiceArn": svc_arn})["VpcIngressConnectionSummaryList"]
    assert [i["VpcIngressConnectionArn"] for i in listed] == [ing_arn]

    with pytest.raises(ClientError) as e:
        ar.delete_service(ServiceArn=svc_arn)
    assert e.value.response["Error"]["Code"] == "InvalidStateException"
    assert "VpcIngressConnections with a status of AVAILABLE" in e.value.response["Error"]["Message"]
    with pytest.raises(ar.exceptions.InvalidRequestException):
        ar.delete_vpc_connector(VpcConnectorArn=conn_arn)

    ar.delete_vpc_ingress_connection(VpcIngressConnectionArn=ing_arn)
    wait_for(
        lambda: ar.describe_vpc_ingress_connection(VpcIngressConnectionArn=ing_arn)["VpcIngressConnection"]["Status"]
        == "DELETED",
        "ingress DELETED",
    )
    out = ar.delete_service(ServiceArn=svc_arn)
    assert out["Service"]["Status"] == "OPERATION_IN_PROGRESS" and out["OperationId"]
    wait_for(lambda: ar.describe_service(ServiceArn=svc_arn)["Service"]["Status"] == "DELETED", "service DELETED")
    assert ar.delete_vpc_connector(VpcConnectorArn=conn_arn)["VpcConnector"]["Status"] == "INACTIVE"

    with pytest.raises(ar.exceptions.ResourceNotFoundException):
        ar.describe_service(ServiceArn=svc_arn.replace("py-svc", "nope"))
    with pytest.raises(ClientError) as e:
        ar.list_services(MaxResults=50)
    assert e.value.response["Error"]["Code"] == "InvalidRequestException"


def test_directconnect_connection_and_vif(endpoint):
    dx = client("directconnect", endpoint)
    conn = dx.create_connection(location="EqDC2", bandwidth="1Gbps", connectionName="py-dc", tags=[{"key": "k", "value": "v"}])
    conn_id = conn["connectionId"]
    assert conn_id.startswith("dxcon-")
    wait_for(
        lambda: dx.describe_connections(connectionId=conn_id)["connections"][0]["connectionState"] == "available",
        "connection available",
    )
    assert [c["connectionId"] for c in dx.describe_connections()["connections"]] == [conn_id]
    vif = dx.create_private_virtual_interface(
        connectionId=conn_id,
        newPrivateVirtualInterface={"virtualInterfaceName": "py-vif", "vlan": 101, "asn": 65000, "virtualGatewayId": "vgw-1"},
    )
    vif_id = vif["virtualInterfaceId"]
    assert vif["virtualInterfaceState"] == "pending"
    wait_for(
        lambda: dx.describe_virtual_interfaces(virtualInterfaceId=vif_id)["virtualInterfaces"][0]["virtualInterfaceState"]
        == "available",
        "vif available",
    )
    assert len(dx.describe_virtual_interfaces(connectionId=conn_id)["virtualInterfaces"]) == 1
    tags = dx.describe_tags(resourceArns=[f"arn:aws:directconnect:us-east-1:123456789012:dxcon/{conn_id}"])
    assert tags["resourceTags"][0]["tags"] == [{"key": "k", "value": "v"}]

    with pytest.raises(dx.exceptions.DirectConnectClientException):
        dx.delete_connection(connectionId=conn_id)
    assert dx.delete_virtual_interface(virtualInterfaceId=vif_id)["virtualInterfaceState"] == "deleting"
    wait_for(
        lambda: dx.describe_virtual_interfaces(virtualInterfaceId=vif_id)["virtualInterfaces"][0]["virtualInterfaceState"]
        == "deleted",
        "vif deleted",
    )
    assert dx.delete_connection(connectionId=conn_id)["connectionState"] == "deleting"
    with pytest.raises(dx.exceptions.DirectConnectClientException):
        dx.describe_connections(connectionId="dxcon-nope0000")


def test_supplychain_instance(endpoint):
    scn = client("supplychain", endpoint)
    inst = scn.create_instance(instanceName="py-scn", tags={"team": "ops"})["instance"]
    iid = inst["instanceId"]
    assert inst["state"] == "Initializing"
    wait_for(lambda: scn.get_instance(instanceId=iid)["instance"]["state"] == "Active", "instance Active")
    assert [i["instanceId"] for i in scn.list_instances()["instances"]] == [iid]
    arn = f"arn:aws:scn:us-east-1:123456789012:instance/{iid}"
    assert scn.list_tags_for_resource(resourceArn=arn)["tags"] == {"team": "ops"}
    assert scn.delete_instance(instanceId=iid)["instance"]["state"] == "Deleting"
    with pytest.raises(scn.exceptions.ConflictException):
        scn.delete_instance(instanceId=iid)
    wait_for(lambda: scn.get_instance(instanceId=iid)["instance"]["state"] == "Deleted", "instance Deleted")
    with pytest.raises(scn.exceptions.ResourceNotFoundException):
        scn.get_instance(instanceId="00000000-0000-4000-8000-000000000000")


def test_regions_are_partitioned(endpoint):
    west = client("supplychain", endpoint, region="us-west-2")
    west.create_instance(instanceName="west")
    east = client("supplychain", endpoint)
    assert all(i.get("instanceName") != "west" for i in east.list_instances()["instances"])
    assert [i["instanceName"] for i in west.list_instances()["instances"]] == ["west"]


ESTATE_REGION = "ap-southeast-2"  # its own region: the other tests list everything in theirs


def test_directconnect_lag_gateway_association(endpoint):
    dx = client("directconnect", endpoint, region=ESTATE_REGION)
    lag = dx.create_lag(numberOfConnections=2, location="EqDC2", connectionsBandwidth="10Gbps", lagName="py-lag")
    lag_id = lag["lagId"]
    assert lag_id.startswith("dxlag-") and lag["lagState"] == "requested"
    members = [c["connectionId"] for c in lag["connections"]]
    assert len(members) == 2
    gw = dx.create_direct_connect_gateway(directConnectGatewayName="py-gw")["directConnectGateway"]
    gw_id = gw["directConnectGatewayId"]
    wait_for(
        lambda: dx.describe_lags(lagId=lag_id)["lags"][0]["lagState"] == "available"
        and dx.describe_direct_connect_gateways(directConnectGatewayId=gw_id)["directConnectGateways"][0][
            "directConnectGatewayState"
        ]
        == "available",
        "LAG and gateway available",
    )
    vif = dx.create_private_virtual_interface(
        connectionId=lag_id,
        newPrivateVirtualInterface={"virtualInterfaceName": "py-lag-vif", "vlan": 300, "asn": 65000, "directConnectGatewayId": gw_id},
    )
    assert vif["connectionId"] == lag_id and vif["directConnectGatewayId"] == gw_id
    assoc = dx.create_direct_connect_gateway_association(directConnectGatewayId=gw_id, gatewayId="tgw-0123")[
        "directConnectGatewayAssociation"
    ]
    assert assoc["associationState"] == "associating"
    assert assoc["associatedGateway"]["type"] == "transitGateway"

    with pytest.raises(dx.exceptions.DirectConnectClientException):
        dx.delete_lag(lagId=lag_id)  # a VIF is on it
    with pytest.raises(dx.exceptions.DirectConnectClientException):
        dx.delete_direct_connect_gateway(directConnectGatewayId=gw_id)  # VIF and association
    dx.delete_connection(connectionId=members[0])
    with pytest.raises(dx.exceptions.DirectConnectClientException):
        dx.delete_connection(connectionId=members[1])  # the last link of a live LAG

    wait_for(
        lambda: dx.describe_virtual_interfaces(virtualInterfaceId=vif["virtualInterfaceId"])["virtualInterfaces"][0][
            "virtualInterfaceState"
        ]
        == "available",
        "vif available",
    )
    dx.delete_virtual_interface(virtualInterfaceId=vif["virtualInterfaceId"])
    wait_for(
        lambda: dx.describe_virtual_interfaces(virtualInterfaceId=vif["virtualInterfaceId"])["virtualInterfaces"][0][
            "virtualInterfaceState"
        ]
        == "deleted",
        "vif deleted",
    )
    wait_for(
        lambda: dx.describe_direct_connect_gateway_associations(associationId=assoc["associationId"])[
            "directConnectGatewayAssociations"
        ][0]["associationState"]
        == "associated",
        "association associated",
    )
    out = dx.delete_direct_connect_gateway_association(associationId=assoc["associationId"])
    assert out["directConnectGatewayAssociation"]["associationState"] == "disassociating"
    wait_for(
        lambda: dx.describe_direct_connect_gateway_associations(directConnectGatewayId=gw_id)[
            "directConnectGatewayAssociations"
        ][0]["associationState"]
        == "disassociated",
        "association disassociated",
    )
    assert dx.delete_direct_connect_gateway(directConnectGatewayId=gw_id)["directConnectGateway"]["directConnectGatewayState"] == "deleting"
    assert dx.delete_lag(lagId=lag_id)["lagState"] == "deleting"
    assert dx.delete_connection(connectionId=members[1])["connectionState"] == "deleting"


def test_supplychain_data_lake_and_flows(endpoint):
    scn = client("supplychain", endpoint, region=ESTATE_REGION)
    iid = scn.create_instance(instanceName="py-lake")["instance"]["instanceId"]
    wait_for(lambda: scn.get_instance(instanceId=iid)["instance"]["state"] == "Active", "instance Active")
    scn.create_data_lake_namespace(instanceId=iid, name="py_ns", tags={"team": "ops"})
    names = [n["name"] for n in scn.list_data_lake_namespaces(instanceId=iid)["namespaces"]]
    # Only custom namespaces: the model says the built-in ones are not listed.
    assert names == ["py_ns"]
    assert scn.get_data_lake_namespace(instanceId=iid, name="asc")["namespace"]["name"] == "asc"
    ds = scn.create_data_lake_dataset(instanceId=iid, namespace="py_ns", name="orders")["dataset"]
    assert ds["arn"].endswith(f"instance/{iid}/namespaces/py_ns/datasets/orders")
    assert scn.list_tags_for_resource(resourceArn=scn.get_data_lake_namespace(instanceId=iid, name="py_ns")["namespace"]["arn"])["tags"] == {"team": "ops"}
    scn.create_data_integration_flow(
        instanceId=iid,
        name="py-flow",
        sources=[{"sourceType": "S3", "sourceName": "src", "s3Source": {"bucketName": "py-bucket", "prefix": "in"}}],
        transformation={"transformationType": "NONE"},
        target={"targetType": "DATASET", "datasetTarget": {"datasetIdentifier": ds["arn"]}},
    )
    assert [f["name"] for f in scn.list_data_integration_flows(instanceId=iid)["flows"]] == ["py-flow"]
    with pytest.raises(scn.exceptions.ValidationException):
        scn.delete_data_lake_namespace(instanceId=iid, name="asc")
    with pytest.raises(scn.exceptions.ConflictException):
        scn.create_data_lake_namespace(instanceId=iid, name="py_ns")
    scn.delete_data_lake_namespace(instanceId=iid, name="py_ns")
    with pytest.raises(scn.exceptions.ResourceNotFoundException):
        scn.get_data_lake_dataset(instanceId=iid, namespace="py_ns", name="orders")
    scn.delete_instance(instanceId=iid)
    with pytest.raises(scn.exceptions.ResourceNotFoundException):
        scn.get_data_integration_flow(instanceId=iid, name="py-flow")
