provider "aws" {
  regoin = "x"
}
resource "aws_dx_connection" "x" {
  id = "dxcon-1"
  lifecycle { ignore_changes = [] }
}
