variable "window" {
  type    = number
  default = 86400
}

variable "engine" {
  type    = string
  default = "aurora-mysql"
}

resource "aws_rds_cluster" "main" {
  engine           = var.engine
  backtrack_window = var.window
}
