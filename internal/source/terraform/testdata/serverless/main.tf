resource "aws_rds_cluster" "block" {
  cluster_identifier = "sv2-block"
  engine             = "aurora-mysql"
  engine_mode        = "provisioned"
  backtrack_window   = 86400

  serverlessv2_scaling_configuration {
    min_capacity = 0.5
    max_capacity = 4
  }
}

resource "aws_rds_cluster" "instances" {
  cluster_identifier = "sv2-instances"
  engine             = "aurora-mysql"
  backtrack_window   = 86400
}

resource "aws_rds_cluster_instance" "instances" {
  for_each           = toset(["a", "b"])
  identifier         = "sv2-instances-${each.key}"
  cluster_identifier = aws_rds_cluster.instances.id
  instance_class     = "db.serverless"
  engine             = aws_rds_cluster.instances.engine
}

resource "aws_rds_cluster" "v1" {
  cluster_identifier = "serverless-v1"
  engine             = "aurora-mysql"
  engine_mode        = "serverless"
}
