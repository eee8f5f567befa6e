# Shared Aurora MySQL cluster module, called by every environment.
resource "aws_rds_cluster" "this" {
  cluster_identifier  = var.name
  engine              = "aurora-mysql"
  engine_version      = "8.0.mysql_aurora.3.04.2"
  master_username     = "admin"
  master_password     = var.master_password
  backtrack_window    = var.backtrack_window
  skip_final_snapshot = true
  tags                = { Environment = var.environment }
}
