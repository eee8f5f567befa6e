variable "name" {
  type = string
}

variable "backtrack_window" {
  description = "Target backtrack window in seconds (null: AWS default 0, disabled)"
  type        = number
  default     = null
}

resource "aws_rds_cluster" "this" {
  cluster_identifier = var.name
  engine             = "aurora-mysql"
  backtrack_window   = var.backtrack_window
}
