
resource "aws_apprunner_vpc_connector" "c" {
  arn = "arn:aws:apprunner:us-east-1:123456789012:vpcconnector/c/1/abc"
}
resource "aws_apprunner_service" "s" {
  name              = "svc-${aws_apprunner_vpc_connector.c.id}"
  vpc_connector_arn = aws_apprunner_vpc_connector.c.arn
  depends_on        = [aws_apprunner_vpc_connector.c, aws_dx_connection.d]
}
resource "aws_dx_connection" "d" { id = "dxcon-d" }
