
locals {
  conn  = aws_dx_connection.c.id
  conn2 = local.conn
}
resource "aws_dx_connection" "c" { id = "dxcon-1" }
resource "aws_dx_virtual_interface" "v" {
  id            = "dxvif-1"
  connection_id = local.conn2
}
