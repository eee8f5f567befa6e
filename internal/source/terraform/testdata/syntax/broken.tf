resource "aws_rds_cluster" "broken" {
  engine           = "aurora-mysql"
  backtrack_window = 
}
