variable "name" {
  type        = string
  description = "Cluster identifier."
}

variable "environment" {
  type = string
}

variable "engine_version" {
  type    = string
  default = "8.0.mysql_aurora.3.04.2"
}

variable "backtrack_window" {
  type        = number
  description = "Target backtrack window in seconds (0 disables it)."
  default     = null
}

variable "instance_count" {
  type    = number
  default = 2
}

variable "master_password" {
  type      = string
  sensitive = true
}
