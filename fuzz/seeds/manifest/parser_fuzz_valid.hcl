
provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["123456789012"]
  alias               = "west"
}
variable "env" {
  type    = string
  default = "staging"
}
variable "n" {
  type    = number
  default = 2
}
locals {
  prefix = "shop-${var.env}"
  names  = { a = "x", b = "y" }
}
resource "aws_apprunner_vpc_ingress_connection" "web" {
  arn         = "arn:aws:apprunner:us-east-1:123456789012:vpcingressconnection/web/0123abcd"
  service_arn = aws_apprunner_service.web.arn
}
resource "aws_apprunner_service" "web" {
  name              = "${local.prefix}-web"
  vpc_connector_arn = aws_apprunner_vpc_connector.shared.arn
  provider          = aws.west
  timeouts { delete = "1h30m" }
}
resource "aws_apprunner_vpc_connector" "shared" {
  arn = "arn:aws:apprunner:us-east-1:123456789012:vpcconnector/shared/1/89efcdab"
  lifecycle { prevent_destroy = false }
}
resource "aws_dx_connection" "c" {
  count = var.n
  id    = format("dxcon-%02d", count.index)
}
resource "aws_dx_virtual_interface" "v" {
  for_each      = local.names
  id            = "dxvif-${each.key}"
  connection_id = aws_dx_connection.c[0].id
  depends_on    = [aws_dx_connection.c]
}
resource "aws_supplychain_instance" "plan" { name = upper(join("-", [for k, v in local.names : "${k}${v}"])) }
