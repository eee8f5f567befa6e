# Calls itself and nothing else calls it.
resource "aws_rds_cluster" "orphan" {
  engine = "aurora-mysql"
}

module "self" {
  source = "./"
}
