
variable "n" {
  type    = number
  default = 3
}
locals {
  list   = ["a", "b", "c"]
  obj    = { k = "v", nested = { deep = 7 } }
  math   = (var.n * 2 + 1) % 4 - 10 / 5
  cmp    = var.n >= 3 && !(var.n == 4) || false
  cond   = var.n > 2 ? "big" : "small"
  idx    = "${local.list[1]}${local.obj.k}${local.obj["nested"].deep}"
  tmpl   = "%{ if local.cmp }yes%{ else }no%{ endif }-%{ for x in local.list }${x}%{ endfor }"
  forexp = join(",", [for s in local.list : upper(s) if s != "b"])
  formap = { for k, v in { a = 1, b = 2 } : k => v * 10 }
  heredoc = <<EOT
line ${var.n}
EOT
  neg    = -var.n
  strnum = "2" + 3
}
resource "aws_supplychain_instance" "x" {
  name = join("|", [local.math, local.cmp, local.cond, local.idx, local.tmpl, local.forexp, local.formap.b, local.heredoc, local.neg, local.strnum])
}
