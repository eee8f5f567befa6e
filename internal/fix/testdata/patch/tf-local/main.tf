locals {
  # Windows per environment, in seconds.
  windows = {
    prod    = 3600
    staging = 600
  }
}

resource "aws_rds_cluster" "orders" {
  cluster_identifier = "orders"
  engine             = "aurora-mysql"
  backtrack_window   = local.windows["prod"]
}
