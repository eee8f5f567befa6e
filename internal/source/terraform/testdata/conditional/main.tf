variable "env" {
  type = string
}

locals {
  is_prod = var.env == "prod"
  window  = local.is_prod ? 259200 : 86400
  windows = {
    prod    = 259200
    staging = 3600
  }
}

resource "aws_rds_cluster" "main" {
  cluster_identifier = "main-${var.env}"
  engine             = "aurora-mysql"
  backtrack_window   = local.window
}

resource "aws_rds_cluster" "by_lookup" {
  cluster_identifier = "lookup-${var.env}"
  engine             = "aurora-mysql"
  backtrack_window   = lookup(local.windows, var.env, 0)
}

resource "aws_rds_cluster" "coalesced" {
  engine           = "aurora-mysql"
  backtrack_window = coalesce(try(local.windows["prod"], null), 1)
}
