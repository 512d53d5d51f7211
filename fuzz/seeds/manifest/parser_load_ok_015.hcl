
resource "aws_dx_connection" "c" { id = "dxcon-1" }
resource "aws_dx_virtual_interface" "v" {
  name          = "${aws_dx_connection.c.id}-${aws_dx_connection.c.id}"
  connection_id = aws_dx_connection.c.id
  depends_on    = [aws_dx_connection.c, aws_dx_connection.c]
}
