# Clean up a Supply Chain instance that stays: the team's own data lake
# namespace, its datasets and the data integration flow that fills them.
#
#   decom plan examples/supplychain-cleanup --sandbox
#
# The instance is not in this manifest, so it is not deleted; each child is
# deleted by its own request. References decide the order: the flow and the
# datasets go first, then their namespace (2 waves). A dataset of the
# namespace that this manifest does not name is shown as "deleted with
# aws_supplychain_data_lake_namespace.sales": DeleteDataLakeNamespace takes
# it along, and approving the plan approves that.
#
# The built-in namespaces `asc` and `default` belong to AWS and go only with
# their instance: naming one here is refused by `decom validate`.

provider "aws" {
  region = "us-east-1"
}

variable "instance_id" {
  description = "The Supply Chain instance that stays."
  default     = "8f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b"
}

# The flow writes the sales datasets: delete it before their namespace.
resource "aws_supplychain_data_integration_flow" "orders_sync" {
  instance_id = var.instance_id
  name        = "orders-sync"
  depends_on  = [aws_supplychain_data_lake_namespace.sales]
}

resource "aws_supplychain_data_lake_dataset" "orders" {
  instance_id = var.instance_id
  namespace   = aws_supplychain_data_lake_namespace.sales.name
  name        = "orders"
}

resource "aws_supplychain_data_lake_dataset" "returns" {
  instance_id = var.instance_id
  namespace   = aws_supplychain_data_lake_namespace.sales.name
  name        = "returns"
}

resource "aws_supplychain_data_lake_namespace" "sales" {
  instance_id = var.instance_id
  name        = "sales"
}
