provider "aws" {
  region = "ap-northeast-1"
}

module "app" {
  source = "../../modules/stack"
  name   = "billing"
}
