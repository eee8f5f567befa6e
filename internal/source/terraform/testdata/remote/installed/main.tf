module "rds" {
  source  = "terraform-aws-modules/rds-aurora/aws"
  version = "9.10.0"

  name             = "payments"
  engine           = "aurora-mysql"
  backtrack_window = 0
  instance_class   = "db.r6g.large"
  instances = {
    one = {}
    two = {}
  }
}

module "rds_serverless" {
  source  = "terraform-aws-modules/rds-aurora/aws"
  version = "9.10.0"

  name             = "events"
  engine           = "aurora-mysql"
  backtrack_window = 86400
  instances = {
    one = { instance_class = "db.serverless" }
  }
  serverlessv2_scaling_configuration = {
    min_capacity = 0.5
    max_capacity = 8
  }
}
