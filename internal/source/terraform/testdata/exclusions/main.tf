# Clusters that enhanced binlog or a zero-ETL integration takes out of
# backtrack's scope, next to clusters that stay in scope.

variable "binlog_parameters" {
  type = list(object({ name = string, value = string, apply_method = optional(string, "pending-reboot") }))
  default = [
    { name = "binlog_format", value = "ROW" },
    { name = "aurora_enhanced_binlog", value = "1" },
    { name = "binlog_backup", value = "0" },
  ]
}

# Zero-ETL settings: https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/zero-etl.setting-up.html
resource "aws_rds_cluster_parameter_group" "binlog" {
  name   = "orders-enhanced-binlog"
  family = "aurora-mysql8.0"

  parameter {
    name         = "aurora_enhanced_binlog"
    value        = "1"
    apply_method = "pending-reboot"
  }
  parameter {
    name         = "binlog_backup"
    value        = "0"
    apply_method = "pending-reboot"
  }
  parameter {
    name         = "binlog_replication_globaldb"
    value        = "0"
    apply_method = "pending-reboot"
  }
}

resource "aws_rds_cluster_parameter_group" "plain" {
  name_prefix = "billing-"
  family      = "aurora-mysql8.0"

  parameter {
    name  = "aurora_enhanced_binlog"
    value = 0
  }
}

resource "aws_rds_cluster_parameter_group" "dynamic" {
  name   = "analytics-params"
  family = "aurora-mysql8.0"

  dynamic "parameter" {
    for_each = var.binlog_parameters
    iterator = p
    content {
      name         = p.value.name
      value        = p.value.value
      apply_method = p.value.apply_method
    }
  }
}

# NOT_APPLICABLE: enhanced binlog, and the window conflicts with it.
resource "aws_rds_cluster" "orders" {
  cluster_identifier              = "orders"
  engine                          = "aurora-mysql"
  engine_version                  = "8.0.mysql_aurora.3.05.2"
  db_cluster_parameter_group_name = aws_rds_cluster_parameter_group.binlog.name
  backtrack_window                = 86400
}

# In scope: the group sets aurora_enhanced_binlog = 0 (name_prefix: matched by address).
resource "aws_rds_cluster" "billing" {
  cluster_identifier              = "billing"
  engine                          = "aurora-mysql"
  engine_version                  = "8.0.mysql_aurora.3.04.3"
  db_cluster_parameter_group_name = aws_rds_cluster_parameter_group.plain.name
  backtrack_window                = 86400
}

# NOT_APPLICABLE: enhanced binlog set through a dynamic block, group named by a literal.
resource "aws_rds_cluster" "analytics" {
  cluster_identifier              = "analytics"
  engine                          = "aurora-mysql"
  engine_version                  = "8.0.mysql_aurora.3.08.0"
  db_cluster_parameter_group_name = "analytics-params"
}

# NOT_APPLICABLE: the source of a zero-ETL integration.
resource "aws_rds_cluster" "inventory" {
  cluster_identifier = "inventory"
  engine             = "aurora-mysql"
  engine_version     = "8.0.mysql_aurora.3.05.2"
}

resource "aws_redshiftserverless_namespace" "dw" {
  namespace_name = "dw"
}

resource "aws_rds_integration" "inventory" {
  integration_name = "inventory-to-redshift"
  source_arn       = aws_rds_cluster.inventory.arn
  target_arn       = aws_redshiftserverless_namespace.dw.arn
}

# FAIL: Aurora MySQL 2.05 has no backtrack (2.06.0 and later).
resource "aws_rds_cluster" "legacy" {
  cluster_identifier = "legacy"
  engine             = "aurora-mysql"
  engine_version     = "5.7.mysql_aurora.2.05.0"
  backtrack_window   = 86400
}

# FAIL (backtrack disabled): its parameter group is managed elsewhere, so nothing excludes it.
resource "aws_rds_cluster" "external" {
  cluster_identifier              = "external"
  engine                          = "aurora-mysql"
  engine_version                  = "8.0.mysql_aurora.3.04.3"
  db_cluster_parameter_group_name = "managed-elsewhere"
}
