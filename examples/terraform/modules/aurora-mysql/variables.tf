variable "name" {
  description = "DB cluster identifier."
  type        = string
}

variable "environment" {
  description = "Environment name, used in tags."
  type        = string
}

variable "engine_version" {
  description = "Aurora MySQL version (3.x is MySQL 8.0 compatible)."
  type        = string
  default     = "8.0.mysql_aurora.3.04.2"
}

variable "backtrack_window" {
  description = "Target backtrack window in SECONDS (86400 = 24 h, at most 259200 = 72 h). 0 or null disables backtracking."
  type        = number
  default     = null
}

variable "instance_class" {
  description = "Instance class of the cluster's instances."
  type        = string
  default     = "db.r6g.large"
}

variable "instance_count" {
  description = "Number of instances (writer + readers)."
  type        = number
  default     = 2
}

variable "master_password" {
  description = "Master password."
  type        = string
  sensitive   = true
}
