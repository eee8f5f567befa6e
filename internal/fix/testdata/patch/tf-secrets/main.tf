variable "db_login" {
  type      = string
  sensitive = true
  default   = "sensitive-default-login"
}

resource "aws_rds_cluster" "orders" {
  cluster_identifier          = "orders"
  engine                      = "aurora-mysql"
  master_username             = var.db_login
  master_password             = var.master_password
  manage_master_user_password = true
  backtrack_window            = 3600
}
locals {
  init_password = <<-EOT
    heredoc-password-secret
  EOT
}

resource "aws_rds_cluster" "legacy" {
  cluster_identifier = "legacy"
  engine             = "aurora-mysql"
  pwd                = "pwd-literal-secret"

  tags = {
    admin_pass = "admin-pass-secret"
  }
}

variable "master_password" {
  type      = string
  sensitive = true
}
