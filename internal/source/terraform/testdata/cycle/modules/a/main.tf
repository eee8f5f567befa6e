resource "aws_rds_cluster" "a" {
  engine           = "aurora-mysql"
  backtrack_window = 86400
}

module "b" {
  source = "../b"
}
