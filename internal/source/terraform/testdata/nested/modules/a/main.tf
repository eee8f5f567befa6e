variable "env" {
  type = string
}

module "db" {
  source = "../db"
  count  = 2
  name   = "orders-${var.env}-${count.index}"
  n      = count.index + 1
  window = var.env == "prod" ? 86400 : 3600
}

output "first_name" {
  value = module.db[0].name
}
