module "db" {
  source = "./modules/does-not-exist"
  name   = "orders"
}

resource "aws_rds_cluster" "kept" {
  engine           = "aurora-mysql"
  backtrack_window = 86400
}
