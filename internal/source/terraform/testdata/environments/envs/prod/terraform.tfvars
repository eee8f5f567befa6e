window = 3600
