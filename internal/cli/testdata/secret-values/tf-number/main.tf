variable "window" {
  type      = number
  default   = 43219
  sensitive = true
}

resource "aws_rds_cluster" "orders" {
  cluster_identifier = "orders"
  engine             = "aurora-mysql"
  backtrack_window   = var.window
}
