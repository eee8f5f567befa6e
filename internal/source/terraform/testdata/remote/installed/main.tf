module "rds" {
  source  = "terraform-aws-modules/rds-aurora/aws"
  version = "9.10.0"

  name             = "payments"
  engine           = "aurora-mysql"
  backtrack_window = 0
}
