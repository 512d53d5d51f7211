
locals { parts = ["dxcon", "1"] }
resource "aws_dx_connection" "c" { id = format("%s-%s", local.parts...) }
