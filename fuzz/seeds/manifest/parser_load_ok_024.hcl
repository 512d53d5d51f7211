
resource "aws_dx_connection" "a" {
  id = "dxcon-a"
  timeouts { delete = "1h30m" }
  lifecycle { prevent_destroy = true }
}
resource "aws_dx_connection" "b" {
  id = "dxcon-b"
  timeouts { delete = "90s" }
}
resource "aws_dx_connection" "c" {
  id = "dxcon-c"
  timeouts { delete = "2h" }
}
