resource "aws_dx_connection" "x" {
  count    = 1
  for_each = ["a"]
  id       = "dxcon-1"
}
