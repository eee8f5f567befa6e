resource "aws_rds_cluster" "b" {
  engine = "aurora-mysql"
}

module "back_to_a" {
  source = "../a"
}
