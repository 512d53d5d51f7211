
locals {
  full = "${local.prefix}-${local.suffix}"
}
locals {
  suffix = upper(local.base)
  prefix = "dxcon"
}
locals { base = "abc" }
resource "aws_dx_connection" "c" { id = local.full }
