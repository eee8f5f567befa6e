# Trimmed from the shape of terraform-aws-modules/rds-aurora.
locals {
  create = var.create && var.putin_khuylo
}

variable "create" {
  type    = bool
  default = true
}

variable "putin_khuylo" {
  type    = bool
  default = true
}

variable "name" {
  type = string
}

variable "engine" {
  type    = string
  default = null
}

variable "engine_mode" {
  type    = string
  default = "provisioned"
}

variable "backtrack_window" {
  type    = number
  default = null
}

variable "global_cluster_identifier" {
  type    = string
  default = null
}

variable "instance_class" {
  type    = string
  default = ""
}

variable "instances" {
  type    = any
  default = {}
}

variable "serverlessv2_scaling_configuration" {
  type    = map(string)
  default = {}
}

resource "aws_rds_cluster" "this" {
  count = local.create ? 1 : 0

  cluster_identifier        = var.name
  engine                    = var.engine
  engine_mode               = var.engine_mode
  backtrack_window          = var.backtrack_window
  global_cluster_identifier = var.global_cluster_identifier

  dynamic "serverlessv2_scaling_configuration" {
    for_each = length(var.serverlessv2_scaling_configuration) > 0 && var.engine_mode == "provisioned" ? [var.serverlessv2_scaling_configuration] : []

    content {
      max_capacity = serverlessv2_scaling_configuration.value.max_capacity
      min_capacity = serverlessv2_scaling_configuration.value.min_capacity
    }
  }
}

resource "aws_rds_cluster_instance" "this" {
  for_each = { for k, v in var.instances : k => v if local.create }

  identifier         = "${var.name}-${each.key}"
  cluster_identifier = aws_rds_cluster.this[0].id
  instance_class     = try(each.value.instance_class, var.instance_class)
  engine             = var.engine
}

output "cluster_id" {
  value = try(aws_rds_cluster.this[0].id, null)
}
