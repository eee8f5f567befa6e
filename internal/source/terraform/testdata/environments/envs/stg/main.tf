provider "aws" {
  region = "ap-northeast-1"
}

variable "window" {
  type = number
}

module "db" {
  source           = "../../modules/aurora"
  name             = "orders-stg"
  environment      = "stg"
  backtrack_window = var.window
}
