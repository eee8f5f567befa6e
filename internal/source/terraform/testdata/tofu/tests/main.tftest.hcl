run "setup" {
  module {
    source = "./tests/setup"
  }
}
