module "db" {
  source  = "acme/aurora/aws"
  version = "1.2.0"
}
