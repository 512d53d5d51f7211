resource "aws_dx_connection" "c" {
  count = 2
  id    = "dxcon-${count.index}"
}
resource "aws_dx_connection" "m" {
  for_each = { a = "dxcon-a" }
  id       = each.value
}
resource "aws_dx_virtual_interface" "v1" { name = aws_dx_connection.c.id }
resource "aws_dx_virtual_interface" "v2" { name = aws_dx_connection.c[2].id }
resource "aws_dx_virtual_interface" "v3" { name = aws_dx_connection.m["b"].id }
resource "aws_dx_virtual_interface" "v4" { name = aws_dx_connection.m[0].id }
