
variable "region" { default = "eu-west-1" }
locals { acct = "123456789012" }
provider "aws" {
  region              = var.region
  allowed_account_ids = [local.acct]
}
resource "aws_supplychain_instance" "s" { name = "x${~ " y " ~}z" }
