
resource "aws_apprunner_vpc_ingress_connection" "i" { arn = "arn:aws:apprunner:us-east-1:123456789012:vpcingressconnection/web/0123abcd" }
resource "aws_apprunner_service" "s" { arn = "arn:aws:apprunner:us-east-1:123456789012:service/web/0123abcd" }
resource "aws_apprunner_vpc_connector" "c" { arn = "arn:aws:apprunner:us-east-1:123456789012:vpcconnector/shared/1/89efcdab" }
resource "aws_dx_virtual_interface" "v" { id = "dxvif-1" }
resource "aws_dx_connection" "d" { id = "dxcon-1" }
resource "aws_supplychain_instance" "p" { id = "p-1" }
