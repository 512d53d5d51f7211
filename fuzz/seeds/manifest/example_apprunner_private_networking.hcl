# A private App Runner stack: services reachable only through VPC ingress
# connections, egressing through a shared VPC connector.
#
# Every *.hcl file in this directory is one manifest (files are read in
# name order): providers.hcl, services.hcl, networking.hcl.

provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = [var.account_id]
}

variable "account_id" {
  type        = string
  default     = "123456789012"
  description = "decom refuses to touch any other account."
}

variable "services" {
  type        = list(string)
  default     = ["api", "admin", "worker"]
  description = "The App Runner services of this stack, by short name."
}

variable "public_services" {
  type        = map(string)
  default     = { api = "payments-api-ingress", admin = "payments-admin-ingress" }
  description = "Service short name => the name of its VPC ingress connection."
}

locals {
  stack      = "payments"
  arn_prefix = "arn:aws:apprunner:eu-west-1:${var.account_id}"
}
resource "aws_apprunner_vpc_connector" "egress" {
  arn = "${local.arn_prefix}:vpcconnector/${local.stack}-egress/3/0123456789abcdef0123456789abcdef"

  # Make the deletion impossible by flipping this to true: plan refuses.
  lifecycle {
    prevent_destroy = false
  }
}
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
