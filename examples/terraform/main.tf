# Quick-start project for kumoguard:
#   go run ./cmd/kumoguard scan iac examples/terraform

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = "ap-northeast-1"
}

# Orders database, one Aurora MySQL cluster per environment, through a local
# module. prod passes; staging has the classic 72-seconds mistake.
module "orders" {
  source   = "./modules/aurora-mysql"
  for_each = var.backtrack_windows

  name             = "orders-${each.key}"
  environment      = each.key
  backtrack_window = each.value
  instance_count   = each.key == "prod" ? 3 : 1
  master_password  = var.master_password
}

# An older cluster created without backtrack: it fails, and since backtrack can
# only be enabled at creation, kumoguard explains the snapshot-restore migration.
resource "aws_rds_cluster" "reporting" {
  cluster_identifier  = "reporting"
  engine              = "aurora-mysql"
  engine_version      = "8.0.mysql_aurora.3.04.2"
  master_username     = "admin"
  master_password     = var.master_password
  skip_final_snapshot = true
}

# Aurora PostgreSQL has no backtrack: not applicable.
resource "aws_rds_cluster" "analytics" {
  cluster_identifier  = "analytics"
  engine              = "aurora-postgresql"
  engine_version      = "16.4"
  master_username     = "postgres"
  master_password     = var.master_password
  skip_final_snapshot = true
}

# Members of an Aurora global database cannot use backtrack: not applicable.
resource "aws_rds_global_cluster" "payments" {
  global_cluster_identifier = "payments-global"
  engine                    = "aurora-mysql"
  engine_version            = "8.0.mysql_aurora.3.04.2"
}

resource "aws_rds_cluster" "payments_primary" {
  cluster_identifier        = "payments-primary"
  engine                    = aws_rds_global_cluster.payments.engine
  engine_version            = aws_rds_global_cluster.payments.engine_version
  global_cluster_identifier = aws_rds_global_cluster.payments.id
  master_username           = "admin"
  master_password           = var.master_password
  skip_final_snapshot       = true
}
