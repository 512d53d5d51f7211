
variable "env" {
  type    = string
  default = "default"
}
variable "n" {
  type    = number
  default = 1
}
variable "flag" {
  type    = bool
  default = false
}
variable "ids" {
  type    = list(string)
  default = []
}
variable "tags" {
  type    = map(string)
  default = {}
}
variable "anything" {
  default = "d"
}
