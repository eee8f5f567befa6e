terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}

# Reporting replica, rebuilt from a snapshot every night.
# kumoguard:ignore KG-BT-001,KG-BT-002 reason="nightly rebuild from snapshot; rewind not needed" until=2099-12-31
resource "aws_rds_cluster" "reporting" {
  cluster_identifier = "reporting"
  engine             = "aurora-mysql"
  engine_version     = "8.0.mysql_aurora.3.04.0"
  master_username    = "admin"
  manage_master_user_password = true
}

resource "aws_rds_cluster" "legacy" {
  cluster_identifier = "legacy"
  engine             = "aurora-mysql"
  engine_version     = "8.0.mysql_aurora.3.04.0"
  backtrack_window   = 3600
}

resource "aws_rds_cluster" "expired" { // kumoguard:ignore KG-BT-001 reason="was temporary" until=2020-01-31
  cluster_identifier = "expired"
  engine             = "aurora-mysql"
}
