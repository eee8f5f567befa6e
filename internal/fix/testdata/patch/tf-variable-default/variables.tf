variable "backtrack_hours_as_seconds" {
  description = "Target backtrack window"
  type        = number
  default     = 24 # hours
}
