resource "aws_rds_cluster" "shard" {
  count              = 2
  cluster_identifier = "shard-${count.index}"
  engine             = "aurora-mysql"
}
