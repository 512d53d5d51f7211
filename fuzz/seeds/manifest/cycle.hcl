resource "aws_apprunner_service" "s" {
  name       = "s"
  depends_on = [aws_apprunner_vpc_ingress_connection.i]
}
resource "aws_apprunner_vpc_ingress_connection" "i" {
  name        = "i"
  service_arn = aws_apprunner_service.s.arn
}
