locals { conn = "dxcon-1" }
resource "aws_dx_virtual_interface" "v" {
  id = "dxvif-1"
  connection_id = aws_dx_connection.c.id
}
