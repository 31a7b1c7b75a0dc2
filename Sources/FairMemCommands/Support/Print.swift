/// `print` inside the commands writes to the running command's output (``CommandIO``): the
/// process's standard output for `fairmem`, a buffer that becomes the response for the C ABI.
/// Shadowing the standard library's `print` in this module keeps every command's rendering code
/// unaware of which face runs it.
func print(_ text: String) {
  CommandIO.current.writeLine(text)
}
