resource "aws_rds_cluster" "broken" {
  cluster_identifier = "broken"
  engine             = "aurora-mysql"
  backtrack_window   = 86400 +
}
