variable "name" {
  type = string
}

variable "engine" {
  type = string
}

variable "backtrack_window" {
  type    = number
  default = null
}

variable "create" {
  type    = bool
  default = true
}

resource "aws_rds_cluster" "this" {
  count              = var.create ? 1 : 0
  cluster_identifier = var.name
  engine             = var.engine
  backtrack_window   = var.backtrack_window
}
