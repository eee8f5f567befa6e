# An application stack: a primary database with a window from its input,
# and a reporting copy that keeps the aurora module's default.
variable "name" {
  type = string
}

variable "window" {
  type    = number
  default = 7200
}

module "primary" {
  source           = "../aurora"
  name             = "${var.name}-primary"
  environment      = var.name
  backtrack_window = var.window
}

module "reporting" {
  source      = "../aurora"
  name        = "${var.name}-reporting"
  environment = var.name
}
