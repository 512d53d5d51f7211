
resource "aws_apprunner_service" "cn" { arn = "arn:aws-cn:apprunner:cn-north-1:123456789012:service/a/1" }
resource "aws_apprunner_service" "gov" { arn = "arn:aws-us-gov:apprunner:us-gov-west-1:123456789012:service/a/1" }
