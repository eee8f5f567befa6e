resource "aws_rds_global_cluster" "orders" {
  global_cluster_identifier = "orders-global"
  engine                    = "aurora-mysql"
  engine_version            = "8.0.mysql_aurora.3.04.2"
}

resource "aws_rds_cluster" "primary" {
  cluster_identifier        = "orders-primary"
  engine                    = aws_rds_global_cluster.orders.engine
  engine_version            = aws_rds_global_cluster.orders.engine_version
  global_cluster_identifier = aws_rds_global_cluster.orders.id
}

resource "aws_rds_cluster" "literal_member" {
  cluster_identifier        = "orders-secondary"
  engine                    = "aurora-mysql"
  global_cluster_identifier = "orders-global"
}

resource "aws_rds_cluster" "legacy" {
  cluster_identifier = "legacy-orders"
  engine             = "aurora-mysql"
  backtrack_window   = 86400
}

resource "aws_rds_global_cluster" "from_existing" {
  global_cluster_identifier    = "legacy-global"
  source_db_cluster_identifier = aws_rds_cluster.legacy.arn
  force_destroy                = true
}
