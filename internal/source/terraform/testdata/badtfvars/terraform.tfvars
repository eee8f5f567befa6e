window = "three days"
