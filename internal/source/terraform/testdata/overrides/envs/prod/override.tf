# Production keeps three days of backtrack (merged into main.tf by Terraform).
locals {
  window_hours = 72
}
