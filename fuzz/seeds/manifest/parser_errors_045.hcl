locals {
  a = local.b
  b = "${local.c}"
  c = upper(local.a)
  d = local.a
}
