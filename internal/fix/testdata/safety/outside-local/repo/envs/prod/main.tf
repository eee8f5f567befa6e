module "db" {
  source = "../../../elsewhere"
}
