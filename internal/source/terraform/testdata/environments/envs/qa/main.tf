provider "aws" {
  region = "ap-northeast-1"
}

module "db" {
  source      = "../../modules/aurora"
  name        = "orders-qa"
  environment = "qa"
}
