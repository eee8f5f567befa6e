variable "backtrack_hours" {
  type    = number
  default = 24
}

variable "db_password" {
  type    = string
  default = "Pr0d-S3cret-Do-Not-Leak"
}

module "aurora" {
  source           = "../../modules/aurora"
  name             = "orders-prod"
  environment      = "prod"
  backtrack_window = var.backtrack_hours * 3600
  master_password  = var.db_password
}
