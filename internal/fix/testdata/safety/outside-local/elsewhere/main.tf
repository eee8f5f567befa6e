resource "aws_rds_cluster" "this" {
  cluster_identifier = "outside"
  engine             = "aurora-mysql"
  backtrack_window   = 3600
}
