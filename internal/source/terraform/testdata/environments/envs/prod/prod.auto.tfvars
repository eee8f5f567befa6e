# Overrides terraform.tfvars (auto files are read after it)
window = 1800
