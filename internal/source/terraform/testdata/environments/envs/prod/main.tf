provider "aws" {
  region = "ap-northeast-1"
}

variable "window" {
  type = number
}

module "db" {
  source           = "../../modules/aurora"
  name             = "orders-prod"
  environment      = "prod"
  backtrack_window = var.window
}
