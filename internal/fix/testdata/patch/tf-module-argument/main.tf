module "db" {
  source = "./modules/db"

  name             = "orders"
  backtrack_window = 600 # ten minutes
}
