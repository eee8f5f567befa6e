variable "window" {
  type      = string
  sensitive = true
}

module "db" {
  source = "./db"
  window = var.window
}
