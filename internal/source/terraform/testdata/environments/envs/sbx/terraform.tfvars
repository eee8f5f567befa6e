hours = 2
