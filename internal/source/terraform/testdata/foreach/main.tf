variable "clusters" {
  type = map(object({
    engine_version   = string
    backtrack_window = optional(number, 86400)
  }))
  default = {
    billing = {
      engine_version   = "8.0.mysql_aurora.3.04.2"
      backtrack_window = 259200
    }
    reports = {
      engine_version   = "8.0.mysql_aurora.3.08.0"
      backtrack_window = 72
    }
    search = {
      engine_version = "8.0.mysql_aurora.3.08.0"
    }
  }
}

resource "aws_rds_cluster" "db" {
  for_each = var.clusters

  cluster_identifier = "app-${each.key}"
  engine             = "aurora-mysql"
  engine_version     = each.value.engine_version
  backtrack_window   = each.value.backtrack_window
}

resource "aws_rds_cluster" "replica" {
  count              = 2
  cluster_identifier = "replica-${count.index}"
  engine             = "aurora-mysql"
  backtrack_window   = count.index == 0 ? 86400 : 0
}
