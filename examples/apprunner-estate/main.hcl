# Retire one complete App Runner application: its custom domain, its
# ingress connection, the service, and everything the service uses (VPC
# connector, auto scaling and observability configurations, the GitHub
# connection of its source).
#
#   decom plan examples/apprunner-estate --sandbox
#
# References decide the order: the custom domain and the ingress connection
# go first, then the service, then what it used (3 waves). AWS refuses to
# delete a configuration, connector or connection while a service uses it;
# decom waits for the service to be DELETED first, and names any service
# outside this manifest that still uses one of them (a blocker).
#
# A custom domain association is identified by its service and its domain
# together (its id is SERVICE_ARN,DOMAIN_NAME); decom disassociates it and
# waits until DescribeCustomDomains no longer shows it.

provider "aws" {
  region = "us-east-1"
}

resource "aws_apprunner_custom_domain_association" "shop" {
  service_arn = aws_apprunner_service.shop.arn
  domain_name = "shop.example.com"
}

resource "aws_apprunner_vpc_ingress_connection" "shop" {
  name        = "shop-private"
  service_arn = aws_apprunner_service.shop.arn
}

resource "aws_apprunner_service" "shop" {
  arn                             = "arn:aws:apprunner:us-east-1:123456789012:service/shop/0123456789abcdef0123456789abcdef"
  vpc_connector_arn               = aws_apprunner_vpc_connector.shop.arn
  auto_scaling_configuration_arn  = aws_apprunner_auto_scaling_configuration_version.shop.arn
  observability_configuration_arn = aws_apprunner_observability_configuration.shop.arn
  connection_arn                  = aws_apprunner_connection.github.arn
}

resource "aws_apprunner_vpc_connector" "shop" {
  arn = "arn:aws:apprunner:us-east-1:123456789012:vpcconnector/shop-vpc/1/11111111111111111111111111111111"
}

resource "aws_apprunner_auto_scaling_configuration_version" "shop" {
  arn = "arn:aws:apprunner:us-east-1:123456789012:autoscalingconfiguration/shop-scale/1/22222222222222222222222222222222"
}

resource "aws_apprunner_observability_configuration" "shop" {
  arn = "arn:aws:apprunner:us-east-1:123456789012:observabilityconfiguration/shop-traces/1/33333333333333333333333333333333"
}

resource "aws_apprunner_connection" "github" {
  name = "shop-github"
}
