
resource "aws_apprunner_service" "s" { name = "svc" }
resource "aws_dx_connection" "c" { name = "conn" }
resource "aws_dx_connection" "byid" { id = "dxcon-1" }
resource "aws_apprunner_vpc_connector" "k" {
  arn = "arn:aws:apprunner:us-east-1:123456789012:vpcconnector/k/1/abc"
}
resource "aws_apprunner_vpc_ingress_connection" "i" {
  name        = "${aws_apprunner_service.s.arn}"
  service_arn = aws_apprunner_service.s.arn
}
resource "aws_dx_virtual_interface" "v" {
  name          = aws_apprunner_vpc_connector.k.name
  connection_id = aws_dx_connection.c.id
}
resource "aws_dx_virtual_interface" "w" {
  name          = aws_dx_connection.byid.arn
  connection_id = aws_dx_connection.byid.id
}
resource "aws_supplychain_instance" "n" {
  name = aws_dx_connection.c.name
}
