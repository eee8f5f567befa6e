variable "db_login" {
  type      = string
  sensitive = true
}

variable "window" {
  type = number
}

variable "region" {
  type = string
}

resource "aws_rds_cluster" "orders" {
  cluster_identifier = "orders"
  engine             = "aurora-mysql"
  master_username    = var.db_login
  backtrack_window   = var.window
}
