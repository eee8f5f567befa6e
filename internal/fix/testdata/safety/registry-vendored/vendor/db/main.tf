resource "aws_rds_cluster" "this" {
  cluster_identifier = "vendored"
  engine             = "aurora-mysql"
  backtrack_window   = 3600
}
