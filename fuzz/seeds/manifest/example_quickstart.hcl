# Quickstart: one resource of every type decom can delete.
#
#   decom validate examples/quickstart
#   decom graph examples/quickstart | dot -Tsvg > graph.svg
#
# References decide the order: a resource that references another is
# deleted before it. Here the ingress connection goes first, then the
# service, then the VPC connector (3 waves); the virtual interface goes
# before its connection; the Supply Chain instance has nothing to wait for.

provider "aws" {
  region = "us-east-1"
}

variable "env" {
  type        = string
  default     = "staging"
  description = "Which environment's stack to tear down."
}

locals {
  prefix = "shop-${var.env}"
}

resource "aws_apprunner_vpc_ingress_connection" "web" {
  name        = "${local.prefix}-web"
  service_arn = aws_apprunner_service.web.arn
}

resource "aws_apprunner_service" "web" {
  name              = "${local.prefix}-web"
  vpc_connector_arn = aws_apprunner_vpc_connector.shared.arn

  timeouts {
    delete = "30m"
  }
}

resource "aws_apprunner_vpc_connector" "shared" {
  arn = "arn:aws:apprunner:us-east-1:123456789012:vpcconnector/shared/1/89efcdab0123456789abcdef01234567"
}

resource "aws_dx_virtual_interface" "prod" {
  id            = "dxvif-ffabc123"
  connection_id = aws_dx_connection.nyc.id
}

resource "aws_dx_connection" "nyc" {
  id = "dxcon-fg123456"
}

resource "aws_supplychain_instance" "planning" {
  name = "planning"
}
