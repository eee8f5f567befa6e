# A typo: there is no aws_rds_cluster.devel to override (Terraform errors).
resource "aws_rds_cluster" "devel" {
  backtrack_window = 86400
}

locals {
  window = 3600
}
