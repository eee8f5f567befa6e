variable "window" {
  type      = string
  sensitive = true
}

resource "aws_rds_cluster" "this" {
  cluster_identifier = "billing"
  engine             = "aurora-mysql"
  backtrack_window   = var.window
}
