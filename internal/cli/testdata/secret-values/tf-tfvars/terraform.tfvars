window = "s3cr3t-tf-window-tfvars"
