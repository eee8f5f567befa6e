variable "regions" {
  type = list(string)
}

resource "aws_rds_cluster" "per_region" {
  count            = length(var.regions)
  engine           = "aurora-mysql"
  backtrack_window = 86400
}

resource "aws_rds_cluster" "per_id" {
  for_each         = toset(data.aws_rds_clusters.all.cluster_identifiers)
  engine           = "aurora-mysql"
  backtrack_window = 0
}

resource "aws_rds_cluster" "listed" {
  for_each         = ["a", "b"]
  engine           = "aurora-mysql"
  backtrack_window = 86400
}
