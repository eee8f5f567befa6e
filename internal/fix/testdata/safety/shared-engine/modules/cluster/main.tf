variable "name" {
  type = string
}

variable "engine" {
  type = string
}

resource "aws_rds_cluster" "this" {
  cluster_identifier = var.name
  engine             = var.engine
}
