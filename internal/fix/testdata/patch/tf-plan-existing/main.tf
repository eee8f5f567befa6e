resource "aws_rds_cluster" "legacy" {
  cluster_identifier = "legacy-prod"
  engine             = "aurora-mysql"
  engine_version     = "5.7.mysql_aurora.2.12.4"
}
