# Retiring a Direct Connect site: every virtual interface goes before the
# connection it runs on. Two sites, in two regions (a provider alias).

provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "west"
  region = "us-west-2"
}

variable "nyc_vifs" {
  type = map(string)
  default = {
    prod    = "dxvif-ffabc123"
    staging = "dxvif-ffabc456"
  }
}

resource "aws_dx_connection" "nyc" {
  id = "dxcon-fg123456"

  timeouts {
    delete = "15m"
  }
}

resource "aws_dx_virtual_interface" "nyc" {
  for_each      = var.nyc_vifs
  id            = each.value
  connection_id = aws_dx_connection.nyc.id
}

resource "aws_dx_connection" "sfo" {
  provider = aws.west
  name     = "sfo-equinix-sv5"
}

resource "aws_dx_virtual_interface" "sfo_transit" {
  provider      = aws.west
  name          = "sfo-transit"
  connection_id = aws_dx_connection.sfo.id
}

# Three spare cross-connect ports at the NYC site, by index.
variable "spare_ports" {
  type    = list(string)
  default = ["dxcon-spare001", "dxcon-spare002", "dxcon-spare003"]
}

resource "aws_dx_connection" "spare" {
  count = length(var.spare_ports)
  id    = var.spare_ports[count.index]
}
