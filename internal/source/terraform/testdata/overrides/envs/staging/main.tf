variable "backtrack_window" {
  type    = string
  default = "3600"
}

module "aurora" {
  source           = "../../modules/aurora"
  name             = "orders-staging"
  environment      = "staging"
  backtrack_window = var.backtrack_window
}

resource "aws_rds_cluster" "reporting" {
  cluster_identifier = "reporting-staging"
  engine             = "aurora-mysql"
  backtrack_window   = 0

  serverlessv2_scaling_configuration {
    min_capacity = 0.5
    max_capacity = 2
  }
}
