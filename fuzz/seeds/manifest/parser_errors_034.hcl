resource "aws_dx_connection" "c" {
  id = "dxcon-1"
