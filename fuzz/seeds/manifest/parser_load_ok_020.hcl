
resource "aws_dx_connection" "c" {
  for_each = { nyc = "dxcon-n", lon = "dxcon-l" }
  id       = each.value
}
resource "aws_supplychain_instance" "s" {
  for_each = ["alpha", "beta", "alpha"]
  name     = "${each.key}-${each.value}"
}
resource "aws_dx_virtual_interface" "v" {
  for_each      = aws_dx_connection.c["nyc"].id == "dxcon-n" ? { a = "nyc" } : {}
  id            = "dxvif-${each.key}"
  connection_id = aws_dx_connection.c[each.value].id
}
