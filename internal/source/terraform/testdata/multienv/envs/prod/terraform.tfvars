backtrack_hours = 72
