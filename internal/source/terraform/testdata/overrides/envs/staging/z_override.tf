# Applied after window_override.tf.json (lexical order): the later override wins.
resource "aws_rds_cluster" "reporting" {
  backtrack_window = 21600
  engine_mode      = "provisioned"
}
