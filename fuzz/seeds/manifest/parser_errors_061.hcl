resource "aws_dx_connection" "a" {
  id         = "dxcon-1"
  depends_on = [aws_dx_connection.b, "aws_dx_connection.a", aws_dx_connection.a.id]
}
