resource "aws_rds_cluster" "ok" {
  engine           = "aurora-mysql"
  backtrack_window = 86400
}
