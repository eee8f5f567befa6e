# Orders database. Owned by the payments team.
resource "aws_rds_cluster" "orders" {
  cluster_identifier = "orders"
  engine             = "aurora-mysql" # v3 LTS
  engine_version     = "8.0.mysql_aurora.3.04.0"
  master_username    = "admin"
  master_password    = "correct-horse-battery-staple"

  lifecycle {
    prevent_destroy = true
  }
}
