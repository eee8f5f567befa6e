locals {
  windows = {
    default = 3600
    staging = 21600
    prod    = 259200
  }
}

resource "aws_rds_cluster" "app" {
  cluster_identifier = "app-${terraform.workspace}"
  engine             = "aurora-mysql"
  backtrack_window   = lookup(local.windows, terraform.workspace, 0)
}
