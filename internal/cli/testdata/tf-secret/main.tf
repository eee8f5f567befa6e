variable "db_password" {
  type      = string
  default   = "Sup3rS3cret-do-not-print"
  sensitive = true
}

resource "aws_rds_cluster" "payments" {
  cluster_identifier = "payments"
  engine             = "aurora-mysql"
  engine_version     = "8.0.mysql_aurora.3.04.0"
  master_username    = "admin"
  master_password    = var.db_password
  backtrack_window   = 72
}
