variable "shards" {
  type = map(number)
}

module "a" {
  source = "./modules/a"
  env    = "prod"
}

module "b" {
  source   = "./modules/db"
  for_each = var.shards
  name     = "shard-${each.key}"
  n        = 1
  window   = each.value
}
