variable "window" {
  default = 3600
}

resource "aws_rds_cluster" "orders" {
  cluster_identifier = "orders"
  engine             = "aurora-mysql"
  backtrack_window   = var.window
}

resource "aws_rds_cluster" "billing" {
  cluster_identifier = "billing"
  engine             = "aurora-mysql"
  backtrack_window   = var.window
}
