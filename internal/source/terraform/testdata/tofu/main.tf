# Terraform reads this file; OpenTofu reads main.tofu instead.
resource "aws_rds_cluster" "main" {
  engine           = "aurora-mysql"
  backtrack_window = 0
}
