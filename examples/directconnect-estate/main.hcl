# Retire a whole Direct Connect estate: a LAG of two connections, the
# virtual interfaces that run on it (one of them attached to a Direct
# Connect gateway), the gateway's association with a virtual private
# gateway, and the gateway itself.
#
#   decom plan examples/directconnect-estate --sandbox
#
# The relations decide the order (3 waves):
#   1. the virtual interfaces (AWS refuses DeleteLag and
#      DeleteDirectConnectGateway while one is attached) and the gateway
#      association (DeleteDirectConnectGateway waits until it is
#      disassociated, which takes minutes: its timeout is 30m);
#   2. the LAG and the gateway;
#   3. the member connections: `lag_id` goes the other way, the LAG is
#      deleted first (DeleteLag leaves its members standalone; AWS refuses
#      to delete a member that would leave a live LAG below its minimum
#      links).

provider "aws" {
  region = "us-east-1"
}

resource "aws_dx_virtual_interface" "core" {
  id            = "dxvif-fgcore01"
  connection_id = aws_dx_lag.core.id
}

resource "aws_dx_virtual_interface" "transit" {
  id            = "dxvif-fgtrans1"
  connection_id = aws_dx_lag.core.id
  dx_gateway_id = aws_dx_gateway.transit.id
}

resource "aws_dx_gateway_association" "transit" {
  id            = "8d3f0a5e-2b1c-4d6e-9f70-1a2b3c4d5e6f"
  dx_gateway_id = aws_dx_gateway.transit.id
}

resource "aws_dx_gateway" "transit" {
  id = "5f294f92-bafb-4011-916d-9b0bec0a2a25"
}

resource "aws_dx_lag" "core" {
  id = "dxlag-fgcore01"
}

resource "aws_dx_connection" "core" {
  for_each = { a = "dxcon-fgcore01", b = "dxcon-fgcore02" }
  id       = each.value
  lag_id   = aws_dx_lag.core.id
}
