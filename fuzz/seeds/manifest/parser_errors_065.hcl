resource "aws_dx_connection" "k" { name = "k" }
resource "aws_supplychain_instance" "x" {
  for_each = [aws_dx_connection.k.arn]
  name     = each.key
}
