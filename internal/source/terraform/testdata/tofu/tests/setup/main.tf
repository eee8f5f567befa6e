# A test helper module: terraform test / tofu test run it, plans never do.
resource "aws_rds_cluster" "fixture" {
  engine = "aurora-mysql"
}
