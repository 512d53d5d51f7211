
provider "aws" {
  region              = "us-east-1"
  profile             = "ops"
  allowed_account_ids = ["123456789012"]
}

variable "env" {
  type        = string
  default     = "staging"
  description = "..."
  sensitive   = false
}

locals {
  prefix = "shop-${var.env}"
}

resource "aws_apprunner_vpc_ingress_connection" "web" {
  arn         = "arn:aws:apprunner:us-east-1:123456789012:vpcingressconnection/web/0123abcd"
  service_arn = aws_apprunner_service.web.arn
}

resource "aws_apprunner_service" "web" {
  name              = "${local.prefix}-web"
  vpc_connector_arn = aws_apprunner_vpc_connector.shared.arn
  timeouts { delete = "30m" }
}

resource "aws_apprunner_vpc_connector" "shared" {
  arn = "arn:aws:apprunner:us-east-1:123456789012:vpcconnector/shared/1/89efcdab"
  lifecycle { prevent_destroy = false }
}

resource "aws_dx_virtual_interface" "prod" {
  id            = "dxvif-ffabc123"
  connection_id = aws_dx_connection.nyc.id
}

resource "aws_dx_connection" "nyc"           { id = "dxcon-fg123456" }
resource "aws_supplychain_instance" "plan"   { name = "planning" }
