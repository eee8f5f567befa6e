variable "name" {
  type = string
}

variable "backtrack_window" {
  type    = number
  default = null
}

resource "aws_rds_cluster" "this" {
  cluster_identifier = var.name
  engine             = "aurora-mysql"
  backtrack_window   = var.backtrack_window
}
