resource "aws_rds_cluster" "hours" {
  engine           = "aurora-mysql"
  backtrack_window = 72
}

resource "aws_rds_cluster" "text" {
  engine           = "aurora-mysql"
  backtrack_window = "abc"
}

resource "aws_rds_cluster" "fraction" {
  engine           = "aurora-mysql"
  backtrack_window = 1.5
}

resource "aws_rds_cluster" "too_big" {
  engine           = "aurora-mysql"
  backtrack_window = 300000
}

resource "aws_rds_cluster" "negative" {
  engine           = "aurora-mysql"
  backtrack_window = -1
}

resource "aws_rds_cluster" "quoted" {
  engine           = "aurora-mysql"
  backtrack_window = "86400"
}

resource "aws_rds_cluster" "none" {
  engine = "aurora-mysql"
}

resource "aws_rds_cluster" "snapshot" {
  engine              = "aurora-mysql"
  snapshot_identifier = "orders-pre-backtrack"
  backtrack_window    = 86400
}

resource "aws_rds_cluster" "clone" {
  engine           = "aurora-mysql"
  backtrack_window = 3600
  restore_to_point_in_time {
    source_cluster_identifier  = aws_rds_cluster.snapshot.cluster_identifier
    restore_type               = "copy-on-write"
    use_latest_restorable_time = true
  }
}

resource "aws_rds_cluster" "from_data" {
  engine           = "aurora-mysql"
  backtrack_window = data.aws_ssm_parameter.window.value
}
