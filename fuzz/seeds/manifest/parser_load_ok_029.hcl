locals {
  n = <<-EOT
    dxcon-1
  EOT
}
resource "aws_dx_connection" "c" {
  id = trimspace(local.n)
}
