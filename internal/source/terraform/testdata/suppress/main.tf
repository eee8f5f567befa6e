# kumoguard:ignore KG-BT-001 reason="legacy cluster, migration planned" until=2027-03-31
resource "aws_rds_cluster" "legacy" {
  engine = "aurora-mysql"
}

// Reporting database.
// kumoguard:ignore KG-BT-002 reason="short-lived test database"
resource "aws_rds_cluster" "scratch" { # kumoguard:ignore KG-BT-001 reason="scratch"
  engine           = "aurora-mysql"
  backtrack_window = 60
}

/* kumoguard:ignore KG-BT-001 */
resource "aws_rds_cluster" "bad_directive" {
  engine = "aurora-mysql"
}

# kumoguard:ignore KG-BT-001 reason="not attached: blank line below"

resource "aws_rds_cluster" "detached" {
  engine = "aurora-mysql"
}
