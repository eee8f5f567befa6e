provider "aws" {
  region = "ap-northeast-1"
}

variable "window" {
  type    = number
  default = 900
}

module "db" {
  source           = "../../modules/aurora"
  name             = "orders-perf"
  environment      = "perf"
  backtrack_window = var.window
}
