locals {
  tags = {
    Environment = var.environment
    Service     = "orders"
    ManagedBy   = "terraform"
  }
}

resource "aws_rds_cluster" "this" {
  cluster_identifier        = var.name
  engine                    = "aurora-mysql"
  engine_version            = var.engine_version
  master_username           = "admin"
  master_password           = var.master_password
  backtrack_window          = var.backtrack_window
  backup_retention_period   = var.environment == "prod" ? 14 : 3
  skip_final_snapshot       = var.environment != "prod"
  final_snapshot_identifier = "${var.name}-final"
  tags                      = local.tags
}

resource "aws_rds_cluster_instance" "this" {
  count              = var.instance_count
  identifier         = "${var.name}-${count.index}"
  cluster_identifier = aws_rds_cluster.this.id
  instance_class     = var.instance_class
  engine             = aws_rds_cluster.this.engine
  engine_version     = aws_rds_cluster.this.engine_version
}
