engine = 
