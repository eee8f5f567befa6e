output "cluster_id" {
  value = aws_rds_cluster.this.id
}

output "endpoint" {
  value = aws_rds_cluster.this.endpoint
}
