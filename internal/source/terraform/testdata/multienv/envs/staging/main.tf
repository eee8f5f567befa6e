variable "window" {
  type = number
}

variable "db_password" {
  type    = string
  default = "St4ging-S3cret-Do-Not-Leak"
}

module "aurora" {
  source           = "../../modules/aurora"
  name             = "orders-staging"
  environment      = "staging"
  backtrack_window = var.window
  instance_count   = 1
  master_password  = var.db_password
}
