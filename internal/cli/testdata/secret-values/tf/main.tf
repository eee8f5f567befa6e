# The window comes from a variable declared sensitive: its value is never shown.
variable "window" {
  type      = string
  sensitive = true
  default   = "s3cr3t-tf-window-default"
}

resource "aws_rds_cluster" "orders" {
  cluster_identifier = "orders"
  engine             = "aurora-mysql"
  backtrack_window   = var.window
}
