module "orders" {
  source = "./modules/cluster"
  name   = "orders"
  engine = "aurora-mysql"
}

module "reports" {
  source = "./modules/cluster"
  name   = "reports"
  engine = "aurora-postgresql"
}
