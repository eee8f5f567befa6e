# Production settings
window = 7200 # 2h
db_password = "do-not-print-me"
