
locals {
  r = [
    length(["a", "b"]), length({ a = 1 }), length("héllo"),
    lower("ABC"), upper("abc"),
    join("-", ["a", "b"], ["c"]),
    join(",", split(".", "a.b.c")),
    format("%s=%d (%.1f) %q %v %t %%", "x", 3, 2.25, "q", 5, true),
    join(",", concat(["a"], ["b", "c"], [])),
    merge({ a = 1, b = 2 }, { b = 3 }).b,
    lookup({ a = "x" }, "a"), lookup({ a = "x" }, "z", "dflt"),
    element(["a", "b", "c"], 4),
    replace("a-b-c", "-", "+"),
    trimspace("  t \n"),
    tostring(12), tostring(true),
    tonumber("12.5") + 1,
    coalesce(null, "", "first"),
  ]
}
resource "aws_supplychain_instance" "x" { name = join("|", local.r) }
