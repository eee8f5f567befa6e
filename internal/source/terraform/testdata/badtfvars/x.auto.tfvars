engine = var.other
