import FairMemCommands
import Foundation

/// The response to a request, written as JSON text:
///
///     {"ok": true,  "exit_code": 0, "result": <the command's --json output>}
///     {"ok": false, "exit_code": 2, "error": {"code": "bad_input", "field": "tolerance", "message": "..."}}
///
/// `result` is the command's output itself (spliced in, never parsed and written again); a
/// failed command that had written an answer (`--check` on an infeasible answer, a sweep with bad
/// lines) keeps it in `result` next to `error`.
enum ABIResponse {
  /// The error object of a failed request.
  struct ErrorObject: Encodable {
    let code: String
    let field: String?
    let message: String

    /// Field names in the request's vocabulary: `--frontier-points` becomes `frontier_points`.
    init(_ failure: CommandFailure) {
      code = failure.code
      message = failure.message
      if let field = failure.field, field.hasPrefix("--") {
        self.field = String(field.dropFirst(2).map { $0 == "-" ? "_" : $0 })
      } else {
        field = failure.field
      }
    }

    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(code, forKey: .code)
      try container.encode(field, forKey: .field)  // null when there is no field, never absent
      try container.encode(message, forKey: .message)
    }

    private enum CodingKeys: String, CodingKey { case code, field, message }
  }

  /// The response bytes for a command's output (`output` may be empty) and its failure, if any.
  static func bytes(output: [UInt8], shape: CommandEntry.Output, failure: CommandFailure?) -> [UInt8] {
    var response: [UInt8] = []
    response.reserveCapacity(output.count + 256)
    response.append(contentsOf: "{\"ok\":\(failure == nil),\"exit_code\":\(failure?.exitCode ?? 0)".utf8)
    if let failure {
      response.append(contentsOf: ",\"error\":".utf8)
      response.append(contentsOf: encodedError(failure))
    }
    if let result = result(output, shape: shape) {
      response.append(contentsOf: ",\"result\":".utf8)
      response.append(contentsOf: result)
    }
    response.append(UInt8(ascii: "}"))
    return response
  }

  /// The response of a request that failed before any command ran.
  static func bytes(failure: CommandFailure) -> [UInt8] {
    bytes(output: [], shape: .json, failure: failure)
  }

  private static func encodedError(_ failure: CommandFailure) -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    // Encoding three strings cannot fail; should it ever, say so in valid JSON.
    let data = (try? encoder.encode(ErrorObject(failure))) ?? Data("{\"code\":\"internal_failure\"}".utf8)
    return Array(data)
  }

  /// The command's output as one JSON value: the document itself, or the JSON Lines as an array.
  private static func result(_ output: [UInt8], shape: CommandEntry.Output) -> ArraySlice<UInt8>? {
    switch shape {
    case .json:
      let trimmed = output.trimmingWhitespace()
      return trimmed.isEmpty ? nil : trimmed
    case .jsonLines:
      var array: [UInt8] = [UInt8(ascii: "[")]
      array.reserveCapacity(output.count + 2)
      var first = true
      for line in output.split(separator: UInt8(ascii: "\n")) where !line.trimmingWhitespace().isEmpty {
        if !first { array.append(UInt8(ascii: ",")) }
        array.append(contentsOf: line)
        first = false
      }
      array.append(UInt8(ascii: "]"))
      return array[...]
    }
  }
}

extension Collection where Element == UInt8, SubSequence == ArraySlice<UInt8> {
  fileprivate func trimmingWhitespace() -> ArraySlice<UInt8> {
    func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 }
    var slice = self[...]
    while let first = slice.first, isSpace(first) { slice = slice.dropFirst() }
    while let last = slice.last, isSpace(last) { slice = slice.dropLast() }
    return slice
  }
}
