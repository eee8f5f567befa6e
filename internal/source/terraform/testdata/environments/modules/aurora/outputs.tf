output "cluster_arn" {
  value = aws_rds_cluster.this.arn
}
