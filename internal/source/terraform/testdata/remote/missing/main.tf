module "rds" {
  source  = "terraform-aws-modules/rds-aurora/aws"
  version = "9.10.0"

  name             = "ledger"
  engine           = "aurora-mysql"
  backtrack_window = 86400
}

resource "aws_rds_cluster" "local" {
  engine           = "aurora-mysql"
  backtrack_window = 86400
}
