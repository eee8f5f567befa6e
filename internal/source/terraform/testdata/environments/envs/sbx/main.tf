provider "aws" {
  region = "ap-northeast-1"
}

variable "hours" {
  type = number
}

locals {
  window = var.hours * 3600
}

module "db" {
  source           = "../../modules/aurora"
  name             = "orders-sbx"
  environment      = "sbx"
  backtrack_window = local.window
}
