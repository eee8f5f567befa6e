module "db" {
  source = "git::https://example.com/acme/aurora.git?ref=v1.2.0"
}
