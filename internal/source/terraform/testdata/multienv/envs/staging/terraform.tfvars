# Backtrack window for staging
window = 72
