variable "name" {
  type = string
}

variable "environment" {
  type = string
}

variable "master_password" {
  type      = string
  sensitive = true
  default   = null
}

variable "backtrack_window" {
  type        = number
  description = "Target backtrack window in seconds."
  default     = 3600
}
