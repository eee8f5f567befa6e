# Production
db_login = "tfvars-sensitive-login"
window   = 3600
region   = "eu-west-1"
