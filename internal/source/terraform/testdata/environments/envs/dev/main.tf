provider "aws" {
  region = "ap-northeast-1"
}

module "db" {
  source           = "../../modules/aurora"
  name             = "orders-dev"
  environment      = "dev"
  backtrack_window = 72
}
