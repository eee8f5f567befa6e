# Passed with -var-file=release.tfvars for release rehearsals
window = 43200
