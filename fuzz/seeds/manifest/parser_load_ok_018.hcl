
resource "aws_dx_connection" "c" {
  count = 3
  id    = "dxcon-${count.index}"
}
resource "aws_dx_virtual_interface" "v" {
  count         = 2
  id            = format("dxvif-%02d", count.index)
  connection_id = aws_dx_connection.c[count.index + 1].id
}
resource "aws_dx_virtual_interface" "last" {
  id            = "dxvif-last"
  connection_id = aws_dx_connection.c[2].id
  depends_on    = [aws_dx_connection.c]
}
