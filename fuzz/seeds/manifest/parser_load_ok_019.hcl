
variable "n" {
  type    = number
  default = 0
}
resource "aws_dx_connection" "c" {
  count = var.n
  id    = "dxcon-${count.index}"
}
resource "aws_dx_connection" "d" {
  count = length(["a", "b"])
  id    = "dxcon-d${count.index}"
}
