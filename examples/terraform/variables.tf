variable "backtrack_windows" {
  description = "Target backtrack window per environment, in seconds."
  type        = map(number)
}

variable "master_password" {
  description = "Master password for the example clusters. Never commit a real one: use manage_master_user_password or a secret store."
  type        = string
  sensitive   = true
  default     = "Example-Only-S3cret-Passw0rd"
}
