variable "enable_backtrack" {
  type    = bool
  default = false
}

locals {
  window = 86400
}

resource "aws_rds_cluster" "orders" {
  cluster_identifier = "orders"
  engine             = "aurora-mysql"
  backtrack_window   = var.enable_backtrack ? local.window : 0
}
