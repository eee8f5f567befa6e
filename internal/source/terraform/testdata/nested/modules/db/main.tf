variable "name" {
  type = string
}

variable "n" {
  type = number
}

variable "window" {
  type = number
}

resource "aws_rds_cluster" "this" {
  count              = var.n
  cluster_identifier = "${var.name}-${count.index}"
  engine             = "aurora-mysql"
  backtrack_window   = var.window
}

output "name" {
  value = var.name
}
