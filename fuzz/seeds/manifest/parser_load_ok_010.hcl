
provider "aws" { region = "us-east-1" }
provider "aws" {
  alias  = "west"
  region = "us-west-2"
}
resource "aws_dx_connection" "a" { id = "dxcon-a" }
resource "aws_dx_connection" "b" {
  id       = "dxcon-b"
  provider = aws.west
}
resource "aws_dx_connection" "c" {
  id       = "dxcon-c"
  provider = aws
}
