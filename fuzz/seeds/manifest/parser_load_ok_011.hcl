
variable "s" {
  type    = string
  default = 5
}
variable "n" {
  type    = number
  default = "42"
}
variable "b" {
  type    = bool
  default = true
}
variable "l" {
  type    = list(string)
  default = ["a", "b"]
}
variable "m" {
  type    = map(number)
  default = { x = 1, y = 2 }
}
variable "a" {
  default   = { k = ["v"] }
  sensitive = true
}
