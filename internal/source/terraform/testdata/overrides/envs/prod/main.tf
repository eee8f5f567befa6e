locals {
  window_hours = 1
}

module "aurora" {
  source           = "../../modules/aurora"
  name             = "orders-prod"
  environment      = "prod"
  backtrack_window = local.window_hours * 3600
}
