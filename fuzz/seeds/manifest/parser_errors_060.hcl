provider "aws" {
  allowed_account_ids = ["123456789012", "1234", 123456789012]
}
