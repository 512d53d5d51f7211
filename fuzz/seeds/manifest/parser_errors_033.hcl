locals {
  bad = upper(1, 2)
  also = "${local.bad}-x"
}
resource "aws_dx_connection" "a" { id = local.bad }
resource "aws_dx_connection" "b" {
  count = 2
  id    = local.also
}
