resource "aws_apprunner_vpc_connector" "egress" {
  arn = "${local.arn_prefix}:vpcconnector/${local.stack}-egress/3/0123456789abcdef0123456789abcdef"

  # Make the deletion impossible by flipping this to true: plan refuses.
  lifecycle {
    prevent_destroy = false
  }
}
