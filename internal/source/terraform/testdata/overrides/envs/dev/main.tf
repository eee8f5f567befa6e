resource "aws_rds_cluster" "dev" {
  engine           = "aurora-mysql"
  backtrack_window = 0
}
