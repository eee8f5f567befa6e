# Staging settings
window = 600
