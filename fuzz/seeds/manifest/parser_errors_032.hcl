resource "aws_dx_connection" "a" {
  id   = "dxcon-1"
  colour = "red"
}
resource "aws_dx_connection" "b" {
  id = local.missing
}
resource "aws_dx_connection" "c" {
  id = "dxcon-3"
  timeouts { delete = "soon" }
}
