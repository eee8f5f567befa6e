backtrack_windows = {
  prod    = 259200 # 72 hours
  staging = 72     # meant "72 hours", but the unit is seconds: this is 72 seconds
}
