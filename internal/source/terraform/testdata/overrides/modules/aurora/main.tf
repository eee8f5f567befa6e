# Shared Aurora MySQL cluster module. The DR team's dr_override.tf pins the
# engine version for every environment.
resource "aws_rds_cluster" "this" {
  cluster_identifier = var.name
  engine             = "aurora-mysql"
  engine_version     = "8.0.mysql_aurora.3.02.0"
  backtrack_window   = var.backtrack_window
  master_username    = "admin"

  serverlessv2_scaling_configuration {
    min_capacity = 0.5
    max_capacity = 4
  }

  tags = local.tags
}

locals {
  tags = { Environment = var.environment }
}
