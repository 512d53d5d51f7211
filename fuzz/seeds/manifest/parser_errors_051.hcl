resource "aws_dx_connection" "k" { name = "k" }
resource "aws_dx_connection" "x" {
  count = length(aws_dx_connection.k.arn)
  id    = "dxcon-1"
}
