variable "name" {
  type = string
}

variable "environment" {
  type = string
}

variable "backtrack_window" {
  type    = number
  default = 0
}
