resource "aws_rds_cluster" "orders" {
  cluster_identifier = "orders"
  engine             = "aurora-mysql"
  backtrack_window   = 345600 # 96h: more than AWS accepts
}
