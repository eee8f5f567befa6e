variable "a" {
  default = 1
}

variable "b" {
  type    = number
  default = 1
}

variable "c" {
  type    = number
  default = 1
}

variable "d" {
  type    = number
  default = 1
}

variable "e" {
  type    = number
  default = 1
}

variable "f" {
  type    = number
  default = 1
}

variable "missing" {
  type = number
}

resource "aws_rds_cluster" "a" {
  engine           = "aurora-mysql"
  backtrack_window = var.a
}

resource "aws_rds_cluster" "b" {
  engine           = "aurora-mysql"
  backtrack_window = var.b
}

resource "aws_rds_cluster" "c" {
  engine           = "aurora-mysql"
  backtrack_window = var.c
}

resource "aws_rds_cluster" "d" {
  engine           = "aurora-mysql"
  backtrack_window = var.d
}

resource "aws_rds_cluster" "e" {
  engine           = "aurora-mysql"
  backtrack_window = var.e
}

resource "aws_rds_cluster" "f" {
  engine           = "aurora-mysql"
  backtrack_window = var.f
}

resource "aws_rds_cluster" "missing" {
  engine           = "aurora-mysql"
  backtrack_window = var.missing
}
