resource "aws_rds_cluster" "analytics" {
  cluster_identifier = "analytics"
  engine             = "aurora-postgresql"
  engine_version     = "16.4"
  master_username    = "postgres"
  master_password    = "Postgr3s-Secret-Value"
}
