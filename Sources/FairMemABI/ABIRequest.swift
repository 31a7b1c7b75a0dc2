import FairMemCommands
import FairMemJSON

/// A parsed C ABI request: `{"command": NAME, "arguments": {...}, "input": ...}`.
///
/// `arguments` are the long options of `fairmem NAME` without their dashes (`snake_case` or
/// `kebab-case`): `true` is a flag, `false` and `null` leave it out, a string or number is its
/// value, a list repeats the option. `input` is what the command would read from its file: a
/// statistics object, a CSV text, a list of statistics objects (`sweep`), or any of them as text.
struct ABIRequest {
  /// Requests larger than this are refused before they are parsed (256 MiB).
  static let maximumBytes = 256 << 20

  let command: String
  let entry: CommandEntry
  let arguments: [(name: String, value: Any)]
  let input: CommandIO.StandardInput?

  /// Parses and checks the request text (UTF-8 bytes, no terminating NUL).
  init(bytes: UnsafeBufferPointer<UInt8>) throws(CommandFailure) {
    guard bytes.count <= Self.maximumBytes else {
      throw .badInput(
        field: "request", message: "request is \(bytes.count) bytes, more than the limit of \(Self.maximumBytes)")
    }
    let parsed: Any
    do {
      parsed = try JSONReader.parse(Array(bytes))
    } catch {
      throw .badInput(field: "request", message: "malformed JSON: \(error)")
    }
    guard let object = parsed as? [String: Any] else {
      throw .badInput(field: "request", message: "expected a JSON object {\"command\": ..., \"arguments\": {...}}")
    }
    for key in object.keys where !["command", "arguments", "input"].contains(key) {
      throw .badInput(field: key, message: "unknown request key '\(key)' (use command, arguments, input)")
    }
    guard let command = object["command"] as? String else {
      throw .badInput(field: "command", message: "expected the command name as a string")
    }
    guard let entry = CommandEntry.all[command] else {
      throw .badInput(
        field: "command",
        message: "unknown command '\(command)' (use \(CommandEntry.all.keys.sorted().joined(separator: ", ")))")
    }
    var arguments: [(name: String, value: Any)] = []
    switch object["arguments"] {
    case nil, is JSONReader.Null: break
    case let given as [String: Any]:
      arguments = given.map { ($0.key, $0.value) }.sorted { $0.name < $1.name }
    default:
      throw .badInput(field: "arguments", message: "expected an object of option names and values")
    }
    switch object["input"] {
    case nil, is JSONReader.Null: input = nil
    case let text as String: input = .bytes(Array(text.utf8))
    case let value as [String: Any]: input = .parsed(value)
    case let value as [Any]: input = .parsed(value)
    default:
      throw .badInput(field: "input", message: "expected a JSON object, a list or a text")
    }
    self.command = command
    self.entry = entry
    self.arguments = arguments
  }

  /// The `fairmem` command line this request stands for (without the program name).
  func commandLine() throws(CommandFailure) -> [String] {
    var line = [command]
    for (name, value) in arguments {
      line += try Self.options(name: name, value: value)
    }
    line += entry.fixedArguments
    if entry.takesInputFile, input != nil { line.append("-") }
    return line
  }

  /// One argument as options: `--name=value` (the `=` keeps values like `-1` from reading as
  /// options), repeated for lists, `--name` for `true`.
  static func options(name: String, value: Any) throws(CommandFailure) -> [String] {
    let validName =
      !name.isEmpty && name.utf8.first != UInt8(ascii: "-")
      && name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x2D }
    guard validName else {
      throw .badInput(field: name, message: "'\(name)' is not an option name (lower-case letters, digits, _ or -)")
    }
    guard !CommandEntry.reservedArguments.contains(name) else {
      throw .badInput(field: name, message: "'\(name)' is set by the C ABI itself and cannot be given")
    }
    let option = "--" + name.replacingUnderscores()
    switch value {
    case is JSONReader.Null: return []
    case let flag as Bool: return flag ? [option] : []
    case let list as [Any]:
      var result: [String] = []
      for (index, item) in list.enumerated() {
        guard let text = scalarText(item) else {
          throw .badInput(field: "\(name)[\(index)]", message: "expected a string or a finite number")
        }
        result.append("\(option)=\(text)")
      }
      return result
    default:
      guard let text = scalarText(value) else {
        throw .badInput(field: name, message: "expected a string, a finite number, a boolean or a list of them")
      }
      return ["\(option)=\(text)"]
    }
  }

  /// A string or number as the command line spells it (doubles in their shortest round-trip form).
  private static func scalarText(_ value: Any) -> String? {
    switch value {
    case let text as String: text
    case let integer as Int: String(integer)
    case let number as Double where number.isFinite: number.description
    default: nil
    }
  }
}

extension String {
  fileprivate func replacingUnderscores() -> String {
    String(unicodeScalars.map { $0 == "_" ? "-" : Character($0) })
  }
}
