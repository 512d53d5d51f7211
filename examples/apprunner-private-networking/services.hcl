# One service per entry of var.services, found by name at plan time.
resource "aws_apprunner_service" "app" {
  for_each          = var.services
  name              = "${local.stack}-${each.key}"
  vpc_connector_arn = aws_apprunner_vpc_connector.egress.arn
}

# Only the public-facing services have an ingress connection.
resource "aws_apprunner_vpc_ingress_connection" "private" {
  for_each    = var.public_services
  name        = each.value
  service_arn = aws_apprunner_service.app[each.key].arn
}
