b = 2
c = 2
d = 2
e = 2
f = 2
