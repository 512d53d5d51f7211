
resource "aws_apprunner_service" "s" {
  name              = "svc"
  vpc_connector_arn = aws_apprunner_service.s.arn
}
